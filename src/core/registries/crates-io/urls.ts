import type { Env } from '../../types';
import { isOverridden, resolveBaseUrl, safeBaseUrl } from '../support/base-url';

export const CRATES_IO_API_ENV = 'MONOCHANGE_CRATES_IO_API_URL';
export const CRATES_IO_INDEX_ENV = 'MONOCHANGE_CRATES_IO_INDEX_URL';
export const DEFAULT_CRATES_IO_API = 'https://crates.io/api/v1';
export const DEFAULT_CRATES_IO_INDEX = 'https://index.crates.io';

export function cratesApiUrl(env: Env): string {
  return resolveBaseUrl(env, CRATES_IO_API_ENV, DEFAULT_CRATES_IO_API);
}

/** Sparse index base over HTTP(S), without cargo's `sparse+` prefix and without a trailing slash. */
export function cratesIndexUrl(env: Env): string {
  const value = env[CRATES_IO_INDEX_ENV]?.trim().replace(/^sparse\+/, '');
  return (value ? safeBaseUrl(value, CRATES_IO_INDEX_ENV) : DEFAULT_CRATES_IO_INDEX).replace(/\/+$/, '');
}

export function cratesIndexOverridden(env: Env): boolean {
  return isOverridden(env, CRATES_IO_INDEX_ENV);
}

export function cratesApiOverridden(env: Env): boolean {
  return isOverridden(env, CRATES_IO_API_ENV);
}
