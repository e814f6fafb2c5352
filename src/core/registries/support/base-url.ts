import type { Env } from '../../types';
import { assertSafeUrl } from '../../util/argv-guard';

export interface BaseUrlOptions {
  /** Accept `file:` URLs (a local GOPROXY folder). */
  allowFile?: boolean;
}

/**
 * The base URL from `envKey` when set (trimmed, no trailing slash), else the default. An override
 * reaches lookups and CLI argv/env (`--registry`, `--index`, JSR_URL, PUB_HOSTED_URL), so it is
 * checked here: https, http only on loopback, never a leading `-`.
 */
export function resolveBaseUrl(env: Env, envKey: string, fallback: string, options: BaseUrlOptions = {}): string {
  const value = env[envKey]?.trim();
  return (value ? safeBaseUrl(value, envKey, options) : fallback).replace(/\/+$/, '');
}

/** `value` (read from `envKey`) after the URL checks, unchanged. */
export function safeBaseUrl(value: string, envKey: string, options: BaseUrlOptions = {}): string {
  return assertSafeUrl(value, { source: envKey, allowFile: options.allowFile });
}

export function isOverridden(env: Env, envKey: string): boolean {
  return Boolean(env[envKey]?.trim());
}

/** `scheme://host[:port]` of a URL (no path). */
export function originOf(url: string): string {
  return new URL(url).origin;
}
