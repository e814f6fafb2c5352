import type { Env } from '../types';

/**
 * Long-lived credential variables that contradict trusted publishing (reference §2.4, gap 24).
 * Presence of the key is enough: an empty `NODE_AUTH_TOKEN` (as setup actions write) still counts.
 */
const NPM_EXACT = new Set(['NPM_TOKEN', 'NODE_AUTH_TOKEN', 'NPM_CONFIG__AUTH_TOKEN', 'npm_config__authToken']);

/** Our addition: uv and twine upload with these instead of trusted publishing when present. */
const PYPI_EXACT = new Set(['UV_PUBLISH_TOKEN', 'UV_PUBLISH_PASSWORD', 'TWINE_PASSWORD']);

export function isRefusedNpmTokenVariable(key: string): boolean {
  if (NPM_EXACT.has(key)) return true;
  const lower = key.toLowerCase();
  return lower.startsWith('npm_config_') && lower.includes('auth') && lower.includes('token');
}

export function isRefusedPypiTokenVariable(key: string): boolean {
  return PYPI_EXACT.has(key);
}

/** Token variables present in `env` that trusted publishing to `registry` refuses, sorted. */
export function refusedTokenVariables(registry: string, env: Env): string[] {
  const refused =
    registry === 'npm' ? isRefusedNpmTokenVariable : registry === 'pypi' ? isRefusedPypiTokenVariable : undefined;
  if (!refused) return [];
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

/** `_authToken` entries in `.npmrc` texts (comments ignored). Reports where, never the token. */
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
