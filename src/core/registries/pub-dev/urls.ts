import type { Env } from '../../types';
import { isOverridden, originOf, resolveBaseUrl } from '../support/base-url';

export const PUB_DEV_API_ENV = 'MONOCHANGE_PUB_DEV_API_URL';
export const DEFAULT_PUB_DEV_API = 'https://pub.dev/api';

export function pubDevApiUrl(env: Env): string {
  return resolveBaseUrl(env, PUB_DEV_API_ENV, DEFAULT_PUB_DEV_API);
}

/**
 * Environment for `dart pub publish`: with an overridden API, `PUB_HOSTED_URL` is its origin
 * (pub servers serve the API under `<hosted url>/api`), so uploads reach the server that lookups ask.
 */
export function pubCommandEnv(env: Env): Record<string, string> {
  return isOverridden(env, PUB_DEV_API_ENV) ? { PUB_HOSTED_URL: originOf(pubDevApiUrl(env)) } : {};
}
