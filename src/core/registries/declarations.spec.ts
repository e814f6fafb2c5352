import fs from 'node:fs';
import { RATE_LIMIT_POLICIES } from '../publish/rate-limits';
import { credentialChecks, identityChecks } from '../readiness/checks/index';
import { fakeAdapter, makeContext, manifest, pkgConfig, tempDir } from '../readiness/checks/testing/context';
import { gitlabPipelineChecks } from '../readiness/checks/workflow-gitlab';
import { registryStateCheck } from '../readiness/core-checks';
import { githubEnv, gitlabEnv } from '../trust/testing/fixtures';
import { REGISTRY_IDS, type Ecosystem, type Env, type RegistryId } from '../types';
import { gitlabIdTokens, renderGitlabPipeline } from '../workflow/render-gitlab';
import { REGISTRIES } from './index';

/**
 * What differs per registry is declared by its adapter; these pin what the consumers make of the
 * declarations that no other spec reaches (quota table, tag rules, GitLab tokens and script,
 * exchanged token variables, packages that do not exist yet).
 */

const root = tempDir('mc-declarations-');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const TYPE: Record<RegistryId, Ecosystem> = { crates_io: 'cargo', npm: 'npm', jsr: 'deno', pub_dev: 'dart', pypi: 'python', go_proxy: 'go' };

function ctxFor(registry: RegistryId, env: Env, o: { name?: string; anyVersion?: boolean } = {}) {
  const name = o.name ?? 'widgets';
  const adapter = { ...fakeAdapter(registry, REGISTRIES[registry].label), setupUrl: () => `https://setup.example/${registry}` };
  adapter.versionExists = async (_m, version) => (version === null ? (o.anyVersion ?? false) : false);
  return makeContext({
    root,
    pkg: pkgConfig({ id: 'pkg', type: TYPE[registry] }),
    manifest: manifest(`${root}/pkg`, { ecosystem: TYPE[registry], name, version: '1.2.3', go: { modulePath: name, relativePath: '' } }),
    adapter,
    version: '1.2.3',
    env,
  });
}

const onBranch = githubEnv({ GITHUB_REF: 'refs/heads/main', GITHUB_REF_NAME: 'main', GITHUB_REF_TYPE: 'branch', GITHUB_EVENT_NAME: 'workflow_dispatch' });

