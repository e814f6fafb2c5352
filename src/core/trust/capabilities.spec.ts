import { type CiIdentity, PROVIDERS, type ProviderId } from '../ci/types';
import { capabilityMessage, providerRegistryCapability, registryTrustCapabilities, supportedProvidersList } from './capabilities';

// [registry, provider, trustedPublishing, setup verifiable/automated, native provenance, adapter can require]
type Row = [string, ProviderId, boolean, boolean, boolean, boolean];
const T = true;
const F = false;

const MATRIX: Row[] = [
  ['npm', 'github_actions', T, T, T, T],
  ['npm', 'gitlab_ci', T, F, T, T],
  ['npm', 'circleci', F, F, F, F],
  ['npm', 'google_cloud_build', F, F, F, F],
  ['npm', 'unknown', F, F, F, F],
  ['crates_io', 'github_actions', T, F, F, F],
  ['crates_io', 'gitlab_ci', F, F, F, F],
  ['crates_io', 'circleci', F, F, F, F],
  ['crates_io', 'google_cloud_build', F, F, F, F],
  ['crates_io', 'unknown', F, F, F, F],
  ['jsr', 'github_actions', T, F, T, T],
  ['jsr', 'gitlab_ci', F, F, F, F],
  ['jsr', 'circleci', F, F, F, F],
  ['jsr', 'google_cloud_build', F, F, F, F],
  ['jsr', 'unknown', F, F, F, F],
  ['pub_dev', 'github_actions', T, F, F, F],
  ['pub_dev', 'gitlab_ci', F, F, F, F],
  ['pub_dev', 'circleci', F, F, F, F],
  ['pub_dev', 'google_cloud_build', T, F, F, F],
  ['pub_dev', 'unknown', F, F, F, F],
  ['pypi', 'github_actions', T, F, T, F],
  ['pypi', 'gitlab_ci', T, F, T, F],
  ['pypi', 'circleci', F, F, F, F],
  ['pypi', 'google_cloud_build', T, F, T, F],
  ['pypi', 'unknown', F, F, F, F],
  ['go_proxy', 'github_actions', T, F, F, F],
  ['go_proxy', 'gitlab_ci', T, F, F, F],
  ['go_proxy', 'circleci', F, F, F, F],
  ['go_proxy', 'google_cloud_build', F, F, F, F],
  ['go_proxy', 'unknown', F, F, F, F],
  ['my-private-registry', 'github_actions', F, F, F, F],
  ['my-private-registry', 'gitlab_ci', F, F, F, F],
  ['my-private-registry', 'circleci', F, F, F, F],
  ['my-private-registry', 'google_cloud_build', F, F, F, F],
  ['my-private-registry', 'unknown', F, F, F, F],
];

const LABEL: Record<ProviderId, string> = {
  github_actions: 'GitHub Actions',
  gitlab_ci: 'GitLab CI/CD',
  circleci: 'CircleCI',
  google_cloud_build: 'Google Cloud Build',
  unknown: 'unknown CI provider',
};

const REGISTRY_NOTES: Record<string, string[]> = {
  npm: [
    'npm trusted publishing supports GitHub Actions and GitLab CI/CD',
    'monochange can verify and automate npm GitHub trusted-publisher setup with npm CLI trust commands',
  ],
  crates_io: [
    'crates.io trusted publishing uses OIDC short-lived tokens',
    'monochange does not currently verify crates.io registry-side trusted-publisher setup',
  ],
  jsr: [
    'JSR can publish from supported CI without long-lived tokens',
    'JSR package provenance is available, but monochange does not verify registry-side setup',
  ],
  pub_dev: ['pub.dev automated publishing uses configured OIDC publishers', 'pub.dev registry-side publisher setup requires manual review'],
  pypi: ['PyPI Trusted Publishers support multiple CI identity providers', 'PEP 740 digital attestations are separate from trusted-publisher authorization'],
  go_proxy: [
    'Go modules are published by pushing a release tag; no registry credential is exchanged',
    'with trusted publishing on, a tag is pushed only from a job whose signed GitHub or GitLab identity matches the configured repository (on GitLab, from a protected tag)',
  ],
  'my-private-registry': ['custom/private registries have no built-in trusted-publishing contract in monochange'],
};

