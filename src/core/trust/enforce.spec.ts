import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectCiIdentity } from '../ci/detect';
import type { CiIdentity } from '../ci/types';
import type { SourceConfig } from '../config/types';
import { isMonochangeError } from '../errors';
import type { Env } from '../types';
import { enforceTrust, trustRefusalError, type TrustVerdict } from './enforce';
import { circleEnv, cloudBuildEnv, githubEnv, gitlabEnv, makePackage, type PackageFixture } from './testing/fixtures';

let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'mc-enforce-'));
  mkdirSync(join(root, '.github', 'workflows'), { recursive: true });
  writeFileSync(join(root, '.github', 'workflows', 'publish.yml'), 'jobs:\n  publish:\n    environment: publisher\n  plain:\n    runs-on: ubuntu-latest\n');
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

function source(owner: string, repo: string, provider: SourceConfig['provider']): SourceConfig {
  return {
    provider,
    owner,
    repo,
    releases: { branches: ['main'], enforceForPublish: false, attestations: { requireGithubArtifactAttestations: false } },
  };
}

interface Case {
  pkg?: PackageFixture;
  registry?: string;
  env: Env;
  src?: SourceConfig;
}

/**
 * The identity as the run resolves it: a GitHub job with a well-formed workflow ref stands for one
 * whose signed token verified (token checks have their own specs); every other one comes from
 * variables only, as it would in a real run.
 */
function identityOf(env: Env): CiIdentity {
  const detected = detectCiIdentity(env, { root });
  const verified = detected.provider === 'github_actions' && detected.workflow !== undefined;
  return { ...detected, verified };
}

function run({ pkg = {}, registry, env, src }: Case): TrustVerdict {
  const p = makePackage(pkg);
  return enforceTrust({
    pkg: p,
    registry: registry ?? p.publish.registry,
    identity: identityOf(env),
    env,
    config: { source: src },
  });
}

