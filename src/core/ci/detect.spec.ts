import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { circleEnv, cloudBuildEnv, githubEnv, gitlabEnv } from '../trust/testing/fixtures';
import { detectCiIdentity, NO_PROVIDER_REASON } from './detect';
import { readJobEnvironment } from './workflow-environment';

let root: string;
let emptyRoot: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'mc-detect-'));
  emptyRoot = mkdtempSync(join(tmpdir(), 'mc-detect-empty-'));
  const workflows = join(root, '.github', 'workflows');
  mkdirSync(join(workflows, 'release'), { recursive: true });
  writeFileSync(
    join(workflows, 'publish.yml'),
    [
      'name: Release packages',
      'on: { push: { tags: ["v*"] } }',
      'jobs:',
      '  publish:',
      '    runs-on: ubuntu-latest',
      '    environment: publisher',
      '  mapped:',
      '    runs-on: ubuntu-latest',
      '    environment:',
      '      name: npm-release',
      '      url: https://example.invalid',
      '  plain:',
      '    runs-on: ubuntu-latest',
      '  templated:',
      '    environment: ${{ inputs.env }}',
      '  weird:',
      '    environment: [a, b]',
      '',
    ].join('\n'),
  );
  writeFileSync(join(workflows, 'release', 'nested.yml'), 'jobs:\n  publish:\n    environment: nested-env\n');
  writeFileSync(join(workflows, 'broken.yml'), 'jobs:\n  publish:\n    environment: [unclosed\n');
  writeFileSync(join(workflows, 'list.yml'), '- just\n- a list\n');
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(emptyRoot, { recursive: true, force: true });
});

describe('detectCiIdentity: provider selection (first match wins)', () => {
  it.each([
    ['GITHUB_ACTIONS=true', { GITHUB_ACTIONS: 'true' }, 'github_actions', 'GitHub Actions'],
    ['GITHUB_WORKFLOW_REF present alone', { GITHUB_WORKFLOW_REF: '' }, 'github_actions', 'GitHub Actions'],
    ['GitHub before GitLab', { GITHUB_ACTIONS: 'true', GITLAB_CI: 'true' }, 'github_actions', 'GitHub Actions'],
    ['GITLAB_CI=true', { GITLAB_CI: 'true' }, 'gitlab_ci', 'GitLab CI/CD'],
    ['GitLab before CircleCI', { GITLAB_CI: 'true', CIRCLECI: 'true' }, 'gitlab_ci', 'GitLab CI/CD'],
    ['CIRCLECI=true', { CIRCLECI: 'true' }, 'circleci', 'CircleCI'],
    ['CircleCI before Cloud Build', { CIRCLECI: 'true', BUILD_ID: 'b', PROJECT_ID: 'p' }, 'circleci', 'CircleCI'],
    ['BUILD_ID + PROJECT_ID', { BUILD_ID: 'b', PROJECT_ID: 'p' }, 'google_cloud_build', 'Google Cloud Build'],
    ['BUILD_ID + GOOGLE_CLOUD_PROJECT', { BUILD_ID: 'b', GOOGLE_CLOUD_PROJECT: 'p' }, 'google_cloud_build', 'Google Cloud Build'],
    ['BUILD_ID alone', { BUILD_ID: 'b' }, 'unknown', 'unknown CI provider'],
    ['GITHUB_ACTIONS=TRUE (exact match only)', { GITHUB_ACTIONS: 'TRUE' }, 'unknown', 'unknown CI provider'],
    ['GITLAB_CI=1', { GITLAB_CI: '1' }, 'unknown', 'unknown CI provider'],
    ['generic CI=true', { CI: 'true' }, 'unknown', 'unknown CI provider'],
    ['empty env', {}, 'unknown', 'unknown CI provider'],
  ])('%s', (_label, env, provider, label) => {
    const identity = detectCiIdentity(env, { root: emptyRoot });
    expect(identity.provider).toBe(provider);
    expect(identity.label).toBe(label);
  });

  it('unknown is never verifiable and says why', () => {
    expect(detectCiIdentity({ CI: 'true' }, { root: emptyRoot })).toEqual({
      provider: 'unknown',
      label: 'unknown CI provider',
      oidcAvailable: false,
      verifiable: false,
      reason: NO_PROVIDER_REASON,
    });
  });
});

