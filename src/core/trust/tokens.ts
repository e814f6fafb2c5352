import { findNpmEnvCredentials, npmConfigKeyOfEnv } from '../registries/npm/credentials';
import { DEFAULT_NPM_REGISTRY_URL, npmBaseUrl } from '../registries/npm/registry-url';
import type { Env } from '../types';

/**
 * Long-lived credential variables that contradict trusted publishing (reference §2.4, gap 24).
 * Presence of the key is enough: an empty `NODE_AUTH_TOKEN` (as setup actions write) still counts.
 * For npm, every `npm_config_*` spelling of a credential npm would send to the publish registry
 * counts too (see `registries/npm/credentials.ts`); credentials scoped to other hosts do not.
 */
const NPM_EXACT = new Set(['NPM_TOKEN', 'NODE_AUTH_TOKEN', 'NPM_CONFIG__AUTH_TOKEN', 'npm_config__authToken']);

/** Our addition: uv and twine upload with these instead of trusted publishing when present. */
const PYPI_EXACT = new Set(['UV_PUBLISH_TOKEN', 'UV_PUBLISH_PASSWORD', 'TWINE_PASSWORD']);

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

export function isRefusedPypiTokenVariable(key: string): boolean {
  return PYPI_EXACT.has(key);
}

/**
 * Token variables present in `env` that trusted publishing to `registry` refuses, sorted. For npm,
 * `registryUrl` (default: the publish registry, `npmBaseUrl(env)`) decides which host-scoped
 * `npm_config_//host/:…` credentials apply.
 */
export function refusedTokenVariables(registry: string, env: Env, registryUrl?: string): string[] {
  if (registry === 'pypi') return presentKeys(env, isRefusedPypiTokenVariable);
  if (registry !== 'npm') return [];
  const refused = new Set(presentKeys(env, isNamedNpmTokenVariable));
  for (const finding of findNpmEnvCredentials(env, registryUrl ?? npmBaseUrl(env))) refused.add(finding.variable as string);
  return [...refused].sort();
}

function presentKeys(env: Env, refused: (key: string) => boolean): string[] {
  return Object.keys(env)
    .filter((key) => env[key] !== undefined && refused(key))
    .sort();
}

export interface NpmrcAuthToken {
  path: string;
  /** 1-based line number. */
  line: number;
  /** The key left of `=`, e.g. `//registry.npmjs.org/:_authToken` (never the value). */
  key: string;
  /** The value is an environment reference such as `${NODE_AUTH_TOKEN}`, not a literal token. */
  fromEnvReference: boolean;
}

const AUTH_TOKEN_LINE = /^\s*([^=#;]*_authToken)\s*=\s*(.*)$/i;

/**
 * `_authToken` entries in `.npmrc` texts (comments ignored). Reports where, never the token. Only
 * `_authToken` lines: the readiness check and the publish gate use `findNpmCredentials`, which
 * covers every credential key and npmrc npm loads.
 */
export function findNpmrcAuthTokens(files: { path: string; text: string }[]): NpmrcAuthToken[] {
  const found: NpmrcAuthToken[] = [];
  for (const file of files) {
    file.text.split(/\r?\n/).forEach((lineText, index) => {
      const match = AUTH_TOKEN_LINE.exec(lineText);
      if (!match) return;
      const rawValue = match[2].trim().replace(/^["']|["']$/g, '');
      found.push({
        path: file.path,
        line: index + 1,
        key: match[1].trim(),
        fromEnvReference: /^\$\{[^}]+\}$/.test(rawValue),
      });
    });
  }
  return found;
}

/** `file:line (key)` for messages; never includes the value. */
export function describeNpmrcAuthToken(token: NpmrcAuthToken): string {
  return `${token.path}:${token.line} (${token.key})`;
}
