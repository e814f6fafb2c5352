import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { stringify as toYaml, parse as parseYaml } from 'yaml';
import { gitlabCiLocal } from '../src/core/workflow/testing/gitlab-ci-local';
import type { Claims } from '../test-utils/oidc-issuer';
import { initGitRepo, startRegistryWorld, type RegistryWorld } from '../test-utils/registry-world';
import { createNxWorkspace, nxEnv, type Workspace } from './support/nx-workspace';
import { packPlugin } from './support/plugin-tarball';

/**
 * The GitLab pipeline the trusted-publishing generator writes, run by gitlab-ci-local (shell
 * executor) in a real Nx workspace with the packed plugin: the job's script installs, runs
 * readiness and publish. gitlab-ci-local mints no ID tokens, so the loopback issuer (playing the
 * GitLab instance of `[source.oidc] issuer`) mints MONOCHANGE_ID_TOKEN and NPM_ID_TOKEN for the
 * job's claims, handed in through a variables file with the CI_* variables those claims imply.
 */
jest.setTimeout(900_000);

const TAG = 'v1.0.0';
const PIPELINE = '.gitlab/monochange-publish.yml';

function files(issuerUrl: string): Record<string, string> {
  const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
  return {
    LICENSE: 'MIT License\n',
    '.gitignore': 'node_modules\n.nx\n.monochange\n.gitlab-ci-local\n',
    '.gitlab-ci.yml': '# Tests run on every push.\nstages: [test]\n\nunit:\n  stage: test\n  script:\n    - echo unit tests\n',
    'packages/core/package.json': json({
      name: '@acme/core',
      version: '1.0.0',
      description: 'Acme core',
      license: 'MIT',
      main: 'index.js',
      repository: { type: 'git', url: 'git+https://gitlab.com/acme/widgets.git' },
      files: ['index.js'],
    }),
    'packages/core/index.js': "exports.hello = () => 'hello';\n",
    'monochange.toml': `[source]\nprovider = "gitlab"\nowner = "acme"\nrepo = "widgets"\n\n[source.oidc]\nissuer = ${JSON.stringify(issuerUrl)}\n\n[package.core]\npath = "packages/core"\ntype = "npm"\n`,
  };
}

