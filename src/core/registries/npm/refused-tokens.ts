import type { RefusedTokenVariables } from '../types';
import { presentKeys } from '../support/present-keys';
import { findNpmEnvCredentials, npmConfigKeyOfEnv } from './credentials';
import { DEFAULT_NPM_REGISTRY_URL, npmBaseUrl } from './registry-url';

/**
 * Long-lived npm credential variables that contradict trusted publishing.
 * Presence of the key is enough: an empty `NODE_AUTH_TOKEN` (as setup actions write) still counts.
 * Every `npm_config_*` spelling of a credential npm would send to the publish registry counts too
 * (see `credentials.ts`); credentials scoped to other hosts do not.
 */
const NPM_EXACT = new Set(['NPM_TOKEN', 'NODE_AUTH_TOKEN', 'NPM_CONFIG__AUTH_TOKEN', 'npm_config__authToken']);

/** `registryUrl` defaults to the public registry; a lone `username` is not a credential. */
export function isRefusedNpmTokenVariable(key: string, registryUrl: string = DEFAULT_NPM_REGISTRY_URL): boolean {
  return isNamedNpmTokenVariable(key) || findNpmEnvCredentials({ [key]: '' }, registryUrl).length > 0;
}

/**
 * Names refused whatever npm makes of them: the classic token variables and unscoped
 * `npm_config_*` keys that mention both auth and token (e.g. `NPM_CONFIG__AUTH_TOKEN`, which npm
 * reads as `_auth-token`). Registry-scoped keys are judged by host instead.
 */
function isNamedNpmTokenVariable(key: string): boolean {
  if (NPM_EXACT.has(key)) return true;
  const configKey = npmConfigKeyOfEnv(key);
  return configKey !== undefined && !configKey.startsWith('//') && configKey.includes('auth') && configKey.includes('token');
}

/** `registryUrl` (default: the publish registry, `npmBaseUrl(env)`) decides which host-scoped `npm_config_//host/:…` credentials apply. */
export const npmRefusedTokens: RefusedTokenVariables = {
  present(env, registryUrl) {
    const refused = new Set(presentKeys(env, isNamedNpmTokenVariable));
    for (const finding of findNpmEnvCredentials(env, registryUrl ?? npmBaseUrl(env))) refused.add(finding.variable as string);
    return [...refused].sort();
  },
  message: (pkgId, keys) =>
    `\`${pkgId}\` requires npm trusted publishing, but long-lived npm token environment variables are present: ${keys.join(', ')}. Remove token-based npm credentials and publish from the configured CI/OIDC workflow, or set \`publish.trusted_publishing = false\` to opt out.`,
};