describe('detectCiIdentity: GitHub Actions', () => {
  it('reads every field of a publish job', () => {
    expect(detectCiIdentity(githubEnv(), { root })).toEqual({
      provider: 'github_actions',
      label: 'GitHub Actions',
      repository: 'acme/widgets',
      workflow: 'publish.yml',
      workflowRef: 'acme/widgets/.github/workflows/publish.yml@refs/tags/v1.2.3',
      job: 'publish',
      environment: 'publisher',
      environmentSource: 'workflow-file',
      ref: 'refs/tags/v1.2.3',
      refName: 'v1.2.3',
      refType: 'tag',
      eventName: 'push',
      runId: '4242',
      runnerEnvironment: 'github-hosted',
      oidcAvailable: true,
      verifiable: true,
    });
  });

  it('never falls back to the GITHUB_WORKFLOW display name', () => {
    const identity = detectCiIdentity(githubEnv({ GITHUB_WORKFLOW_REF: undefined }), { root });
    expect(identity.workflow).toBeUndefined();
    expect(identity.verifiable).toBe(false);
  });

  it('keeps an unparseable workflow ref but no workflow, with a reason', () => {
    const identity = detectCiIdentity(githubEnv({ GITHUB_WORKFLOW_REF: 'bad-value' }), { root });
    expect(identity.workflowRef).toBe('bad-value');
    expect(identity.workflow).toBeUndefined();
    expect(identity.reason).toContain('bad-value');
  });

  it('uses the path below .github/workflows for workflows in sub-directories', () => {
    const identity = detectCiIdentity(githubEnv({ GITHUB_WORKFLOW_REF: 'acme/widgets/.github/workflows/release/nested.yml@refs/heads/main' }), { root });
    expect(identity.workflow).toBe('release/nested.yml');
    expect(identity.environment).toBe('nested-env');
  });

  it.each([
    ['repository and workflow ref', {}, true],
    ['no GITHUB_REPOSITORY', { GITHUB_REPOSITORY: undefined }, false],
    ['empty GITHUB_REPOSITORY', { GITHUB_REPOSITORY: '' }, false],
    ['no GITHUB_WORKFLOW_REF', { GITHUB_WORKFLOW_REF: undefined }, false],
  ])('verifiable: %s', (_label, overrides, verifiable) => {
    expect(detectCiIdentity(githubEnv(overrides), { root }).verifiable).toBe(verifiable);
  });

  it.each([
    ['both present', {}, true],
    ['no request URL', { ACTIONS_ID_TOKEN_REQUEST_URL: undefined }, false],
    ['no request token', { ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined }, false],
    ['empty request token', { ACTIONS_ID_TOKEN_REQUEST_TOKEN: '' }, false],
  ])('oidcAvailable: %s', (_label, overrides, available) => {
    expect(detectCiIdentity(githubEnv(overrides), { root }).oidcAvailable).toBe(available);
  });

  it.each([
    ['GITHUB_REF_TYPE=branch', { GITHUB_REF_TYPE: 'branch', GITHUB_REF: 'refs/heads/main' }, 'branch'],
    ['refs/tags/ prefix without type', { GITHUB_REF_TYPE: undefined, GITHUB_REF: 'refs/tags/v1' }, 'tag'],
    ['refs/heads/ prefix without type', { GITHUB_REF_TYPE: undefined, GITHUB_REF: 'refs/heads/main' }, 'branch'],
    ['pull ref without type', { GITHUB_REF_TYPE: undefined, GITHUB_REF: 'refs/pull/1/merge' }, undefined],
  ])('refType: %s', (_label, overrides, refType) => {
    expect(detectCiIdentity(githubEnv(overrides), { root }).refType).toBe(refType);
  });

  it.each([
    ['GITHUB_ENVIRONMENT wins', { GITHUB_ENVIRONMENT: 'from-env', MONOCHANGE_TRUSTED_PUBLISHING_ENVIRONMENT: 'mc' }, 'from-env', 'env'],
    ['MONOCHANGE_TRUSTED_PUBLISHING_ENVIRONMENT next', { MONOCHANGE_TRUSTED_PUBLISHING_ENVIRONMENT: 'mc' }, 'mc', 'env'],
    ['string form in the workflow YAML', { GITHUB_JOB: 'publish' }, 'publisher', 'workflow-file'],
    ['{ name } form in the workflow YAML', { GITHUB_JOB: 'mapped' }, 'npm-release', 'workflow-file'],
    ['job without environment', { GITHUB_JOB: 'plain' }, undefined, undefined],
    ['missing job', { GITHUB_JOB: 'nope' }, undefined, undefined],
    ['no GITHUB_JOB', { GITHUB_JOB: undefined }, undefined, undefined],
    ['expression value', { GITHUB_JOB: 'templated' }, undefined, undefined],
    ['non-string value', { GITHUB_JOB: 'weird' }, undefined, undefined],
    ['invalid YAML', { GITHUB_WORKFLOW_REF: 'acme/widgets/.github/workflows/broken.yml@refs/heads/main' }, undefined, undefined],
    ['YAML that is not a mapping', { GITHUB_WORKFLOW_REF: 'acme/widgets/.github/workflows/list.yml@refs/heads/main' }, undefined, undefined],
    ['missing workflow file', { GITHUB_WORKFLOW_REF: 'acme/widgets/.github/workflows/absent.yml@refs/heads/main' }, undefined, undefined],
  ])('environment: %s', (_label, overrides, environment, source) => {
    const identity = detectCiIdentity(githubEnv(overrides), { root });
    expect(identity.environment).toBe(environment);
    expect(identity.environmentSource).toBe(source);
  });
});

