import type { PackageConfig, PublishSettings, SourceConfig } from '../src/core/config/types';
import type { Manifest } from '../src/core/manifests/types';
import type { PlaceholderRequest, PublishRequest } from '../src/core/registries/types';
import type { Ecosystem, Env } from '../src/core/types';

/** Hand-built publish settings and requests for registry adapter tests (no config or manifest reader). */
export function publishSettings(registry: string, overrides: Partial<PublishSettings> = {}): PublishSettings {
  return {
    enabled: true,
    mode: 'builtin',
    registry,
    trustedPublishing: { enabled: true },
    attestations: { requireRegistryProvenance: false },
    placeholder: {},
    rateLimits: { enforce: false },
    ...overrides,
  };
}

export function packageConfig(id: string, path: string, type: Ecosystem, registry: string): PackageConfig {
  return { id, path, type, publish: publishSettings(registry) };
}

export const GITHUB_SOURCE: SourceConfig = {
  provider: 'github',
  owner: 'example-org',
  repo: 'example-repo',
  releases: { branches: ['main'], enforceForPublish: true, attestations: { requireGithubArtifactAttestations: false } },
};

export function publishRequest(
  root: string,
  pkg: PackageConfig,
  manifest: Manifest,
  version: string,
  env: Env,
  overrides: Partial<PublishRequest> = {},
): PublishRequest {
  return { root, pkg, manifest, version, dryRun: false, provenance: false, trustedPublishing: true, source: GITHUB_SOURCE, env, ...overrides };
}

export function placeholderRequest(
  root: string,
  pkg: PackageConfig,
  manifest: Manifest,
  env: Env,
  overrides: Partial<PlaceholderRequest> = {},
): PlaceholderRequest {
  return {
    root,
    pkg,
    manifest,
    dryRun: false,
    trustedPublishing: false,
    source: GITHUB_SOURCE,
    env,
    readme: `# ${manifest.name}\n\nThis is a placeholder release published by monochange to bootstrap trusted publishing.\n`,
    ...overrides,
  };
}
