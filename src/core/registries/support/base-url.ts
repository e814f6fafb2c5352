import type { Env } from '../../types';

/** The base URL from `envKey` when set (trimmed, no trailing slash), else the default. */
export function resolveBaseUrl(env: Env, envKey: string, fallback: string): string {
  const value = env[envKey]?.trim();
  return (value ? value : fallback).replace(/\/+$/, '');
}

export function isOverridden(env: Env, envKey: string): boolean {
  return Boolean(env[envKey]?.trim());
}

/** `scheme://host[:port]` of a URL (no path). */
export function originOf(url: string): string {
  return new URL(url).origin;
}
