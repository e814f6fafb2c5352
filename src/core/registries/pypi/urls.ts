import type { Env } from '../../types';
import { isOverridden, originOf, resolveBaseUrl, safeBaseUrl } from '../support/base-url';

export const PYPI_API_ENV = 'MONOCHANGE_PYPI_API_URL';
export const PYPI_UPLOAD_ENV = 'MONOCHANGE_PYPI_UPLOAD_URL';
export const PYPI_CHECK_ENV = 'MONOCHANGE_PYPI_CHECK_URL';
export const DEFAULT_PYPI_API = 'https://pypi.org/pypi';
export const DEFAULT_PYPI_CHECK_URL = 'https://pypi.org/simple/';

export function pypiApiUrl(env: Env): string {
  return resolveBaseUrl(env, PYPI_API_ENV, DEFAULT_PYPI_API);
}

/**
 * Where `uv publish` uploads and checks for existing files. An explicit MONOCHANGE_PYPI_UPLOAD_URL /
 * MONOCHANGE_PYPI_CHECK_URL wins. Otherwise, when the JSON API is overridden, both are derived from
 * its origin the way PyPI and warehouse-compatible servers lay them out:
 * `http://host:port/pypi` → upload `http://host:port/legacy/`, check `http://host:port/simple/`.
 * Without any override uv uploads to its default (PyPI) and checks `https://pypi.org/simple/`.
 */
export function pypiUploadTarget(env: Env): { publishUrl?: string; checkUrl: string } {
  const derived = isOverridden(env, PYPI_API_ENV) ? originOf(pypiApiUrl(env)) : undefined;
  const publishUrl = overrideOf(env, PYPI_UPLOAD_ENV) || (derived ? `${derived}/legacy/` : undefined);
  const checkUrl = overrideOf(env, PYPI_CHECK_ENV) || (derived ? `${derived}/simple/` : DEFAULT_PYPI_CHECK_URL);
  return publishUrl ? { publishUrl, checkUrl } : { checkUrl };
}

/** The trimmed, checked URL of `key` (it becomes `uv publish --publish-url/--check-url`), or undefined. */
function overrideOf(env: Env, key: string): string | undefined {
  const value = env[key]?.trim();
  return value ? safeBaseUrl(value, key) : undefined;
}
