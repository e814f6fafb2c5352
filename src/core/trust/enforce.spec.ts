import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectCiIdentity } from '../ci/detect';
import type { SourceConfig } from '../config/types';
import { isMonochangeError } from '../errors';
import type { Env } from '../types';
import { enforceTrust, trustRefusalError, type TrustVerdict } from './enforce';
import { circleEnv, cloudBuildEnv, githubEnv, gitlabEnv, makePackage, type PackageFixture } from './testing/fixtures';

let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'mc-enforce-'));
  mkdirSync(join(root, '.github', 'workflows'), { recursive: true });
  writeFileSync(
    join(root, '.github', 'workflows', 'publish.yml'),
    'jobs:\n  publish:\n    environment: publisher\n  plain:\n    runs-on: ubuntu-latest\n',
  );
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

function run({ pkg = {}, registry, env, src }: Case): TrustVerdict {
  const p = makePackage(pkg);
  return enforceTrust({
    pkg: p,
    registry: registry ?? p.publish.registry,
    identity: detectCiIdentity(env, { root }),
    env,
    config: { source: src },
  });
}

const RUN = 'Run `nx run-many -t publish` from the configured CI workflow or set `publish.trusted_publishing = false` to opt out.';
const NPM_GH_CAP =
  'Current CI provider GitHub Actions is supported for npm trusted publishing; monochange can verify registry-side setup; registry-native provenance is available.';
const mismatch = (reason: string) =>
  `\`web\` requires trusted publishing from the configured GitHub Actions OIDC identity, but the current context does not match: ${reason}. ${RUN}`;