describe('the generated GitLab publish pipeline, run by gitlab-ci-local (packed plugin, real Nx)', () => {
  let world: RegistryWorld;
  let ws: Workspace;
  let tmp: string;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: ws.root, encoding: 'utf8' }).trim();

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-gitlab-pipeline-'));
    const tarball = packPlugin();
    world = await startRegistryWorld({ log: () => undefined });
    world.npm.setTrustedPublisher({ repository: 'acme/widgets', workflow: '.gitlab-ci.yml', environment: 'release' });
    ws = await createNxWorkspace({ tarball, files: files(world.issuer.url), name: 'mc-gitlab-pipeline' });
  });

  afterAll(async () => {
    await world?.stop();
    ws?.remove();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('the generator (GitLab from [source]) writes the included publish job and keeps .gitlab-ci.yml', async () => {
    const result = await ws.nx(['g', '@monochange/nx:trusted-publishing', '--environment=release', '--provenance=false', '--trigger=tag', '--no-interactive']);
    if (result.code !== 0) throw new Error(result.output);
    expect(ws.read('.gitlab-ci.yml')).toBe(
      `# Tests run on every push.\ninclude:\n  - local: ${PIPELINE}\n\nstages: [test]\n\nunit:\n  stage: test\n  script:\n    - echo unit tests\n`,
    );
    const job = parseYaml(ws.read(PIPELINE))['monochange-publish'];
    expect(job.id_tokens).toEqual({ MONOCHANGE_ID_TOKEN: { aud: 'monochange-nx' }, NPM_ID_TOKEN: { aud: 'npm:registry.npmjs.org' } });
    expect(fs.existsSync(path.join(ws.root, '.github'))).toBe(false);
    const trust = (parseToml(ws.read('monochange.toml')) as any).ecosystems.npm.publish.trusted_publishing;
    expect(trust).toEqual({ enabled: true, repository: 'acme/widgets', workflow: '.gitlab-ci.yml', environment: 'release' });
    expect(result.output).toContain('npm trust gitlab @acme/core --file .gitlab-ci.yml --project acme/widgets --env release --allow-publish --yes');
    initGitRepo(ws.root, world.go.originUrl);
    git('tag', '-a', TAG, '-m', TAG);
    git('push', '-q', 'origin', `refs/tags/${TAG}`);
    // gitlab-ci-local reads the project path and default branch from the origin remote.
    git('remote', 'set-url', 'origin', 'git@gitlab.example.com:acme/widgets.git');
    git('update-ref', 'refs/remotes/origin/main', 'HEAD');
    git('symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/main');
  });

  it('gitlab-ci-local lists the publish job for the protected release tag only', async () => {
    const tag = [
      '--variable',
      `CI_COMMIT_TAG=${TAG}`,
      '--variable',
      'CI_COMMIT_REF_PROTECTED=true',
      '--ignore-predefined-vars',
      'CI_COMMIT_TAG,CI_COMMIT_REF_PROTECTED',
    ];
    const list = await gitlabCiLocal(['--list-json', ...tag], { cwd: ws.root, home: path.join(tmp, 'home'), timeoutMs: 180_000 });
    expect(list.stderr).not.toMatch(/error|invalid/i);
    const jobs = JSON.parse(list.stdout.slice(list.stdout.indexOf('[')));
    expect(jobs.map((j: { name: string }) => j.name).sort()).toEqual(['monochange-publish', 'unit']);
    const unprotected = await gitlabCiLocal(['--list-json', '--variable', `CI_COMMIT_TAG=${TAG}`, '--ignore-predefined-vars', 'CI_COMMIT_TAG'], {
      cwd: ws.root,
      home: path.join(tmp, 'home'),
      timeoutMs: 180_000,
    });
    const names = JSON.parse(unprotected.stdout.slice(unprotected.stdout.indexOf('['))).map((j: { name: string; when: string }) => `${j.name}:${j.when}`);
    expect(names).not.toContain('monochange-publish:on_success');
  });

  /**
   * Runs the generated job with the variables a GitLab runner would set for a job of acme/widgets on
   * the protected tag, and the ID tokens the loopback issuer mints for it (`omit` leaves some out).
   */
  async function runPublishJob(jobId: string, omit: string[] = []) {
    const sha = git('rev-parse', 'HEAD');
    const host = new URL(world.issuer.url).host;
    const claims: Claims = world.issuer.gitlabClaims({
      job_id: jobId,
      ref: TAG,
      ref_path: `refs/tags/${TAG}`,
      sha,
      ci_config_ref_uri: `${host}/acme/widgets//.gitlab-ci.yml@refs/tags/${TAG}`,
      ci_config_sha: sha,
    });
    const token = await world.issuer.mint(claims);
    const npmToken = await world.issuer.mint({ ...claims, jti: `${String(claims.jti)}-npm`, aud: `npm:${new URL(world.npm.url).hostname}` });
    const variables: Record<string, string> = {
      ...world.issuer.gitlabEnv(claims, token),
      NPM_ID_TOKEN: npmToken,
      CI_COMMIT_TAG: TAG,
      CI_COMMIT_SHA: sha,
      CI_JOB_ID: jobId,
    };
    for (const name of omit) delete variables[name];
    const variablesFile = path.join(tmp, `variables-${jobId}.yml`);
    fs.writeFileSync(variablesFile, toYaml(variables));
    // The registries and tools of the world; `npm ci` takes the packages from the npm cache the
    // workspace install filled, under the registry that install used (the world's own cache is empty
    // and Verdaccio has none of them). The plugin publishes with `--registry` from
    // MONOCHANGE_NPM_REGISTRY_URL, the world's OIDC proxy, whatever npm_config_registry says.
    const installCache = execFileSync('npm', ['config', 'get', 'cache'], { cwd: ws.root, env: nxEnv(), encoding: 'utf8' }).trim();
    const env = nxEnv({
      ...world.env,
      npm_config_cache: installCache,
      npm_config_registry: 'https://registry.npmjs.org/',
      npm_config_prefer_offline: 'true',
      TMPDIR: fs.mkdtempSync(path.join(tmp, 'job-')),
    });
    const before = (await world.uploads()).length;
    const run = await gitlabCiLocal(
      ['--force-shell-executor', '--variables-file', variablesFile, '--ignore-predefined-vars', Object.keys(variables).join(','), 'monochange-publish'],
      { cwd: ws.root, env, home: path.join(tmp, 'home'), timeoutMs: 840_000 },
    );
    const uploads = (await world.uploads()).slice(before);
    const exported = path.join(ws.root, '.gitlab-ci-local', 'artifacts', 'monochange-publish', '.monochange');
    return { run, output: run.output, uploads, secrets: [token, npmToken], exported };
  }

  // gitlab-ci-local copies the project into its build dir with rsync; .ci/run installs it.
  const runsJobs = hasRsync() ? it : it.skip;
  if (!hasRsync()) process.stdout.write('gitlab-pipeline e2e: rsync is not installed (apt-get install rsync), so the two job runs are skipped\n');

  runsJobs('the job runs, and without MONOCHANGE_ID_TOKEN publishing is refused with the reason', async () => {
    // npm creates no package through trusted publishing: the owner publishes the placeholder once.
    const placeholder = await ws.nx(['run', '@acme/core:placeholder-publish'], nxEnv(world.tokenEnv));
    if (placeholder.code !== 0) throw new Error(placeholder.output);
    const { run, output, uploads, exported } = await runPublishJob('99001', ['MONOCHANGE_ID_TOKEN']);
    expect(run.code).not.toBe(0);
    expect(output).toMatch(/\$ npx nx run-many -t readiness/);
    expect(output).toMatch(/MONOCHANGE_ID_TOKEN is not set/);
    expect(output).toMatch(/FAIL\s+monochange-publish/);
    expect(uploads).toEqual([]);
    // artifacts: when: always keeps the readiness result of the failed job.
    expect(fs.readdirSync(exported)).toContain('readiness.json');
  });

  runsJobs('the publish job runs readiness and publish and publishes @acme/core with the minted ID tokens', async () => {
    const { run, output, uploads, secrets, exported } = await runPublishJob('99002');
    if (run.code !== 0) throw new Error(output);
    expect(output).toMatch(/\$ npm ci --ignore-scripts/);
    expect(output).toMatch(/\$ npx nx run-many -t readiness/);
    expect(output).toMatch(/\$ npx nx run-many -t publish/);
    expect(output).toMatch(/PASS\s+monochange-publish/);
    expect(uploads.filter((u) => u.registry === 'npm').map((u) => `${u.name}@${u.version}`)).toEqual(['@acme/core@1.0.0']);
    expect(world.npm.proxy.exchanges.filter((e) => e.ok).map((e) => e.name)).toEqual(['@acme/core']);
    // Neither token reaches the log.
    for (const secret of secrets) expect(output).not.toContain(secret.split('.')[2]);
    // artifacts: when: always, with the hidden .monochange folder.
    expect(fs.readdirSync(exported).sort()).toEqual(expect.arrayContaining(['publish-result.json', 'readiness.json']));
    expect(JSON.parse(fs.readFileSync(path.join(exported, 'publish-result.json'), 'utf8')).packages.map((p: { status: string }) => p.status)).toEqual([
      'published',
    ]);
  });
});

function hasRsync(): boolean {
  try {
    execFileSync('rsync', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