describe('registry declarations', () => {
  it('each adapter declares its own quota, and the policy table lists them in canonical order', () => {
    for (const id of REGISTRY_IDS) expect(REGISTRIES[id].rateLimit.registry).toBe(id);
    expect(Object.keys(RATE_LIMIT_POLICIES)).toEqual([...REGISTRY_IDS]);
  });

  it('a tag-bound registry says why a branch run may not publish, and pub.dev what to set up on the registry', async () => {
    const pub = (await identityChecks(ctxFor('pub_dev', onBranch))).find((c) => c.id === 'identity.tag')!;
    expect(pub.status).toBe('fail');
    expect(pub.message).toContain('; pub.dev only accepts OIDC tokens from runs of a pushed tag that matches its tag pattern');
    expect(pub.fix).toMatch(/run on `push: tags`, and set the same tag pattern on pub\.dev \(Admin → Automated publishing\)$/);
    const go = (await identityChecks(ctxFor('go_proxy', onBranch, { name: 'github.com/acme/widgets' }))).find((c) => c.id === 'identity.tag')!;
    expect(go.message).toContain('; Go module versions are git tags, and the signed identity must name the tag being released');
    expect(go.fix).toMatch(/run on `push: tags`$/);
  });

  it('Go needs no OIDC token on GitHub; the others need the GitHub OIDC variables', async () => {
    const env = githubEnv({ ACTIONS_ID_TOKEN_REQUEST_URL: undefined });
    const go = (await identityChecks(ctxFor('go_proxy', env, { name: 'github.com/acme/widgets' }))).find((c) => c.id === 'identity.id-token')!;
    expect(go).toMatchObject({ status: 'pass', message: 'Go publishing pushes a git tag and needs no OIDC token' });
    const npm = (await identityChecks(ctxFor('npm', env))).find((c) => c.id === 'identity.id-token')!;
    expect(npm.status).toBe('fail');
  });

  it('GitLab: PyPI names its own ID token and accepted audiences, and says it exchanges it', () => {
    fs.writeFileSync(
      `${root}/.gitlab-ci.yml`,
      'publish:\n  script: [x]\n  id_tokens:\n    MONOCHANGE_ID_TOKEN: { aud: monochange-nx }\n    PYPI_ID_TOKEN: { aud: nope }\n',
    );
    const checks = gitlabPipelineChecks(ctxFor('pypi', gitlabEnv({ CI_JOB_NAME: 'publish' })));
    expect(checks.find((c) => c.id === 'workflow.id-token')).toMatchObject({
      status: 'fail',
      message: '.gitlab-ci.yml:1 job `publish`: `PYPI_ID_TOKEN` has audience `nope`, expected `pypi`',
    });
    fs.writeFileSync(`${root}/.gitlab-ci.yml`, 'publish:\n  script: [x]\n  id_tokens:\n    MONOCHANGE_ID_TOKEN: { aud: monochange-nx }\n');
    const missing = gitlabPipelineChecks(ctxFor('pypi', gitlabEnv({ CI_JOB_NAME: 'publish' }))).find((c) => c.id === 'workflow.id-token')!;
    expect(missing.message).toContain('`PYPI_ID_TOKEN` is not declared (PyPI exchanges it for a publish token)');
    fs.writeFileSync(
      `${root}/.gitlab-ci.yml`,
      'publish:\n  script: [x]\n  id_tokens:\n    MONOCHANGE_ID_TOKEN: { aud: monochange-nx }\n    PYPI_ID_TOKEN: { aud: testpypi }\n',
    );
    expect(gitlabPipelineChecks(ctxFor('pypi', gitlabEnv({ CI_JOB_NAME: 'publish' }))).find((c) => c.id === 'workflow.id-token')?.status).toBe('pass');
  });

  it('the GitLab job declares each registry token, Sigstore last and only with provenance, and checks uv for PyPI', () => {
    expect(Object.keys(gitlabIdTokens({ registries: ['pypi', 'npm'], provenance: true }))).toEqual([
      'MONOCHANGE_ID_TOKEN',
      'PYPI_ID_TOKEN',
      'NPM_ID_TOKEN',
      'SIGSTORE_ID_TOKEN',
    ]);
    expect(Object.keys(gitlabIdTokens({ registries: ['npm'], provenance: false }))).toEqual(['MONOCHANGE_ID_TOKEN', 'NPM_ID_TOKEN']);
    const pipeline = renderGitlabPipeline({ environment: '', registries: ['pypi', 'npm'], provenance: false, trigger: 'tag' });
    const npmCheck = pipeline.indexOf('cannot publish with trusted publishing');
    const uvCheck = pipeline.indexOf('uv is needed to build and publish Python packages');
    expect(npmCheck).toBeGreaterThan(-1);
    expect(uvCheck).toBeGreaterThan(npmCheck);
    expect(renderGitlabPipeline({ environment: '', registries: ['npm'], provenance: false, trigger: 'tag' })).not.toContain('uv is needed');
  });

  it('crates.io: CARGO_REGISTRY_TOKEN cannot be judged (the OIDC exchange fills it); elsewhere it is nobody’s token', async () => {
    const env = githubEnv({ CARGO_REGISTRY_TOKEN: '' });
    const crates = (await credentialChecks(ctxFor('crates_io', env))).find((c) => c.id === 'credentials.env-token')!;
    expect(crates.message).toMatch(/^`CARGO_REGISTRY_TOKEN` is set: fine when rust-lang\/crates-io-auth-action produced it/);
    const pypi = (await credentialChecks(ctxFor('pypi', env))).find((c) => c.id === 'credentials.env-token')!;
    expect(pypi.message).toBe('no long-lived PyPI token variable is set');
  });

  it.each([
    ['npm', 'a failure', 'fail'],
    ['crates_io', 'a failure', 'fail'],
    ['pub_dev', 'a failure', 'fail'],
    ['jsr', 'a warning', 'warn'],
    ['pypi', 'nothing (the first publish creates it)', undefined],
    ['go_proxy', 'nothing (the first publish creates it)', undefined],
  ] as const)('a package missing from %s with trusted publishing: registry.package-missing gives %s', async (registry, _what, status) => {
    const checks = await registryStateCheck(ctxFor(registry, githubEnv(), { name: registry === 'go_proxy' ? 'github.com/acme/widgets' : 'widgets' }));
    expect(checks.find((c) => c.id === 'registry.package-missing')?.status).toBe(status);
    if (registry === 'jsr') expect(checks.find((c) => c.id === 'registry.package-missing')?.message).toBe('widgets does not exist on JSR yet');
    if (!status) expect(checks.find((c) => c.id === 'registry.package-exists')?.message).toMatch(/can create widgets|can create github\.com/);
  });
});