describe('readJobEnvironment', () => {
  it.each([
    ['traversal in the workflow path', '../publish.yml', 'publish'],
    ['empty workflow path', '', 'publish'],
    ['empty job', 'publish.yml', ''],
  ])('refuses %s', (_label, workflow, job) => {
    expect(readJobEnvironment(join(root, 'x'), workflow, job)).toBeUndefined();
  });
});

describe('detectCiIdentity: GitLab CI/CD', () => {
  it('reads a tag pipeline', () => {
    expect(detectCiIdentity(gitlabEnv({ CI_ENVIRONMENT_NAME: 'production' }), { root })).toEqual({
      provider: 'gitlab_ci',
      label: 'GitLab CI/CD',
      repository: 'acme/widgets',
      workflow: '.gitlab-ci.yml',
      job: '991',
      refName: 'v1.2.3',
      refType: 'tag',
      ref: 'refs/tags/v1.2.3',
      eventName: 'push',
      runId: '77',
      environment: 'production',
      environmentSource: 'env',
      oidcAvailable: false,
      verifiable: true,
    });
  });

  it.each([
    ['branch pipeline', { CI_COMMIT_TAG: undefined, CI_COMMIT_REF_NAME: 'main' }, 'branch', 'refs/heads/main'],
    ['tag pipeline', {}, 'tag', 'refs/tags/v1.2.3'],
  ])('ref: %s', (_label, overrides, refType, ref) => {
    const identity = detectCiIdentity(gitlabEnv(overrides), { root });
    expect(identity.refType).toBe(refType);
    expect(identity.ref).toBe(ref);
  });

  it('uses CI_CONFIG_PATH as the workflow when set', () => {
    expect(detectCiIdentity(gitlabEnv({ CI_CONFIG_PATH: 'ci/release.yml' }), { root }).workflow).toBe('ci/release.yml');
  });

  it.each([
    ['project path and job id', {}, true],
    ['no CI_PROJECT_PATH', { CI_PROJECT_PATH: undefined }, false],
    ['no CI_JOB_ID', { CI_JOB_ID: undefined }, false],
  ])('verifiable: %s', (_label, overrides, verifiable) => {
    expect(detectCiIdentity(gitlabEnv(overrides), { root }).verifiable).toBe(verifiable);
  });
});

describe('detectCiIdentity: CircleCI', () => {
  it.each([
    ['username and reponame', {}, 'gh/acme/widgets', true],
    ['reponame only', { CIRCLE_PROJECT_USERNAME: undefined }, 'widgets', true],
    ['no workflow id', { CIRCLE_WORKFLOW_ID: undefined }, 'gh/acme/widgets', false],
    ['no project', { CIRCLE_PROJECT_USERNAME: undefined, CIRCLE_PROJECT_REPONAME: undefined }, undefined, false],
  ])('%s', (_label, overrides, repository, verifiable) => {
    const identity = detectCiIdentity(circleEnv(overrides), { root });
    expect(identity.provider).toBe('circleci');
    expect(identity.repository).toBe(repository);
    expect(identity.verifiable).toBe(verifiable);
    expect(identity.oidcAvailable).toBe(false);
  });

  it('reads job and workflow id', () => {
    const identity = detectCiIdentity(circleEnv({ CIRCLE_TAG: 'v2.0.0' }), { root });
    expect(identity).toMatchObject({ job: 'publish', runId: 'wf-123', refName: 'v2.0.0', refType: 'tag' });
  });
});

describe('detectCiIdentity: Google Cloud Build', () => {
  it('reads a tag build', () => {
    expect(detectCiIdentity(cloudBuildEnv(), { root })).toMatchObject({
      provider: 'google_cloud_build',
      repository: 'widgets',
      workflow: 'release',
      runId: 'build-1',
      refName: 'v1.2.3',
      refType: 'tag',
      verifiable: true,
      oidcAvailable: false,
    });
  });

  it('prefers BRANCH_NAME over TAG_NAME', () => {
    expect(detectCiIdentity(cloudBuildEnv({ BRANCH_NAME: 'main' }), { root })).toMatchObject({
      refName: 'main',
      refType: 'branch',
    });
  });
});
