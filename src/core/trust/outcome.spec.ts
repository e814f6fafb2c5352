import type { CiIdentity } from '../ci/types';
import type { TrustOutcome } from '../types';
import type { ExpectedContext } from './context';
import { configuredOrManualOutcome, disabledOutcome, manualOutcome, plannedOutcome, type TrustOutcomeInput } from './outcome';
import { makePackage, type PackageFixture } from './testing/fixtures';

const github: CiIdentity = {
  provider: 'github_actions',
  label: 'GitHub Actions',
  repository: 'acme/widgets',
  workflow: 'publish.yml',
  environment: 'publisher',
  oidcAvailable: true,
  verifiable: true,
};
const local: CiIdentity = { provider: 'unknown', label: 'unknown CI provider', oidcAvailable: false, verifiable: false };

const NPM_URL = 'https://www.npmjs.com/package/@acme/web/access';
const CMD = 'npm trust github @acme/web --file publish.yml --repo acme/widgets --yes --env publisher';
const trustCommand = (ctx: ExpectedContext) =>
  `npm trust github @acme/web --file ${ctx.workflow} --repo ${ctx.repository} --yes${ctx.environment ? ` --env ${ctx.environment}` : ''}`;

function input(overrides: Partial<Omit<TrustOutcomeInput, 'pkg'>> & { pkg?: PackageFixture } = {}): TrustOutcomeInput {
  const { pkg, ...rest } = overrides;
  return {
    pkg: makePackage(pkg),
    registry: 'npm',
    name: '@acme/web',
    identity: github,
    config: {},
    setupUrl: NPM_URL,
    npmTrustCommand: trustCommand,
    ...rest,
  };
}

const DISABLED: TrustOutcome = {
  status: 'disabled',
  repository: null,
  workflow: null,
  environment: null,
  setupUrl: null,
  message: 'trusted publishing disabled',
};
const CTX = { repository: 'acme/widgets', workflow: 'publish.yml', environment: 'publisher' };
const UNRESOLVED_LOCAL =
  'trusted publishing could not determine the GitHub repository; set `publish.trusted_publishing.repository`. No supported CI provider identity was detected for npm trusted publishing; supported providers: GitHub Actions, GitLab CI/CD.';