describe('enforceTrust: reference order and messages', () => {
  it.each<[string, Case, string, string]>([
    [
      'local shell (no CI variables)',
      { env: { PATH: '/usr/bin' } },
      'trust.identity-unverifiable',
      `\`web\` requires trusted publishing from a verifiable CI/OIDC identity before built-in release publishing can continue; local/manual publishing is not allowed when \`publish.trusted_publishing = true\`. No supported CI provider identity was detected for npm trusted publishing; supported providers: GitHub Actions, GitLab CI/CD. ${RUN}`,
    ],
    [
      'GitHub job without GITHUB_WORKFLOW_REF (display name is not enough)',
      { env: githubEnv({ GITHUB_WORKFLOW_REF: undefined }) },
      'trust.identity-unverifiable',
      `\`web\` requires trusted publishing from a verifiable CI/OIDC identity before built-in release publishing can continue; local/manual publishing is not allowed when \`publish.trusted_publishing = true\`. Current CI provider GitHub Actions is supported for npm trusted publishing, but publish-time environment variables are incomplete; verify the registry publisher configuration manually. ${RUN}`,
    ],
    [
      'CircleCI for npm',
      { env: circleEnv() },
      'trust.provider-unsupported',
      '`web` cannot enforce trusted publishing for npm from CircleCI. Current CI provider CircleCI is not supported for npm trusted publishing; supported providers: GitHub Actions, GitLab CI/CD. Set `publish.trusted_publishing = false` to opt out for unsupported registries/providers.',
    ],
    [
      'GitLab for crates_io',
      { pkg: { type: 'cargo' }, env: gitlabEnv() },
      'trust.provider-unsupported',
      '`web` cannot enforce trusted publishing for crates_io from GitLab CI/CD. Current CI provider GitLab CI/CD is not supported for crates_io trusted publishing; supported providers: GitHub Actions. Set `publish.trusted_publishing = false` to opt out for unsupported registries/providers.',
    ],
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
      'workflow ref without a file name, workflow configured',
      { pkg: { trustedPublishing: { workflow: 'publish.yml' } }, env: githubEnv({ GITHUB_WORKFLOW_REF: 'bad-value' }) },
      'trust.workflow-mismatch',
      mismatch('GitHub Actions did not expose `GITHUB_WORKFLOW_REF` with a workflow filename'),
    ],
    [
      'workflow ref without a file name, nothing configured',
      { env: githubEnv({ GITHUB_WORKFLOW_REF: 'bad-value' }) },
      'trust.context-unresolved',
      `\`web\`: trusted publishing could not determine the GitHub workflow; set \`publish.trusted_publishing.workflow\`. ${NPM_GH_CAP} To fix: set \`workflow = "publish.yml"\` (the file name under .github/workflows/) under [package.web.publish.trusted_publishing] (or the ecosystem's table), or publish from GitHub Actions where GITHUB_WORKFLOW_REF is set.`,
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
      mismatch(
        'GitHub Actions did not expose `ACTIONS_ID_TOKEN_REQUEST_URL` and `ACTIONS_ID_TOKEN_REQUEST_TOKEN`; grant `id-token: write` to the publish job',
      ),
    ],
  ])('refuses: %s', (_label, c, code, reason) => {
    expect(run(c)).toEqual({ allowed: false, code, reason });
  });

  it.each<[string, Case, string]>([
    ['unverifiable beats unsupported provider', { pkg: { type: 'cargo' }, env: { GITLAB_CI: 'true' } }, 'trust.identity-unverifiable'],
    ['unsupported provider beats tokens', { env: circleEnv({ NPM_TOKEN: 'x' }) }, 'trust.provider-unsupported'],
    [
      'tokens beat context mismatch',
      { pkg: { trustedPublishing: { repository: 'acme/other' } }, env: githubEnv({ NPM_TOKEN: 'x' }) },
      'trust.token-present',
    ],
    [
      'repository beats workflow',
      { pkg: { trustedPublishing: { repository: 'acme/other', workflow: 'x.yml' } }, env: githubEnv() },
      'trust.repository-mismatch',
    ],
    [
      'workflow beats environment',
      { pkg: { trustedPublishing: { workflow: 'x.yml', environment: 'x' } }, env: githubEnv() },
      'trust.workflow-mismatch',
    ],
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
    [
      'runtime context (nothing configured)',
      { env: githubEnv() },
      { repository: 'acme/widgets', workflow: 'publish.yml', environment: 'publisher' },
    ],
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
      'crates_io ignores CARGO_REGISTRY_TOKEN (passes through, like the reference)',
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

describe('enforceTrust: GitLab and Cloud Build repository comparison (gap 19)', () => {
  it.each<[string, Case, TrustVerdict]>([
    ['GitLab npm, nothing configured', { env: gitlabEnv() }, { allowed: true }],
    ['GitLab npm, configured project matches case-insensitively', { pkg: { trustedPublishing: { repository: 'Acme/Widgets' } }, env: gitlabEnv() }, { allowed: true }],
    ['GitLab pypi, subgroup project', { pkg: { type: 'python', trustedPublishing: { repository: 'acme/tools/widgets' } }, env: gitlabEnv({ CI_PROJECT_PATH: 'acme/tools/widgets' }) }, { allowed: true }],
    ['GitLab npm, [source] gitlab matches', { env: gitlabEnv(), src: source('acme', 'widgets', 'gitlab') }, { allowed: true }],
    ['GitLab npm, [source] github is not a GitLab expectation', { env: gitlabEnv(), src: source('other', 'repo', 'github') }, { allowed: true }],
    [
      'GitLab npm, configured project differs',
      { pkg: { trustedPublishing: { repository: 'acme/other' } }, env: gitlabEnv() },
      {
        allowed: false,
        code: 'trust.repository-mismatch',
        reason:
          '`web` requires trusted publishing from the configured GitLab CI/CD identity, but the current context does not match: expected GitLab project `acme/other`, but detected `acme/widgets`. Run `nx run-many -t publish` from the configured CI pipeline, fix `publish.trusted_publishing.repository`, or set `publish.trusted_publishing = false` to opt out.',
      },
    ],
    [
      'GitLab npm, [source] gitlab differs',
      { env: gitlabEnv(), src: source('acme', 'fork', 'gitlab') },
      {
        allowed: false,
        code: 'trust.repository-mismatch',
        reason:
          '`web` requires trusted publishing from the configured GitLab CI/CD identity, but the current context does not match: expected GitLab project `acme/fork`, but detected `acme/widgets`. Run `nx run-many -t publish` from the configured CI pipeline, fix `publish.trusted_publishing.repository`, or set `publish.trusted_publishing = false` to opt out.',
      },
    ],
    ['GitLab npm, NPM_TOKEN present', { env: gitlabEnv({ NPM_TOKEN: 'x' }) }, expect.objectContaining({ allowed: false, code: 'trust.token-present' })],
    ['Cloud Build pypi, nothing configured', { pkg: { type: 'python' }, env: cloudBuildEnv() }, { allowed: true }],
    ['Cloud Build pub_dev, repository name matches', { pkg: { type: 'dart', trustedPublishing: { repository: 'acme/widgets' } }, env: cloudBuildEnv() }, { allowed: true }],
    [
      'Cloud Build pypi, repository name differs',
      { pkg: { type: 'python', trustedPublishing: { repository: 'acme/other' } }, env: cloudBuildEnv() },
      {
        allowed: false,
        code: 'trust.repository-mismatch',
        reason:
          '`web` requires trusted publishing from the configured Google Cloud Build identity, but the current context does not match: expected Google Cloud Build repository `other` (from `acme/other`), but detected `widgets`. Run `nx run-many -t publish` from the configured CI pipeline, fix `publish.trusted_publishing.repository`, or set `publish.trusted_publishing = false` to opt out.',
      },
    ],
    [
      'Cloud Build pypi, repository configured but REPO_NAME absent',
      { pkg: { type: 'python', trustedPublishing: { repository: 'acme/widgets' } }, env: cloudBuildEnv({ REPO_NAME: undefined }) },
      expect.objectContaining({ allowed: false, code: 'trust.repository-mismatch', reason: expect.stringContaining('did not expose `REPO_NAME`') }),
    ],
    ['Cloud Build npm is unsupported', { env: cloudBuildEnv() }, expect.objectContaining({ allowed: false, code: 'trust.provider-unsupported' })],
  ])('%s', (_label, c, verdict) => {
    expect(run(c)).toEqual(verdict);
  });
});

describe('enforceTrust: Go tags (improvement over gap 7)', () => {
  const go = (pkg: PackageFixture = {}): PackageFixture => ({ type: 'go', ...pkg });
  const noIdToken = { ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined };

  it.each<[string, Case, object]>([
    ['GitHub, runtime context, no id-token needed', { pkg: go(), env: githubEnv(noIdToken) }, { repository: 'acme/widgets', workflow: 'publish.yml' }],
    [
      'GitHub, configured context matches',
      { pkg: go({ trustedPublishing: { repository: 'acme/widgets', workflow: 'publish.yml' } }), env: githubEnv() },
      { repository: 'acme/widgets', workflow: 'publish.yml' },
    ],
  ])('allows %s', (_label, c, context) => {
    const verdict = run(c);
    expect(verdict.allowed).toBe(true);
    expect(verdict.allowed && verdict.context).toMatchObject(context);
  });

  it.each<[string, Case, TrustVerdict]>([
    ['GitLab, nothing configured', { pkg: go(), env: gitlabEnv() }, { allowed: true }],
    ['GitLab, configured project matches', { pkg: go({ trustedPublishing: { repository: 'acme/widgets' } }), env: gitlabEnv() }, { allowed: true }],
    ['NPM_TOKEN is irrelevant for Go', { pkg: go(), env: gitlabEnv({ NPM_TOKEN: 'x' }) }, { allowed: true }],
    ['disabled', { pkg: go({ trustedPublishing: { enabled: false } }), env: {} }, { allowed: true, skipped: true }],
  ])('allows %s', (_label, c, verdict) => {
    expect(run(c)).toEqual(verdict);
  });

  it.each<[string, Case, string, string]>([
    [
      'local shell',
      { pkg: go(), env: {} },
      'trust.identity-unverifiable',
      '`web` requires a verifiable CI identity before tagging a Go release, but no supported CI provider identity was detected; local/manual publishing is not allowed when `publish.trusted_publishing = true`. Go modules are published by pushing a git tag, so with trusted publishing on monochange only tags from a verifiable GitHub Actions or GitLab CI/CD job that matches the configured context. Run `nx run-many -t publish` from the configured CI workflow or set `publish.trusted_publishing = false` to opt out.',
    ],
    [
      'GitHub without workflow ref',
      { pkg: go(), env: githubEnv({ GITHUB_WORKFLOW_REF: undefined }) },
      'trust.identity-unverifiable',
      '`web` requires a verifiable CI identity before tagging a Go release, but GitHub Actions did not expose enough publish-time environment variables; local/manual publishing is not allowed when `publish.trusted_publishing = true`. Go modules are published by pushing a git tag, so with trusted publishing on monochange only tags from a verifiable GitHub Actions or GitLab CI/CD job that matches the configured context. Run `nx run-many -t publish` from the configured CI workflow or set `publish.trusted_publishing = false` to opt out.',
    ],
    [
      'GitHub, repository differs',
      { pkg: go({ trustedPublishing: { repository: 'acme/other' } }), env: githubEnv() },
      'trust.repository-mismatch',
      mismatch('expected GitHub repository `acme/other`, but detected `acme/widgets`'),
    ],
    [
      'GitHub, workflow differs',
      { pkg: go({ trustedPublishing: { workflow: 'tag.yml' } }), env: githubEnv() },
      'trust.workflow-mismatch',
      mismatch('expected GitHub workflow `tag.yml`, but detected `publish.yml`'),
    ],
    [
      'GitHub, environment differs',
      { pkg: go({ trustedPublishing: { environment: 'production' } }), env: githubEnv() },
      'trust.environment-mismatch',
      mismatch('expected GitHub environment `production`, but detected `publisher`'),
    ],
    [
      'GitLab, project differs',
      { pkg: go({ trustedPublishing: { repository: 'acme/other' } }), env: gitlabEnv() },
      'trust.repository-mismatch',
      '`web` requires trusted publishing from the configured GitLab CI/CD identity, but the current context does not match: expected GitLab project `acme/other`, but detected `acme/widgets`. Run `nx run-many -t publish` from the configured CI pipeline, fix `publish.trusted_publishing.repository`, or set `publish.trusted_publishing = false` to opt out.',
    ],
    [
      'CircleCI',
      { pkg: go(), env: circleEnv() },
      'trust.provider-unsupported',
      '`web` cannot enforce trusted publishing for go_proxy from CircleCI. Go modules are published by pushing a git tag, so with trusted publishing on monochange only tags from a verifiable GitHub Actions or GitLab CI/CD job that matches the configured context. Set `publish.trusted_publishing = false` to opt out for unsupported registries/providers.',
    ],
  ])('refuses %s', (_label, c, code, reason) => {
    expect(run(c)).toEqual({ allowed: false, code, reason });
  });

  it('refuses Cloud Build', () => {
    expect(run({ pkg: go(), env: cloudBuildEnv() })).toMatchObject({ allowed: false, code: 'trust.provider-unsupported' });
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
