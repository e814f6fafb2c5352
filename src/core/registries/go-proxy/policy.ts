import type { RateLimitPolicy } from '../types';

export const goProxyRateLimit: RateLimitPolicy = {
  registry: 'go_proxy',
  limit: null,
  windowSeconds: null,
  confidence: 'low',
  notes: 'Go modules are published by pushing VCS tags; the public proxy does not document a precise publish quota',
  evidence: [{ title: 'Go modules reference: publishing', url: 'https://go.dev/ref/mod#publishing', kind: 'official', notes: 'publishing is a VCS tag' }],
};

/** pkg.go.dev page of a module version (`v` prefixed once). */
export function goVersionPageUrl(modulePath: string, version: string): string {
  return `https://pkg.go.dev/${modulePath}@v${version.replace(/^v/, '')}`;
}
