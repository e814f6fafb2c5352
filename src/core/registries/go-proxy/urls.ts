import type { Env } from '../../types';
import { resolveBaseUrl } from '../support/base-url';

export const GO_PROXY_ENV = 'MONOCHANGE_GO_PROXY_URL';
export const GO_REMOTE_ENV = 'MONOCHANGE_GO_REMOTE';
export const DEFAULT_GO_PROXY = 'https://proxy.golang.org';

export function goProxyUrl(env: Env): string {
  return resolveBaseUrl(env, GO_PROXY_ENV, DEFAULT_GO_PROXY);
}

/** Git remote that receives module tags (default `origin`). */
export function goRemote(env: Env): string {
  return env[GO_REMOTE_ENV]?.trim() || 'origin';
}
