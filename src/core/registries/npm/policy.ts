import type { RateLimitPolicy } from '../types';

export const npmRateLimit: RateLimitPolicy = {
  registry: 'npm',
  limit: null,
  windowSeconds: null,
  confidence: 'low',
  notes: 'npm does not publish a precise package publish quota; use sequential CI publishing with retries',
  evidence: [{ title: 'npm trusted publishers', url: 'https://docs.npmjs.com/trusted-publishers', kind: 'official', notes: 'no documented publish quota' }],
};

export function npmVersionPageUrl(name: string, version: string): string {
  return `https://www.npmjs.com/package/${name}/v/${encodeURIComponent(version)}`;
}
