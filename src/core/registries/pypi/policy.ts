import type { RateLimitPolicy } from '../types';

export const pypiRateLimit: RateLimitPolicy = {
  registry: 'pypi',
  limit: null,
  windowSeconds: null,
  confidence: 'low',
  notes: 'PyPI does not publish a precise package publish quota; use sequential CI publishing with retries',
  evidence: [{ title: 'PyPI trusted publishers', url: 'https://docs.pypi.org/trusted-publishers/', kind: 'official', notes: 'no documented publish quota' }],
};

export function pypiVersionPageUrl(name: string, version: string): string {
  return `https://pypi.org/project/${encodeURIComponent(name)}/${encodeURIComponent(version)}/`;
}
