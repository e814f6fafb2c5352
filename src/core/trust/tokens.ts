import { registryAdapter } from '../registries';
import type { Env } from '../types';

export { isRefusedNpmTokenVariable } from '../registries/npm/refused-tokens';
export { isRefusedPypiTokenVariable } from '../registries/pypi/refused-tokens';

/**
 * Long-lived credential variables present in `env` that trusted publishing to `registry` refuses,
 * sorted, as the registry declares them: presence of the key is enough.
 * For npm, `registryUrl` (default: the publish registry) decides which host-scoped
 * `npm_config_//host/:…` credentials apply.
 */
export function refusedTokenVariables(registry: string, env: Env, registryUrl?: string): string[] {
  return registryAdapter(registry)?.trust.tokenVariables?.present(env, registryUrl) ?? [];
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
