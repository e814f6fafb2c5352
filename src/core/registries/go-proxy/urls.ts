import type { Env } from '../../types';
import { assertSafeGitRemote } from '../../util/argv-guard';
import { resolveBaseUrl } from '../support/base-url';

export const GO_PROXY_ENV = 'MONOCHANGE_GO_PROXY_URL';
export const GO_REMOTE_ENV = 'MONOCHANGE_GO_REMOTE';
export const DEFAULT_GO_PROXY = 'https://proxy.golang.org';

export function goProxyUrl(env: Env): string {
  return resolveBaseUrl(env, GO_PROXY_ENV, DEFAULT_GO_PROXY, { allowFile: true });
}

/**
 * Git remote that receives module tags (default `origin`). It reaches `git ls-remote`/`git push`,
 * so only a remote name or an allowed URL passes (no `--upload-pack=…`, no `ext::`).
 */
export function goRemote(env: Env): string {
  const value = env[GO_REMOTE_ENV]?.trim();
  return value ? assertSafeGitRemote(value, { source: GO_REMOTE_ENV }) : 'origin';
}
