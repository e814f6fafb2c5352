import type { Env } from '../../types';
import { resolveBaseUrl } from '../support/base-url';

export const NPM_REGISTRY_URL_ENV = 'MONOCHANGE_NPM_REGISTRY_URL';
export const DEFAULT_NPM_REGISTRY_URL = 'https://registry.npmjs.org';

/** The override from `MONOCHANGE_NPM_REGISTRY_URL`, else the public registry; no trailing slash. */
export function npmBaseUrl(env: Env): string {
  return resolveBaseUrl(env, NPM_REGISTRY_URL_ENV, DEFAULT_NPM_REGISTRY_URL);
}

export function isDefaultNpmRegistry(base: string): boolean {
  return base.replace(/\/+$/, '') === DEFAULT_NPM_REGISTRY_URL;
}

/** Name as a URL path segment, like npm itself: `@scope/pkg` → `@scope%2Fpkg`. */
export function encodeNpmName(name: string): string {
  return name.startsWith('@') ? `@${encodeURIComponent(name.slice(1))}` : encodeURIComponent(name);
}

/** Packument URL: `{base}/{encoded name}`. */
export function npmPackumentUrl(base: string, name: string): string {
  return `${base}/${encodeNpmName(name)}`;
}
