import type { RateLimitPolicy } from '../types';

export const jsrRateLimit: RateLimitPolicy = {
  registry: 'jsr',
  limit: 20,
  windowSeconds: 86_400,
  confidence: 'high',
  notes: 'JSR documents a daily publish limit per package scope',
  evidence: [{ title: 'JSR: publishing packages', url: 'https://jsr.io/docs/publishing-packages', kind: 'official', notes: 'daily publish limit per scope' }],
};

export function jsrVersionPageUrl(name: string, version: string): string {
  return `https://jsr.io/${name}@${encodeURIComponent(version)}`;
}
