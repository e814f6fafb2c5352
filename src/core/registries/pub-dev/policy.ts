import type { RateLimitPolicy } from '../types';

export const pubDevRateLimit: RateLimitPolicy = {
  registry: 'pub_dev',
  limit: 12,
  windowSeconds: 86_400,
  confidence: 'medium',
  notes: 'pub.dev community guidance consistently cites 12 publishes per day for new versions',
  evidence: [{ title: 'Dart: automated publishing', url: 'https://dart.dev/tools/pub/automated-publishing', kind: 'official', notes: 'publishing from CI' }],
};

export function pubVersionPageUrl(name: string, version: string): string {
  return `https://pub.dev/packages/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}`;
}
