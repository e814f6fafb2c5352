import fs from 'node:fs';
import { npmRegistry } from '../../registries/npm';
import { cratesIoRegistry } from '../../registries/crates-io';
import { githubEnv, gitlabEnv } from '../../trust/testing/fixtures';
import type { Env } from '../../types';
import { identityChecks } from './identity';
import { fakeAdapter, makeContext, manifest, pkgConfig, statuses, tempDir } from './testing/context';

const root = tempDir();
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function npmCtx(env: Env, trusted = true) {
  const pkg = pkgConfig({ id: 'web', type: 'npm', trustedPublishing: { enabled: trusted } });
  return makeContext({
    root,
    pkg,
    manifest: manifest(`${root}/packages/web`, { ecosystem: 'npm', name: '@acme/web', version: '1.2.3' }),
    adapter: npmRegistry,
    env,
  });
}

function pubCtx(env: Env) {
  const pkg = pkgConfig({ id: 'dartlib', type: 'dart' });
  return makeContext({
    root,
    pkg,
    manifest: manifest(`${root}/packages/dartlib`, { ecosystem: 'dart', name: 'dartlib', version: '1.2.3' }),
    adapter: fakeAdapter('pub_dev', 'pub.dev', ['dart']),
    env,
  });
}

function goCtx(env: Env, relativePath: string) {
  const pkg = pkgConfig({ id: 'gomod', type: 'go', path: relativePath || '.' });
  const dir = relativePath ? `${root}/${relativePath}` : root;
  const modulePath = `github.com/acme/widgets${relativePath ? `/${relativePath}` : ''}`;
  return makeContext({
    root,
    pkg,
    manifest: manifest(dir, { ecosystem: 'go', name: modulePath, go: { modulePath, relativePath } }),
    adapter: fakeAdapter('go_proxy', 'Go proxy', ['git']),
    version: '1.2.3',
    env,
  });
}

const run = async (ctx: ReturnType<typeof npmCtx>) => identityChecks(ctx);