describe('trust outcomes', () => {
  it.each([
    ['disabledOutcome', () => disabledOutcome()],
    ['plannedOutcome', () => plannedOutcome(input({ pkg: { trustedPublishing: { enabled: false, workflow: 'kept.yml' } } }))],
    ['configuredOrManualOutcome', () => configuredOrManualOutcome(input({ pkg: { trustedPublishing: { enabled: false } } }))],
    ['manualOutcome', () => manualOutcome(input({ pkg: { trustedPublishing: { enabled: false } } }))],
  ])('%s → disabled when trusted publishing is off', (_label, make) => {
    expect(make()).toEqual(DISABLED);
  });

  it.each<[string, () => TrustOutcome, TrustOutcome]>([
    [
      'planned: npm with a resolvable context',
      () => plannedOutcome(input()),
      { status: 'planned', ...CTX, setupUrl: NPM_URL, message: `would configure npm trusted publishing with \`${CMD}\`` },
    ],
    [
      'planned: npm command given as a string',
      () => plannedOutcome(input({ npmTrustCommand: 'npm trust github x --file publish.yml --repo acme/widgets --yes' })),
      {
        status: 'planned',
        ...CTX,
        setupUrl: NPM_URL,
        message: 'would configure npm trusted publishing with `npm trust github x --file publish.yml --repo acme/widgets --yes`',
      },
    ],
    [
      'planned: npm without a trust command falls back to manual',
      () => plannedOutcome(input({ npmTrustCommand: undefined })),
      {
        status: 'manual_action_required',
        ...CTX,
        setupUrl: NPM_URL,
        message: `configure trusted publishing manually for \`@acme/web\` before the next built-in release publish; open ${NPM_URL} and register repository \`acme/widgets\`, workflow \`publish.yml\`, environment \`publisher\` there`,
      },
    ],
    [
      'planned: crates_io is manual',
      () => plannedOutcome(input({ registry: 'crates_io', name: 'widgets', setupUrl: 'https://crates.io/crates/widgets', pkg: { type: 'cargo' } })),
      {
        status: 'manual_action_required',
        ...CTX,
        setupUrl: 'https://crates.io/crates/widgets',
        message:
          'configure trusted publishing manually for `widgets` before the next built-in release publish; open https://crates.io/crates/widgets and register repository `acme/widgets`, workflow `publish.yml`, environment `publisher` there',
      },
    ],
    [
      'planned: npm with no resolvable context (local shell, nothing configured)',
      () => plannedOutcome(input({ identity: local, pkg: { trustedPublishing: { workflow: 'publish.yml' } } })),
      {
        status: 'manual_action_required',
        repository: null,
        workflow: 'publish.yml',
        environment: null,
        setupUrl: NPM_URL,
        message: `configure trusted publishing manually for \`@acme/web\` before the next built-in release publish; open ${NPM_URL} and finish the GitHub context setup first: ${UNRESOLVED_LOCAL}`,
      },
    ],
    [
      'configured: npm with a resolvable context',
      () => configuredOrManualOutcome(input()),
      {
        status: 'configured',
        ...CTX,
        setupUrl: NPM_URL,
        message: `npm trusted publishing is expected for this package; rerun \`${CMD}\` if you need to repair it manually`,
      },
    ],
    [
      'configured: pypi is manual',
      () =>
        configuredOrManualOutcome(
          input({
            registry: 'pypi',
            name: 'widgets',
            setupUrl: 'https://pypi.org/manage/project/widgets/settings/publishing/',
            pkg: { type: 'python', trustedPublishing: { environment: 'pypi' } },
          }),
        ),
      {
        status: 'manual_action_required',
        repository: 'acme/widgets',
        workflow: 'publish.yml',
        environment: 'pypi',
        setupUrl: 'https://pypi.org/manage/project/widgets/settings/publishing/',
        message:
          'configure trusted publishing manually for `widgets` before the next built-in release publish; open https://pypi.org/manage/project/widgets/settings/publishing/ and register repository `acme/widgets`, workflow `publish.yml`, environment `pypi` there',
      },
    ],
    [
      'configured: npm without a context is manual',
      () => configuredOrManualOutcome(input({ identity: local })),
      {
        status: 'manual_action_required',
        repository: null,
        workflow: null,
        environment: null,
        setupUrl: NPM_URL,
        message: `configure trusted publishing manually for \`@acme/web\` before the next built-in release publish; open ${NPM_URL} and finish the GitHub context setup first: ${UNRESOLVED_LOCAL}`,
      },
    ],
    [
      'manual: npm with context offers the trust command',
      () => manualOutcome(input({ pkg: { trustedPublishing: { repository: 'acme/widgets', workflow: 'publish.yml' } }, identity: local })),
      {
        status: 'manual_action_required',
        repository: 'acme/widgets',
        workflow: 'publish.yml',
        environment: null,
        setupUrl: NPM_URL,
        message: `configure trusted publishing for \`@acme/web\` before the next built-in release publish by running \`npm trust github @acme/web --file publish.yml --repo acme/widgets --yes\`; you can also open ${NPM_URL} and register repository \`acme/widgets\`, workflow \`publish.yml\` there`,
      },
    ],
    [
      'manual: custom registry without a setup page',
      () => manualOutcome(input({ registry: 'my-private-registry', setupUrl: null, npmTrustCommand: undefined })),
      {
        status: 'manual_action_required',
        ...CTX,
        setupUrl: null,
        message:
          "configure trusted publishing manually for `@acme/web` before the next built-in release publish; use my-private-registry's own trusted-publishing settings and register repository `acme/widgets`, workflow `publish.yml`, environment `publisher` there",
      },
    ],
    [
      'manual: registry docs page when the adapter has no setup page',
      () => manualOutcome(input({ registry: 'jsr', setupUrl: null, pkg: { type: 'deno' } })),
      {
        status: 'manual_action_required',
        ...CTX,
        setupUrl: 'https://jsr.io/docs/publishing-packages',
        message:
          'configure trusted publishing manually for `@acme/web` before the next built-in release publish; open https://jsr.io/docs/publishing-packages and register repository `acme/widgets`, workflow `publish.yml`, environment `publisher` there',
      },
    ],
  ])('%s', (_label, make, outcome) => {
    expect(make()).toEqual(outcome);
  });

  describe('Go (tags, no registry-side setup)', () => {
    const goInput = (identity: CiIdentity = github) =>
      input({ registry: 'go_proxy', name: 'github.com/acme/widgets', setupUrl: 'https://pkg.go.dev/github.com/acme/widgets', identity, pkg: { type: 'go' } });

    it.each<[string, () => TrustOutcome, TrustOutcome['status'], string]>([
      [
        'planned',
        () => plannedOutcome(goInput()),
        'planned',
        'would tag `github.com/acme/widgets` from repository `acme/widgets`, workflow `publish.yml`, environment `publisher`; the Go module proxy has no registry-side trusted publishing to configure',
      ],
      [
        'after publishing',
        () => configuredOrManualOutcome(goInput()),
        'configured',
        'the Go module proxy has no registry-side trusted publishing; tags for `github.com/acme/widgets` are only created from repository `acme/widgets`, workflow `publish.yml`, environment `publisher`',
      ],
    ])('%s', (_label, make, status, message) => {
      expect(make()).toEqual({ status, ...CTX, setupUrl: 'https://pkg.go.dev/github.com/acme/widgets', message });
    });

    it('unresolvable context is manual', () => {
      expect(plannedOutcome(goInput(local)).status).toBe('manual_action_required');
    });
  });
});