const unverifiable = (...mentions: string[]) => ({
  allowed: false,
  code: 'trust.identity-unverifiable',
  reason: expect.stringMatching(new RegExp(mentions.map((m) => m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[\\s\\S]*'))),
});

const RUN = 'Run `nx run-many -t publish` from the configured CI workflow or set `publish.trusted_publishing = false` to opt out.';
const mismatch = (reason: string) =>
  `\`web\` requires trusted publishing from the configured GitHub Actions OIDC identity, but the current context does not match: ${reason}. ${RUN}`;

describe('enforceTrust: reference order and messages', () => {
  it.each<[string, Case, string, string]>([
    [
      'custom registry on GitHub',
      { registry: 'my-private-registry', env: githubEnv() },
      'trust.provider-unsupported',
      '`web` cannot enforce trusted publishing for my-private-registry from GitHub Actions. Current CI provider GitHub Actions is not supported for my-private-registry trusted publishing; supported providers: none. Set `publish.trusted_publishing = false` to opt out for unsupported registries/providers.',
    ],
    [
      'empty NODE_AUTH_TOKEN and NPM_TOKEN for npm',
      { env: githubEnv({ NODE_AUTH_TOKEN: '', NPM_TOKEN: 'fake-npm-token' }) },
      'trust.token-present',
      '`web` requires npm trusted publishing, but long-lived npm token environment variables are present: NODE_AUTH_TOKEN, NPM_TOKEN. Remove token-based npm credentials and publish from the configured CI/OIDC workflow, or set `publish.trusted_publishing = false` to opt out.',
    ],
    [
      'repository differs',
      { pkg: { trustedPublishing: { repository: 'acme/other' } }, env: githubEnv() },
      'trust.repository-mismatch',
      mismatch('expected GitHub repository `acme/other`, but detected `acme/widgets`'),
    ],
    [
      '[source] repository differs',
      { env: githubEnv(), src: source('acme', 'fork', 'github') },
      'trust.repository-mismatch',
      mismatch('expected GitHub repository `acme/fork`, but detected `acme/widgets`'),
    ],
    [
      'workflow differs',
      { pkg: { trustedPublishing: { workflow: 'release.yml' } }, env: githubEnv() },
      'trust.workflow-mismatch',
      mismatch('expected GitHub workflow `release.yml`, but detected `publish.yml`'),
    ],
    [
      'workflow differs only in case (exact comparison)',
      { pkg: { trustedPublishing: { workflow: 'Publish.yml' } }, env: githubEnv() },
      'trust.workflow-mismatch',
      mismatch('expected GitHub workflow `Publish.yml`, but detected `publish.yml`'),
    ],
    [
      'workflow lookalike name',
      {
        pkg: { trustedPublishing: { workflow: 'publish.yml' } },
        env: githubEnv({ GITHUB_WORKFLOW_REF: 'acme/widgets/.github/workflows/publish.yml@evil.yml@refs/heads/main' }),
      },
      'trust.workflow-mismatch',
      mismatch('expected GitHub workflow `publish.yml`, but detected `publish.yml@evil.yml`'),
    ],
    [
      'environment differs from the job environment in the workflow file',
      { pkg: { trustedPublishing: { environment: 'production' } }, env: githubEnv() },
      'trust.environment-mismatch',
      mismatch('expected GitHub environment `production`, but detected `publisher`'),
    ],
    [
      'environment expected, job has none',
      { pkg: { trustedPublishing: { environment: 'publisher' } }, env: githubEnv({ GITHUB_JOB: 'plain' }) },
      'trust.environment-mismatch',
      mismatch('expected GitHub environment `publisher`, but detected none'),
    ],
    [
      'environment differs only in case (exact comparison)',
      { pkg: { trustedPublishing: { environment: 'Publisher' } }, env: githubEnv() },
      'trust.environment-mismatch',
      mismatch('expected GitHub environment `Publisher`, but detected `publisher`'),
    ],
    [
      'no id-token: write',
      { env: githubEnv({ ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined }) },
      'trust.id-token-missing',
      mismatch('GitHub Actions did not expose `ACTIONS_ID_TOKEN_REQUEST_URL` and `ACTIONS_ID_TOKEN_REQUEST_TOKEN`; grant `id-token: write` to the publish job'),
    ],
  ])('refuses: %s', (_label, c, code, reason) => {
    expect(run(c)).toEqual({ allowed: false, code, reason });
  });

  it.each<[string, Case, string[]]>([
    [
      'local shell (no CI variables)',
      { env: { PATH: '/usr/bin' } },
      [
        '`web` requires trusted publishing from a CI job whose identity is proven by a signed OIDC token',
        'no CI provider was detected',
        'supported providers: GitHub Actions, GitLab CI/CD',
        RUN,
      ],
    ],
    [
      'GitHub job whose token was not verified',
      { env: githubEnv({ GITHUB_WORKFLOW_REF: undefined }) },
      ["confirmed by the job's signed OIDC token", 'no token was verified', RUN],
    ],
    ['CircleCI for npm (variables only)', { env: circleEnv() }, ['CircleCI', 'signature-verified', 'nothing is published']],
    [
      'GitLab for crates_io (variables only)',
      { pkg: { type: 'cargo' }, env: gitlabEnv() },
      ['GitLab CI/CD', 'signature-verified ID token', 'MONOCHANGE_ID_TOKEN', 'nothing is published'],
    ],
    [
      'Cloud Build for PyPI (variables only)',
      { pkg: { type: 'python' }, env: cloudBuildEnv() },
      ['Google Cloud Build', 'does not verify Google Cloud Build tokens yet', 'only GitHub Actions and GitLab CI/CD'],
    ],
  ])('refuses an identity no signed token confirmed: %s', (_label, c, mentions) => {
    expect(run(c)).toEqual(unverifiable(...mentions));
  });

  it.each<[string, Case, string]>([
    ['unverifiable beats unsupported provider', { pkg: { type: 'cargo' }, env: { GITLAB_CI: 'true' } }, 'trust.identity-unverifiable'],
    ['unverifiable beats tokens', { env: circleEnv({ NPM_TOKEN: 'x' }) }, 'trust.identity-unverifiable'],
    ['unsupported provider beats tokens', { registry: 'my-private-registry', env: githubEnv({ NPM_TOKEN: 'x' }) }, 'trust.provider-unsupported'],
    ['tokens beat context mismatch', { pkg: { trustedPublishing: { repository: 'acme/other' } }, env: githubEnv({ NPM_TOKEN: 'x' }) }, 'trust.token-present'],
    [
      'repository beats workflow',
      { pkg: { trustedPublishing: { repository: 'acme/other', workflow: 'x.yml' } }, env: githubEnv() },
      'trust.repository-mismatch',
    ],
    ['workflow beats environment', { pkg: { trustedPublishing: { workflow: 'x.yml', environment: 'x' } }, env: githubEnv() }, 'trust.workflow-mismatch'],
    [
      'environment beats id-token',
      { pkg: { trustedPublishing: { environment: 'x' } }, env: githubEnv({ ACTIONS_ID_TOKEN_REQUEST_URL: undefined }) },
      'trust.environment-mismatch',
    ],
  ])('order: %s', (_label, c, code) => {
    expect(run(c)).toMatchObject({ allowed: false, code });
  });

  it.each<[string, Case]>([
    ['trusted publishing disabled, local shell', { pkg: { trustedPublishing: { enabled: false } }, env: {} }],
    ['trusted publishing disabled, token present', { pkg: { trustedPublishing: { enabled: false } }, env: { NPM_TOKEN: 'x' } }],
  ])('skips when %s', (_label, c) => {
    expect(run(c)).toEqual({ allowed: true, skipped: true });
  });

  it.each<[string, Case, object]>([
    ['runtime context (nothing configured)', { env: githubEnv() }, { repository: 'acme/widgets', workflow: 'publish.yml', environment: 'publisher' }],
    [
      'configured context matching; repository compared case-insensitively',
      { pkg: { trustedPublishing: { repository: 'ACME/Widgets', workflow: 'publish.yml', environment: 'publisher' } }, env: githubEnv() },
      { repository: 'ACME/Widgets', workflow: 'publish.yml', environment: 'publisher' },
    ],
    [
      'environment from MONOCHANGE_TRUSTED_PUBLISHING_ENVIRONMENT',
      { pkg: { trustedPublishing: { environment: 'release' } }, env: githubEnv({ GITHUB_JOB: 'plain', MONOCHANGE_TRUSTED_PUBLISHING_ENVIRONMENT: 'release' }) },
      { environment: 'release' },
    ],
    [
      'crates_io ignores CARGO_REGISTRY_TOKEN (passes through)',
      { pkg: { type: 'cargo' }, env: githubEnv({ CARGO_REGISTRY_TOKEN: 'fake' }) },
      { repository: 'acme/widgets' },
    ],
    ['jsr on GitHub', { pkg: { type: 'deno' }, env: githubEnv() }, { workflow: 'publish.yml' }],
    ['pub_dev on GitHub', { pkg: { type: 'dart' }, env: githubEnv() }, { workflow: 'publish.yml' }],
    ['pypi on GitHub', { pkg: { type: 'python' }, env: githubEnv() }, { workflow: 'publish.yml' }],
  ])('allows GitHub: %s', (_label, c, context) => {
    const verdict = run(c);
    expect(verdict.allowed).toBe(true);
    expect(verdict.allowed && verdict.context).toMatchObject(context);
  });
});

describe('enforceTrust: PyPI token variables (our addition)', () => {
  it('refuses UV_PUBLISH_TOKEN and says PyPI tokens are refused too', () => {
    const verdict = run({ pkg: { type: 'python' }, env: githubEnv({ UV_PUBLISH_TOKEN: 'pypi-fake', TWINE_PASSWORD: '' }) });
    expect(verdict).toMatchObject({ allowed: false, code: 'trust.token-present' });
    expect(verdict.allowed === false && verdict.reason).toBe(
      '`web` requires PyPI trusted publishing, but long-lived PyPI token environment variables are present: TWINE_PASSWORD, UV_PUBLISH_TOKEN. Remove token-based PyPI credentials and publish from the configured CI/OIDC workflow, or set `publish.trusted_publishing = false` to opt out. (@monochange/nx refuses these for PyPI as well as npm: a long-lived upload credential must not sit beside trusted publishing, where uv or twine could use it instead.)',
    );
  });

  it('never prints the token value', () => {
    const verdict = run({ pkg: { type: 'python' }, env: githubEnv({ UV_PUBLISH_TOKEN: 'pypi-FAKEVALUE' }) });
    expect(verdict.allowed === false && verdict.reason).not.toContain('pypi-FAKEVALUE');
  });
});

describe('enforceTrust: identity from variables alone never publishes', () => {
  it.each<[string, Case]>([
    ['GitLab npm (CI_PROJECT_PATH, CI_JOB_ID)', { env: gitlabEnv() }],
    ['GitLab npm, configured project matches', { pkg: { trustedPublishing: { repository: 'acme/widgets' } }, env: gitlabEnv() }],
    ['GitLab pypi', { pkg: { type: 'python' }, env: gitlabEnv() }],
    ['Cloud Build pypi (BUILD_ID, PROJECT_ID)', { pkg: { type: 'python' }, env: cloudBuildEnv() }],
    ['Cloud Build pub_dev', { pkg: { type: 'dart' }, env: cloudBuildEnv() }],
    ['CircleCI npm', { env: circleEnv() }],
    ['GitHub variables without a verified token', { env: { GITHUB_ACTIONS: 'true', GITHUB_REPOSITORY: 'acme/widgets' } }],
  ])('%s', (_label, c) => {
    expect(run(c)).toMatchObject({ allowed: false, code: 'trust.identity-unverifiable' });
  });

  it('names the provider, what is missing and the fix', () => {
    expect(run({ env: gitlabEnv() })).toEqual(
      unverifiable(
        'GitLab CI/CD',
        "the job's signature-verified ID token",
        'no token was verified',
        '`id_tokens: { MONOCHANGE_ID_TOKEN: { aud: monochange-nx } }`',
        'GitLab variables alone can be set by any process',
      ),
    );
  });
});

describe('enforceTrust: Go tags', () => {
  const go = (pkg: PackageFixture = {}): PackageFixture => ({ type: 'go', ...pkg });
  const acme = source('acme', 'widgets', 'github');

  it.each<[string, Case, object]>([
    ['GitHub, [source] pins the repository', { pkg: go(), env: githubEnv(), src: acme }, { repository: 'acme/widgets', workflow: 'publish.yml' }],
    [
      'GitHub, configured context matches',
      { pkg: go({ trustedPublishing: { repository: 'acme/widgets', workflow: 'publish.yml' } }), env: githubEnv() },
      { repository: 'acme/widgets', workflow: 'publish.yml' },
    ],
    ['NPM_TOKEN is irrelevant for Go', { pkg: go(), env: githubEnv({ NPM_TOKEN: 'x' }), src: acme }, { repository: 'acme/widgets' }],
  ])('allows %s', (_label, c, context) => {
    const verdict = run(c);
    expect(verdict.allowed).toBe(true);
    expect(verdict.allowed && verdict.context).toMatchObject(context);
  });

  it('skips when disabled', () => {
    expect(run({ pkg: go({ trustedPublishing: { enabled: false } }), env: {} })).toEqual({ allowed: true, skipped: true });
  });

  it('refuses a repository taken from the running job: nothing else checks who pushes a Go tag', () => {
    expect(run({ pkg: go(), env: githubEnv() })).toEqual({
      allowed: false,
      code: 'trust.context-unresolved',
      reason: expect.stringContaining('must come from monochange.toml, not from the running job'),
    });
  });

  it.each<[string, Case, string, string]>([
    [
      'GitHub, repository differs',
      { pkg: go({ trustedPublishing: { repository: 'acme/other' } }), env: githubEnv() },
      'trust.repository-mismatch',
      mismatch('expected GitHub repository `acme/other`, but detected `acme/widgets`'),
    ],
    [
      'GitHub, workflow differs',
      { pkg: go({ trustedPublishing: { workflow: 'tag.yml' } }), env: githubEnv(), src: acme },
      'trust.workflow-mismatch',
      mismatch('expected GitHub workflow `tag.yml`, but detected `publish.yml`'),
    ],
    [
      'GitHub, environment differs',
      { pkg: go({ trustedPublishing: { environment: 'production' } }), env: githubEnv(), src: acme },
      'trust.environment-mismatch',
      mismatch('expected GitHub environment `production`, but detected `publisher`'),
    ],
  ])('refuses %s', (_label, c, code, reason) => {
    expect(run(c)).toEqual({ allowed: false, code, reason });
  });

  it.each<[string, Case]>([
    ['local shell', { pkg: go(), env: {}, src: acme }],
    ['GitHub variables without a verified token', { pkg: go(), env: githubEnv({ GITHUB_WORKFLOW_REF: undefined }), src: acme }],
    ['GitLab variables (CI_PROJECT_PATH, CI_JOB_ID)', { pkg: go(), env: gitlabEnv(), src: acme }],
    ['CircleCI', { pkg: go(), env: circleEnv(), src: acme }],
    ['Cloud Build', { pkg: go(), env: cloudBuildEnv(), src: acme }],
  ])('refuses to tag from %s', (_label, c) => {
    expect(run(c)).toMatchObject({ allowed: false, code: 'trust.identity-unverifiable' });
  });
});

describe('trustRefusalError', () => {
  it('turns a refusal into a MonochangeError with code and package key', () => {
    const pkg = makePackage();
    const verdict = run({ env: {} });
    const error = trustRefusalError(pkg, verdict);
    expect(isMonochangeError(error)).toBe(true);
    expect(error?.details).toEqual({ code: 'trust.identity-unverifiable', key: 'web' });
    expect(error?.message).toBe(verdict.allowed ? '' : verdict.reason);
  });

  it('is undefined when allowed', () => {
    expect(trustRefusalError(makePackage(), { allowed: true })).toBeUndefined();
  });
});
