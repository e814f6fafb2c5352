import type { PackageConfig, TrustedPublishingSettings } from '../../config/types';
import { DEFAULT_REGISTRY, type Ecosystem, type Env } from '../../types';

/** Test-only builders for trust tests (excluded from the build). */
export interface PackageFixture {
  id?: string;
  type?: Ecosystem;
  registry?: string;
  trustedPublishing?: Partial<TrustedPublishingSettings>;
  requireProvenance?: boolean;
}

export function makePackage(fixture: PackageFixture = {}): PackageConfig {
  const type = fixture.type ?? 'npm';
  return {
    id: fixture.id ?? 'web',
    path: `packages/${fixture.id ?? 'web'}`,
    type,
    publish: {
      enabled: true,
      mode: 'builtin',
      registry: fixture.registry ?? DEFAULT_REGISTRY[type],
      trustedPublishing: { enabled: true, ...fixture.trustedPublishing },
      attestations: { requireRegistryProvenance: fixture.requireProvenance ?? false },
      placeholder: {},
      rateLimits: { enforce: false },
    },
  };
}

/** Env of a GitHub Actions publish job for `acme/widgets`, workflow `publish.yml`, with id-token. */
export function githubEnv(overrides: Env = {}): Env {
  return {
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'acme/widgets',
    GITHUB_WORKFLOW: 'Release packages',
    GITHUB_WORKFLOW_REF: 'acme/widgets/.github/workflows/publish.yml@refs/tags/v1.2.3',
    GITHUB_REF: 'refs/tags/v1.2.3',
    GITHUB_REF_NAME: 'v1.2.3',
    GITHUB_REF_TYPE: 'tag',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_RUN_ID: '4242',
    GITHUB_JOB: 'publish',
    RUNNER_ENVIRONMENT: 'github-hosted',
    ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:1/fake-oidc',
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'fake-request-token',
    ...overrides,
  };
}

export function gitlabEnv(overrides: Env = {}): Env {
  return {
    GITLAB_CI: 'true',
    CI_PROJECT_PATH: 'acme/widgets',
    CI_COMMIT_REF_NAME: 'v1.2.3',
    CI_COMMIT_TAG: 'v1.2.3',
    CI_PIPELINE_SOURCE: 'push',
    CI_PIPELINE_ID: '77',
    CI_JOB_ID: '991',
    ...overrides,
  };
}

export function circleEnv(overrides: Env = {}): Env {
  return {
    CIRCLECI: 'true',
    CIRCLE_PROJECT_USERNAME: 'acme',
    CIRCLE_PROJECT_REPONAME: 'widgets',
    CIRCLE_WORKFLOW_ID: 'wf-123',
    CIRCLE_JOB: 'publish',
    ...overrides,
  };
}

export function cloudBuildEnv(overrides: Env = {}): Env {
  return {
    BUILD_ID: 'build-1',
    PROJECT_ID: 'acme-project',
    REPO_NAME: 'widgets',
    TRIGGER_NAME: 'release',
    TAG_NAME: 'v1.2.3',
    ...overrides,
  };
}
