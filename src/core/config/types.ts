import type { Ecosystem, EcosystemConfigKey } from '../types';

/** The resolved, typed model of `monochange.toml`. */

export interface TrustedPublishingSettings {
  enabled: boolean;
  /** Expected `owner/repo`. */
  repository?: string;
  /** Expected workflow file name, e.g. `publish.yml`. */
  workflow?: string;
  /** Expected GitHub environment. */
  environment?: string;
  /** Optional immutable ids pinned in config (checked against OIDC claims). */
  repositoryId?: string;
  repositoryOwnerId?: string;
}

export interface PublishSettings {
  enabled: boolean;
  mode: 'builtin' | 'external';
  /** A built-in RegistryId for builtin mode; any string (custom/private registry) for external mode. */
  registry: string;
  trustedPublishing: TrustedPublishingSettings;
  attestations: { requireRegistryProvenance: boolean };
  placeholder: { readme?: string; readmeFile?: string };
  rateLimits: { enforce: boolean };
}

export type SourceProvider = 'github' | 'gitlab' | 'gitea' | 'bitbucket' | 'forgejo' | 'other';

export interface SourceConfig {
  provider: SourceProvider;
  owner: string;
  repo: string;
  /**
   * Host for non-default instances (e.g. `gitlab.example.com`, or `example.com/gitlab` when
   * `source.host` was an https:// URL with a path), without scheme; defaults per provider.
   */
  host?: string;
  releases: {
    /** Branch glob patterns a release must be reachable from (default `["main"]`). */
    branches: string[];
    enforceForPublish: boolean;
    attestations: { requireGithubArtifactAttestations: boolean };
  };
  /** `[source.oidc] issuer`: GHES / GHE.com issuer (issue 7). Absent = public GitHub issuer. */
  oidc?: { issuer: string };
}

export interface PackageConfig {
  /** `[package.<id>]` key. */
  id: string;
  /** Directory of the manifest, relative to the workspace root, `/`-separated, no trailing slash. */
  path: string;
  type: Ecosystem;
  /** Optional version (used for Go modules, which have no version in go.mod). */
  version?: string;
  /** Effective settings: ecosystem table merged field by field with the package table. */
  publish: PublishSettings;
}

export interface MonochangeConfig {
  /** Absolute workspace root (directory holding monochange.toml). */
  root: string;
  /** Absolute path of monochange.toml. */
  file: string;
  source?: SourceConfig;
  defaults: { packageType?: Ecosystem };
  /** Effective ecosystem-level settings (defaults applied) for every ecosystem key. */
  ecosystems: Record<EcosystemConfigKey, PublishSettings>;
  /** Declared packages, sorted by id. */
  packages: PackageConfig[];
  /** `[lookup]` HTTP settings (timeout in ms, retries). */
  lookup: { timeoutMs: number; retries: number; concurrency: number };
  /**
   * `[ecosystems.<key>.publish_order] dependency_fields`, only for ecosystems that
   * set it; an explicit list replaces the ecosystem's default fields (`[]` disables ordering edges).
   */
  publishOrder?: Partial<Record<EcosystemConfigKey, { dependencyFields: string[] }>>;
  /**
   * Keys in the file that monochange reads and publishing here does not (`defaults.parent_bump`,
   * `package.<id>.tag`, `group`, …), sorted; absent when there are none. For showing once.
   */
  monochangeOnlyKeys?: string[];
}

export const CONFIG_FILE_NAME = 'monochange.toml';
