/** Shared vocabulary of the publish core. Nx-free. */

export const ECOSYSTEMS = ['npm', 'cargo', 'deno', 'dart', 'flutter', 'python', 'go'] as const;
export type Ecosystem = (typeof ECOSYSTEMS)[number];

/** Ecosystem keys allowed under `[ecosystems.<key>]` (flutter shares `dart`). */
export const ECOSYSTEM_CONFIG_KEYS = ['npm', 'cargo', 'deno', 'dart', 'python', 'go'] as const;
export type EcosystemConfigKey = (typeof ECOSYSTEM_CONFIG_KEYS)[number];

/** Built-in registry ids, in the canonical order that rate-limit plans and generated workflows follow. */
export const REGISTRY_IDS = ['crates_io', 'npm', 'jsr', 'pub_dev', 'pypi', 'go_proxy'] as const;
export type RegistryId = (typeof REGISTRY_IDS)[number];

export const DEFAULT_REGISTRY: Record<Ecosystem, RegistryId> = {
  cargo: 'crates_io',
  npm: 'npm',
  deno: 'jsr',
  dart: 'pub_dev',
  flutter: 'pub_dev',
  python: 'pypi',
  go: 'go_proxy',
};

export function ecosystemConfigKey(eco: Ecosystem): EcosystemConfigKey {
  return eco === 'flutter' ? 'dart' : eco;
}

export function isBuiltinRegistry(value: string): value is RegistryId {
  return (REGISTRY_IDS as readonly string[]).includes(value);
}

export type Env = Record<string, string | undefined>;

/** Status of one package in a publish or placeholder run (artifact contract). */
export const PUBLISH_STATUSES = ['planned', 'published', 'skipped_existing', 'skipped_external', 'blocked', 'failed'] as const;
export type PublishStatus = (typeof PUBLISH_STATUSES)[number];

export const READINESS_STATUSES = ['ready', 'already_published', 'unsupported', 'blocked'] as const;
export type ReadinessStatus = (typeof READINESS_STATUSES)[number];

export type CheckStatus = 'pass' | 'warn' | 'fail';

/** One readiness check: stable id (e.g. `npm.cli-version`), status, message and how to fix it. */
export interface Check {
  id: string;
  status: CheckStatus;
  message: string;
  fix?: string;
}

/** `trustedPublishing` object of artifacts. */
export interface TrustOutcome {
  status: 'disabled' | 'planned' | 'configured' | 'manual_action_required';
  repository: string | null;
  workflow: string | null;
  environment: string | null;
  setupUrl: string | null;
  message: string;
}