describe('identity checks', () => {
  it('identity.provider passes on GitHub Actions', async () => {
    const checks = await run(npmCtx(githubEnv()));
    expect(statuses(checks, 'identity.provider')).toEqual(['pass']);
    expect(checks.find((c) => c.id === 'identity.provider')?.message).toContain('acme/widgets');
  });

  it('identity.provider fails in a plain shell, with the capability message', async () => {
    const checks = await run(npmCtx({}));
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ id: 'identity.provider', status: 'fail' });
    expect(checks[0].message).toContain(
      'No supported CI provider identity was detected for npm trusted publishing; supported providers: GitHub Actions, GitLab CI/CD.',
    );
  });

  it('identity checks are skipped (one pass) when trusted publishing is off', async () => {
    const checks = await run(npmCtx({}, false));
    expect(checks).toEqual([expect.objectContaining({ id: 'identity.provider', status: 'pass', message: expect.stringContaining('skipped') })]);
  });

  it('identity checks are not run for an already published version', async () => {
    const ctx = npmCtx({});
    ctx.state.exists = true;
    expect(await run(ctx)).toEqual([]);
  });

  it('identity.supported passes for npm on GitHub Actions', async () => {
    const checks = await run(npmCtx(githubEnv()));
    expect(statuses(checks, 'identity.supported')).toEqual(['pass']);
  });

  it('identity.supported fails for crates.io on GitLab CI/CD', async () => {
    const pkg = pkgConfig({ id: 'core', type: 'cargo' });
    const ctx = makeContext({
      root,
      pkg,
      manifest: manifest(root, { ecosystem: 'cargo', name: 'core', version: '1.0.0' }),
      adapter: cratesIoRegistry,
      env: gitlabEnv(),
    });
    const check = (await identityChecks(ctx)).find((c) => c.id === 'identity.supported');
    expect(check).toMatchObject({
      status: 'fail',
      message: 'Current CI provider GitLab CI/CD is not supported for crates_io trusted publishing; supported providers: GitHub Actions.',
    });
  });

  it('identity.id-token passes when both GitHub OIDC variables are present', async () => {
    expect(statuses(await run(npmCtx(githubEnv())), 'identity.id-token')).toEqual(['pass']);
  });

  it('identity.id-token fails naming exactly the missing GitHub variable', async () => {
    const check = (await run(npmCtx(githubEnv({ ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined })))).find((c) => c.id === 'identity.id-token');
    expect(check?.status).toBe('fail');
    expect(check?.message).toContain('`ACTIONS_ID_TOKEN_REQUEST_TOKEN`');
    expect(check?.message).not.toContain('ACTIONS_ID_TOKEN_REQUEST_URL');
  });

  it('identity.id-token fails on GitLab without NPM_ID_TOKEN for npm', async () => {
    const check = (await run(npmCtx(gitlabEnv({ MONOCHANGE_ID_TOKEN: 'fake-ours' })))).find((c) => c.id === 'identity.id-token');
    expect(check).toMatchObject({ status: 'fail', message: expect.stringContaining('`NPM_ID_TOKEN`') });
    expect(check?.fix).toContain('NPM_ID_TOKEN: { aud: "npm:registry.npmjs.org" }');
    expect(statuses(await run(npmCtx(gitlabEnv({ NPM_ID_TOKEN: 'fake-id-token', MONOCHANGE_ID_TOKEN: 'fake-ours' }))), 'identity.id-token')).toEqual(['pass']);
  });

  it('identity.id-token fails on GitLab without MONOCHANGE_ID_TOKEN, for every registry', async () => {
    const npm = (await run(npmCtx(gitlabEnv({ NPM_ID_TOKEN: 'fake-id-token' })))).find((c) => c.id === 'identity.id-token');
    expect(npm).toMatchObject({ status: 'fail', message: expect.stringContaining('`MONOCHANGE_ID_TOKEN`') });
    expect(npm?.fix).toContain('MONOCHANGE_ID_TOKEN: { aud: "monochange-nx" }');
    const go = (await identityChecks(goCtx(gitlabEnv({ CI_COMMIT_REF_PROTECTED: 'true' }), ''))).find((c) => c.id === 'identity.id-token');
    expect(go).toMatchObject({ status: 'fail', message: expect.stringContaining('`MONOCHANGE_ID_TOKEN`') });
    expect(statuses(await identityChecks(goCtx(gitlabEnv({ MONOCHANGE_ID_TOKEN: 'x' }), '')), 'identity.id-token')).toEqual(['pass']);
  });

  it('identity.id-token fails on GitLab without PYPI_ID_TOKEN for PyPI', async () => {
    const pkg = pkgConfig({ id: 'pylib', type: 'python' });
    const ctx = (env: Env) =>
      makeContext({
        root,
        pkg,
        manifest: manifest(`${root}/py`, { ecosystem: 'python', name: 'pylib', version: '1.2.3' }),
        adapter: fakeAdapter('pypi', 'PyPI', ['uv']),
        env,
      });
    const check = (await identityChecks(ctx(gitlabEnv({ MONOCHANGE_ID_TOKEN: 'x' })))).find((c) => c.id === 'identity.id-token');
    expect(check).toMatchObject({ status: 'fail', message: expect.stringContaining('`PYPI_ID_TOKEN`') });
    expect(check?.fix).toContain('PYPI_ID_TOKEN: { aud: "pypi" }');
    expect(statuses(await identityChecks(ctx(gitlabEnv({ MONOCHANGE_ID_TOKEN: 'x', PYPI_ID_TOKEN: 'y' }))), 'identity.id-token')).toEqual(['pass']);
  });

  it('identity.provider passes on GitLab CI/CD (the publish gate verifies its ID token)', async () => {
    const check = (await run(npmCtx(gitlabEnv({ NPM_ID_TOKEN: 'fake-id-token' })))).find((c) => c.id === 'identity.provider');
    expect(check).toMatchObject({ status: 'pass', message: expect.stringContaining('GitLab CI/CD') });
    expect(check?.message).toContain('acme/widgets');
  });

  it('identity.provider fails on Google Cloud Build, naming what is not verified yet', async () => {
    const env = { BUILD_ID: 'b-1', PROJECT_ID: 'acme-project', REPO_NAME: 'widgets' };
    const check = (await run(npmCtx(env))).find((c) => c.id === 'identity.provider');
    expect(check).toMatchObject({ status: 'fail', message: expect.stringContaining('does not verify Google Cloud Build tokens yet') });
  });

  it('identity.environment passes on GitLab when the job deploys to the configured environment, and fails otherwise', async () => {
    const pkg = pkgConfig({ id: 'web', type: 'npm', trustedPublishing: { enabled: true, environment: 'release' } });
    const ctx = (env: Env) =>
      makeContext({
        root,
        pkg,
        manifest: manifest(`${root}/packages/web`, { ecosystem: 'npm', name: '@acme/web', version: '1.2.3' }),
        adapter: npmRegistry,
        env,
      });
    expect(statuses(await identityChecks(ctx(gitlabEnv({ CI_ENVIRONMENT_NAME: 'release' }))), 'identity.environment')).toEqual(['pass']);
    const other = (await identityChecks(ctx(gitlabEnv({ CI_ENVIRONMENT_NAME: 'staging' })))).find((c) => c.id === 'identity.environment');
    expect(other).toMatchObject({ status: 'fail', message: expect.stringContaining('`staging`') });
    const none = (await identityChecks(ctx(gitlabEnv()))).find((c) => c.id === 'identity.environment');
    expect(none).toMatchObject({ status: 'fail', message: expect.stringContaining('declares no environment') });
    expect(none?.fix).toContain('environment: release');
    expect(statuses(await run(npmCtx(githubEnv())), 'identity.environment')).toEqual([]);
  });

  it('identity.trigger passes for a tag push', async () => {
    expect(statuses(await run(npmCtx(githubEnv())), 'identity.trigger')).toEqual(['pass']);
  });

  it.each(['push', 'release', 'workflow_dispatch', 'schedule', 'workflow_call'])('identity.trigger passes for the publish event %s', async (event) => {
    expect(statuses(await run(npmCtx(githubEnv({ GITHUB_EVENT_NAME: event }))), 'identity.trigger')).toEqual(['pass']);
  });

  it.each([
    'pull_request_target',
    'workflow_run',
    'pull_request',
    'issue_comment',
    'issues',
    'discussion',
    'watch',
    'fork',
    'pull_request_review',
    'repository_dispatch',
  ])('identity.trigger fails for %s', async (event) => {
    const check = (await run(npmCtx(githubEnv({ GITHUB_EVENT_NAME: event })))).find((c) => c.id === 'identity.trigger');
    expect(check).toMatchObject({ status: 'fail', message: expect.stringContaining(`\`${event}\``) });
  });

  it('identity.trigger says why an issue comment or an unlisted event may not publish', async () => {
    const reason = async (event: string) => (await run(npmCtx(githubEnv({ GITHUB_EVENT_NAME: event })))).find((c) => c.id === 'identity.trigger')?.message;
    expect(await reason('issue_comment')).toBe(
      "this run was triggered by `issue_comment`, which runs with the base repository's privileges on comments anyone can write; publishing is refused from it",
    );
    expect(await reason('repository_dispatch')).toBe(
      'this run was triggered by `repository_dispatch`, which is not one of the events that may publish (`push`, `release`, `workflow_dispatch`, `schedule`, `workflow_call`); publishing is refused from it',
    );
  });

  it('identity.trigger fails for a GitLab merge request from a fork', async () => {
    const env = gitlabEnv({ CI_PIPELINE_SOURCE: 'merge_request_event', CI_PROJECT_ID: '1', CI_MERGE_REQUEST_SOURCE_PROJECT_ID: '2', NPM_ID_TOKEN: 'fake' });
    const check = (await run(npmCtx(env))).find((c) => c.id === 'identity.trigger');
    expect(check).toMatchObject({ status: 'fail', message: expect.stringContaining('from a fork') });
  });

  it('identity.tag passes for pub.dev on the <name>-v<version> tag', async () => {
    const env = githubEnv({ GITHUB_REF: 'refs/tags/dartlib-v1.2.3', GITHUB_REF_NAME: 'dartlib-v1.2.3' });
    expect(statuses(await identityChecks(pubCtx(env)), 'identity.tag')).toEqual(['pass']);
  });

  it('identity.tag fails for pub.dev on a branch', async () => {
    const env = githubEnv({ GITHUB_REF: 'refs/heads/main', GITHUB_REF_NAME: 'main', GITHUB_REF_TYPE: 'branch' });
    const check = (await identityChecks(pubCtx(env))).find((c) => c.id === 'identity.tag');
    expect(check).toMatchObject({ status: 'fail', message: expect.stringContaining('branch `main`') });
    expect(check?.message).toContain('`dartlib-v1.2.3`');
  });

  it('identity.tag passes for a Go root module on v1.2.3 and fails for a submodule on the root tag', async () => {
    const env = githubEnv();
    expect(statuses(await identityChecks(goCtx(env, '')), 'identity.tag')).toEqual(['pass']);
    const sub = (await identityChecks(goCtx(env, 'api'))).find((c) => c.id === 'identity.tag');
    expect(sub).toMatchObject({ status: 'fail', message: expect.stringContaining('`api/v1.2.3`') });
  });

  it('identity.tag fails on GitLab for a Go release tag that is not protected', async () => {
    const unprotected = (await identityChecks(goCtx(gitlabEnv({ CI_COMMIT_REF_PROTECTED: 'false' }), ''))).find((c) => c.id === 'identity.tag');
    expect(unprotected).toMatchObject({ status: 'fail', message: expect.stringContaining('not protected') });
    expect(unprotected?.fix).toContain('Protected tags');
    expect(statuses(await identityChecks(goCtx(gitlabEnv({ CI_COMMIT_REF_PROTECTED: 'true' }), '')), 'identity.tag')).toEqual(['pass']);
  });

  it.each(['trigger', 'pipeline', 'parent_pipeline', 'chat', 'external_pull_request_event'])(
    'identity.trigger fails on GitLab for the pipeline source %s',
    async (source) => {
      const check = (await run(npmCtx(gitlabEnv({ CI_PIPELINE_SOURCE: source })))).find((c) => c.id === 'identity.trigger');
      expect(check).toMatchObject({ status: 'fail', message: expect.stringContaining(`\`${source}\``) });
    },
  );

  it.each(['push', 'web', 'schedule', 'api'])('identity.trigger passes on GitLab for the pipeline source %s', async (source) => {
    expect(statuses(await run(npmCtx(gitlabEnv({ CI_PIPELINE_SOURCE: source }))), 'identity.trigger')).toEqual(['pass']);
  });

  it('identity.tag is not checked for registries without tag binding', async () => {
    expect(statuses(await run(npmCtx(githubEnv())), 'identity.tag')).toEqual([]);
  });
});