describe('providerRegistryCapability: every registry × provider cell', () => {
  it('covers all 7 × 5 cells', () => {
    expect(MATRIX).toHaveLength(35);
    for (const registry of Object.keys(REGISTRY_NOTES)) {
      expect(
        MATRIX.filter((r) => r[0] === registry)
          .map((r) => r[1])
          .sort(),
      ).toEqual([...PROVIDERS].sort());
    }
  });

  it.each(MATRIX)('%s × %s', (registry, provider, trusted, setup, provenance, adapter) => {
    const cell = providerRegistryCapability(registry, provider);
    const extra = !trusted
      ? `${LABEL[provider]} is not a supported trusted-publishing provider for ${registry}`
      : setup
        ? undefined
        : `monochange can identify ${LABEL[provider]} context for ${registry}, but registry-side setup still requires manual review`;
    expect(cell).toEqual({
      registry,
      provider,
      trustedPublishing: trusted,
      ciIdentityVerifiable: trusted,
      registrySetupVerifiable: setup,
      registrySetupAutomation: setup,
      registryNativeProvenance: provenance,
      adapterCanRequireProvenance: adapter,
      notes: extra ? [...REGISTRY_NOTES[registry], extra] : REGISTRY_NOTES[registry],
    });
  });
});

describe('registryTrustCapabilities', () => {
  it.each([
    ['npm', ['github_actions', 'gitlab_ci'], 'https://docs.npmjs.com/trusted-publishers'],
    ['crates_io', ['github_actions'], 'https://crates.io/docs/trusted-publishing'],
    ['jsr', ['github_actions'], 'https://jsr.io/docs/publishing-packages'],
    ['pub_dev', ['github_actions', 'google_cloud_build'], 'https://dart.dev/tools/pub/automated-publishing'],
    ['pypi', ['github_actions', 'gitlab_ci', 'google_cloud_build'], 'https://docs.pypi.org/trusted-publishers/'],
    ['go_proxy', ['github_actions', 'gitlab_ci'], null],
    ['pub.dev', [], null],
  ])('%s', (registry, providers, docsUrl) => {
    const caps = registryTrustCapabilities(registry);
    expect(caps.supportedProviders).toEqual(providers);
    expect(caps.trustedPublishing).toBe(providers.length > 0);
    expect(caps.docsUrl).toBe(docsUrl);
  });

  it('returns copies callers cannot use to change the matrix', () => {
    registryTrustCapabilities('npm').supportedProviders.push('circleci');
    registryTrustCapabilities('npm').notes.push('tampered');
    expect(providerRegistryCapability('npm', 'circleci').trustedPublishing).toBe(false);
    expect(registryTrustCapabilities('npm').notes).toHaveLength(2);
  });

  it.each([
    ['npm', 'GitHub Actions, GitLab CI/CD'],
    ['pypi', 'GitHub Actions, GitLab CI/CD, Google Cloud Build'],
    ['go_proxy', 'GitHub Actions, GitLab CI/CD'],
    ['custom', 'none'],
  ])('supportedProvidersList(%s)', (registry, list) => {
    expect(supportedProvidersList(registry)).toBe(list);
  });
});

describe('capabilityMessage: the four templates', () => {
  const id = (provider: ProviderId, verifiable = true): Pick<CiIdentity, 'provider' | 'verifiable'> => ({
    provider,
    verifiable,
  });

  it.each([
    [
      'unknown provider',
      'npm',
      id('unknown', false),
      'No supported CI provider identity was detected for npm trusted publishing; supported providers: GitHub Actions, GitLab CI/CD.',
    ],
    [
      'unknown provider, registry without providers',
      'my-private-registry',
      id('unknown', false),
      'No supported CI provider identity was detected for my-private-registry trusted publishing; supported providers: none.',
    ],
    [
      'provider not supported',
      'crates_io',
      id('circleci'),
      'Current CI provider CircleCI is not supported for crates_io trusted publishing; supported providers: GitHub Actions.',
    ],
    [
      'supported but not verifiable',
      'pypi',
      id('gitlab_ci', false),
      'Current CI provider GitLab CI/CD is supported for pypi trusted publishing, but publish-time environment variables are incomplete; verify the registry publisher configuration manually.',
    ],
    [
      'supported, verifiable, automatable, provenance',
      'npm',
      id('github_actions'),
      'Current CI provider GitHub Actions is supported for npm trusted publishing; monochange can verify registry-side setup; registry-native provenance is available.',
    ],
    [
      'supported, verifiable, manual, no provenance',
      'pub_dev',
      id('google_cloud_build'),
      'Current CI provider Google Cloud Build is supported for pub_dev trusted publishing; registry-side setup verification is manual; registry-native provenance is not available.',
    ],
    [
      'supported, verifiable, manual, provenance',
      'jsr',
      id('github_actions'),
      'Current CI provider GitHub Actions is supported for jsr trusted publishing; registry-side setup verification is manual; registry-native provenance is available.',
    ],
  ])('%s', (_label, registry, identity, message) => {
    expect(capabilityMessage(registry, identity)).toBe(message);
  });
});
