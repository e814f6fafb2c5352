import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'smol-toml';
import { auditWorkflow } from '../src/core/workflow/audit';
import { actionlint } from '../src/core/workflow/testing/actionlint';
import { startRegistryWorld, initGitRepo, type RegistryWorld } from '../test-utils/registry-world';
import { createNxWorkspace, nxEnv, type Workspace } from './support/nx-workspace';
import { packPlugin } from './support/plugin-tarball';
import { sampleWorkspaceFiles } from './support/sample-workspace';

/**
 * The product as a user meets it: the packed plugin installed into a real Nx workspace of six
 * ecosystems, `nx g` for init and trusted publishing, readiness in a plain shell, placeholder dry
 * run, refusals before any upload, then publish from simulated GitHub Actions jobs (verified OIDC
 * tokens from a loopback issuer) to real and loopback registries, and the idempotent re-run.
 */
jest.setTimeout(600_000);

interface Declared {
  id: string;
  path: string;
  type: string;
  project: string;
}

describe('publishing a six-ecosystem Nx workspace with trusted publishing', () => {
  let world: RegistryWorld;
  let ws: Workspace;
  let declared: Declared[];
  const log: string[] = [];
  const project = (type: string) => declared.find((d) => d.type === type)!.project;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: ws.root, encoding: 'utf8' }).trim();
  /** Working-tree changes other than the artifacts under .monochange/ (the only place readiness may write). */
  const changes = () =>
    git('status', '--porcelain')
      .split('\n')
      .filter((l) => l && !l.includes('.monochange/'))
      .join('\n');
  const artifact = (rel: string) => JSON.parse(ws.read(rel));

  beforeAll(async () => {
    const tarball = packPlugin();
    world = await startRegistryWorld({ log: (l) => log.push(l) });
    ws = await createNxWorkspace({ tarball, files: sampleWorkspaceFiles(), name: 'mc-e2e' });
  });

  afterAll(async () => {
    await world?.stop();
    ws?.remove();
  });

  it('init (what `nx add` runs) registers the plugin and declares every publishable package', async () => {
    const result = await ws.nx(['g', '@monochange/nx:init', '--no-interactive']);
    if (result.code !== 0) throw new Error(result.output);
    const config = parse(ws.read('monochange.toml')) as { package: Record<string, { path: string; type: string }> };
    const types = Object.values(config.package)
      .map((p) => p.type)
      .sort();
    expect(types).toEqual(['cargo', 'cargo', 'dart', 'deno', 'go', 'npm', 'npm', 'python']);
    const nxJson = JSON.parse(ws.read('nx.json'));
    expect(nxJson.plugins.filter((p: unknown) => p === '@monochange/nx' || (p as { plugin?: string }).plugin === '@monochange/nx')).toHaveLength(1);
    // What Nx's package.json inference builds npm projects' nx-release-publish target from.
    expect(nxJson.targetDefaults['nx-release-publish']).toEqual({ executor: '@monochange/nx:publish' });
  });

  it('the trusted-publishing generator configures every ecosystem and writes hardened workflows', async () => {
    const result = await ws.nx([
      'g',
      '@monochange/nx:trusted-publishing',
      '--repository=acme/widgets',
      '--environment=release',
      '--provenance=false',
      '--trigger=tag',
      '--no-interactive',
    ]);
    if (result.code !== 0) throw new Error(result.output);
    const workflows = fs.readdirSync(path.join(ws.root, '.github/workflows')).sort();
    expect(workflows).toContain('publish.yml');
    expect(workflows.filter((w) => w.startsWith('publish-'))).toHaveLength(2);
    // The loopback issuer stands in for token.actions.githubusercontent.com (http only on loopback).
    const text = ws.read('monochange.toml');
    ws.write('monochange.toml', /^\[source\]/m.test(text) ? `${text}\n[source.oidc]\nissuer = "${world.issuer.url}"\n` : `${world.sourceToml()}\n${text}`);
    const config = parse(ws.read('monochange.toml')) as { package: Record<string, { path: string; type: string }> };
    const shown = await ws.nx(['show', 'projects', '--json']);
    const projects = JSON.parse(shown.stdout) as string[];
    declared = Object.entries(config.package).map(([id, p]) => ({
      id,
      path: p.path,
      type: p.type,
      project: p.type === 'npm' ? JSON.parse(ws.read(`${p.path}/package.json`)).name : id,
    }));
    for (const d of declared) expect(projects).toContain(d.project);
    for (const file of workflows) {
      const text = ws.read(`.github/workflows/${file}`);
      expect([file, await actionlint(text, `.github/workflows/${file}`)]).toEqual([file, []]);
      expect([file, auditWorkflow(text, { path: file, expected: { environment: 'release' } })]).toEqual([file, []]);
    }
    initGitRepo(ws.root, world.go.originUrl);
  });

  it('readiness in a plain shell is blocked for every package, with the reasons and fixes, and changes nothing', async () => {
    const before = changes();
    const result = await ws.nx(['run-many', '-t', 'readiness'], nxEnv(world.env));
    expect(result.code).not.toBe(0);
    const readiness = artifact('.monochange/readiness.json');
    expect(readiness.status).toBe('blocked');
    expect(readiness.packages).toHaveLength(declared.length);
    for (const entry of readiness.packages) {
      expect(entry.status).toBe('blocked');
      const failing = entry.checks.filter((c: { status: string }) => c.status === 'fail').map((c: { id: string }) => c.id);
      if (entry.ecosystem === 'go') {
        // Outside its release-tag job a Go module has no version yet: that is the finding.
        expect(failing).toEqual(['package.manifest']);
        continue;
      }
      expect(failing).toContain('identity.provider');
      expect(failing).toContain('trust.identity-unverifiable');
    }
    const npm = readiness.packages.find((p: { ecosystem: string }) => p.ecosystem === 'npm');
    expect(npm.checks.find((c: { id: string }) => c.id === 'registry.package-missing')).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('placeholder-publish'),
    });
    expect(await world.uploads()).toEqual([]);
    expect(changes()).toBe(before);
    expect(git('tag', '-l')).toBe('');
  });

  it('placeholder-publish --dry-run lists the packages to bootstrap and uploads nothing', async () => {
    const result = await ws.nx(['run-many', '-t', 'placeholder-publish', '--dry-run'], nxEnv(world.env));
    if (result.code !== 0) throw new Error(result.output);
    const planned = artifact('.monochange/placeholder-result.dry-run.json');
    expect(planned.packages.map((p: { status: string }) => p.status)).toEqual(declared.map(() => 'planned'));
    expect(await world.uploads()).toEqual([]);
    expect(git('tag', '-l')).toBe('');
  });

  it('publish from a plain shell is refused before any upload', async () => {
    const result = await ws.nx(['run-many', '-t', 'publish'], nxEnv(world.env));
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('publishing refused before any upload');
    expect(await world.uploads()).toEqual([]);
  });

  it('publish in the CI job with NPM_TOKEN set is refused before any upload', async () => {
    const main = mainJobArgs();
    const result = await ws.nx(main, nxEnv({ ...world.ciEnv(), NPM_TOKEN: 'npm_fakefakefakefakefakefakefakefake' }));
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('NPM_TOKEN');
    expect(result.output).not.toContain('npm_fakefakefakefakefakefakefakefake');
    expect(await world.uploads()).toEqual([]);
  });

  it('publish in a CI job whose signed token names another repository is refused before any upload', async () => {
    const result = await ws.nx(mainJobArgs(), nxEnv(world.ciEnv({ claims: { repository: 'evil/widgets' } })));
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/GITHUB_REPOSITORY|repository/);
    expect(await world.uploads()).toEqual([]);
  });

  it('publish in the simulated GitHub Actions job publishes every package once, dependencies first', async () => {
    const started = Date.now();
    const result = await ws.nx(mainJobArgs(), nxEnv(world.ciEnv()));
    if (result.code !== 0) throw new Error(result.output);
    const uploads = await world.uploads();
    const at = (name: string) => uploads.find((u) => u.name === name)?.at ?? Number.NaN;
    expect(at('@acme/core')).toBeLessThan(at('@acme/web'));
    expect(at('acme-types')).toBeLessThan(at('acme-cli'));
    expect(at('@acme/core')).toBeLessThan(at('@acme/kit'));
    expect(uploads.map((u) => `${u.registry}:${u.name}`).sort()).toEqual(
      ['crates_io:acme-cli', 'crates_io:acme-types', 'jsr:@acme/kit', 'npm:@acme/core', 'npm:@acme/web', 'pypi:acme-py'].sort(),
    );
    const result1 = artifact('.monochange/publish-result.json');
    expect(result1.identity).toMatchObject({ provider: 'github_actions', verified: true, repository: 'acme/widgets' });
    // The Go and Dart packages publish from their own tag jobs: their entries are the earlier refused runs' `blocked`.
    const mainJob = result1.packages.filter((p: { ecosystem: string }) => !['go', 'dart'].includes(p.ecosystem));
    expect(mainJob.map((p: { status: string }) => p.status)).toEqual(mainJob.map(() => 'published'));
    process.stdout.write(`e2e main publish job: ${Date.now() - started} ms; order: ${uploads.map((u) => u.name).join(' → ')}\n`);
  });

  it('readiness in the CI job after the publish: nothing blocks, everything is already_published (no hand edits)', async () => {
    const result = await ws.nx(['run-many', '-t', 'readiness', `--exclude=${excludedProjects().join(',')}`], nxEnv(world.ciEnv()));
    if (result.code !== 0) throw new Error(result.output);
    const readiness = artifact('.monochange/readiness.json');
    const main = readiness.packages.filter((p: { ecosystem: string }) => !['go', 'dart'].includes(p.ecosystem));
    expect(main.map((p: { status: string }) => p.status)).toEqual(main.map(() => 'already_published'));
    expect(readiness.identity).toMatchObject({ provider: 'github_actions', verified: true });
  });

  it('a Go module is published by the job its release tag started', async () => {
    const go = declared.find((d) => d.type === 'go')!;
    const tag = `${go.path}/v1.0.0`;
    git('-c', 'user.name=Release', '-c', 'user.email=release@localhost', 'tag', '-a', tag, '-m', tag);
    git('push', '-q', 'origin', `refs/tags/${tag}`);
    const env = nxEnv(world.ciEnv({ job: { ref: `refs/tags/${tag}`, workflow: `publish-${go.id}.yml` } }));
    const result = await ws.nx(['run', `${go.project}:publish`], env);
    if (result.code !== 0) throw new Error(result.output);
    const entry = artifact('.monochange/publish-result.json').packages.find((p: { package: string }) => p.package === go.id);
    // The loopback proxy answers from the origin's tags, so it may already serve the pushed tag.
    expect(entry).toMatchObject({ version: '1.0.0' });
    expect(['published', 'skipped_existing']).toContain(entry.status);
    const info = await fetch(`${world.go.url}/example.com/acme/widgets/go/@v/v1.0.0.info`);
    expect(info.status).toBe(200);
  });

  it('a Dart package is published by the job its own tag started', async () => {
    const dart = declared.find((d) => d.type === 'dart')!;
    const env = nxEnv(world.ciEnv({ job: { ref: `refs/tags/acme_client-v1.0.0`, workflow: `publish-${dart.id}.yml` } }));
    const result = await ws.nx(['run', `${dart.project}:publish`], env);
    if (result.code !== 0) throw new Error(result.output);
    expect((await world.uploads()).some((u) => u.registry === 'pub_dev' && u.name === 'acme_client')).toBe(true);
  });

  it('re-running the main job publishes nothing again: every package is skipped_existing', async () => {
    const before = (await world.uploads()).length;
    const result = await ws.nx(mainJobArgs(), nxEnv(world.ciEnv()));
    // The pub.dev and Go jobs ran once each; their entries are from those jobs (skipped_existing for Go when the proxy already served it).
    await ws.nx(
      ['run', `${declared.find((d) => d.type === 'dart')!.project}:publish`],
      nxEnv(world.ciEnv({ job: { ref: 'refs/tags/acme_client-v1.0.0', workflow: `publish-${declared.find((d) => d.type === 'dart')!.id}.yml` } })),
    );
    if (result.code !== 0) throw new Error(result.output);
    expect((await world.uploads()).length).toBe(before);
    const entries = artifact('.monochange/publish-result.json').packages as Array<{ package: string; status: string; publishedAt?: string }>;
    expect(entries).toHaveLength(declared.length);
    for (const e of entries) expect(e.status).toBe('skipped_existing');
    const main = entries.filter((e) => !['go', 'dart'].includes(declared.find((d) => d.id === e.package)!.type));
    for (const e of main) expect(e.publishedAt).toEqual(expect.any(String));
  });

  function excludedProjects(): string[] {
    return declared.filter((d) => d.type === 'go' || d.type === 'dart').map((d) => d.project);
  }

  function mainJobArgs(): string[] {
    return ['run-many', '-t', 'publish', '--parallel=3', `--exclude=${excludedProjects().join(',')}`];
  }
  void project;
});
