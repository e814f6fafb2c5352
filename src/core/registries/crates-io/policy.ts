import type { RateLimitPolicy } from '../types';

export const cratesIoRateLimit: RateLimitPolicy = {
  registry: 'crates_io',
  limit: 10,
  windowSeconds: 60,
  confidence: 'high',
  notes: 'crates.io source enforces 10 uploads per minute for existing crates',
  evidence: [
    {
      title: 'crates.io source (publish rate limits)',
      url: 'https://github.com/rust-lang/crates.io',
      kind: 'source_code',
      notes: 'rate limit applied to crate uploads',
    },
  ],
};

export function crateVersionPageUrl(name: string, version: string): string {
  return `https://crates.io/crates/${encodeURIComponent(name)}/${encodeURIComponent(version)}`;
}
