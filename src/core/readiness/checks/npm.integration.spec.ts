import fs from 'node:fs';
import path from 'node:path';
import type { NpmData } from '../../manifests/types';
import { npmRegistry } from '../../registries/npm';
import { githubEnv } from '../../trust/testing/fixtures';
import { npmChecks } from './npm';
import { repositorySlug, sameRepository } from './repository-slug';
import { makeContext, manifest, pkgConfig, recordingRunner, tempDir, writeFiles } from './testing/context';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function setup(json: Record<string, unknown>, o: { manager?: NpmData['manager']; files?: Record<string, string>; trusted?: boolean } = {}) {
  const root = tempDir();
  dirs.push(root);
  const dir = path.join(root, 'packages/web');
  writeFiles(root, { 'packages/web/package.json': JSON.stringify(json, null, 2), ...o.files });
  const pkg = pkgConfig({ id: 'web', type: 'npm', path: 'packages/web', trustedPublishing: { enabled: o.trusted ?? true } });
  const repo = json.repository as { url?: string } | string | undefined;
  const m = manifest(dir, {
    ecosystem: 'npm',
    name: String(json.name),
    version: String(json.version),
    npm: {
      manager: o.manager ?? 'npm',
      json,
      repositoryUrl: typeof repo === 'string' ? repo : repo?.url,
      publishConfig: json.publishConfig as Record<string, unknown> | undefined,
    },
  });
  return makeContext({ root, pkg, manifest: m, adapter: npmRegistry, env: githubEnv(), runner: recordingRunner() });
}

const base = { name: '@acme/web', version: '1.2.3', repository: { type: 'git', url: 'git+https://github.com/acme/widgets.git' } };
const check = async (ctx: ReturnType<typeof setup>, id: string) => (await npmChecks(ctx)).find((c) => c.id === id)!;

describe('npm checks', () => {
  it('npm.repository-url passes for the trusted repository in another URL form and case', async () => {
    const ctx = setup({ ...base, repository: 'git@github.com:ACME/Widgets.git' });
    expect(await check(ctx, 'npm.repository-url')).toMatchObject({ status: 'pass', message: '`repository.url` names acme/widgets' });
  });

  it('npm.repository-url fails for another repository', async () => {
    const ctx = setup({ ...base, repository: { url: 'https://github.com/acme/other' } });
    expect(await check(ctx, 'npm.repository-url')).toMatchObject({ status: 'fail', message: expect.stringContaining('(acme/other)') });
  });

  it('npm.repository-url fails when package.json has none', async () => {
    const ctx = setup({ name: '@acme/web', version: '1.2.3' });
    expect(await check(ctx, 'npm.repository-url')).toMatchObject({ status: 'fail', fix: expect.stringContaining('git+https://github.com/acme/widgets.git') });
  });

  it('npm.access passes for a scoped package without restricted access', async () => {
    expect((await check(setup(base), 'npm.access')).status).toBe('pass');
  });

  it('npm.access fails for publishConfig.access = restricted', async () => {
    const ctx = setup({ ...base, publishConfig: { access: 'restricted' } });
    expect(await check(ctx, 'npm.access')).toMatchObject({ status: 'fail', message: expect.stringContaining('restricted') });
  });

  it('npm.workspace-protocol passes when pnpm will rewrite workspace: ranges', async () => {
    const ctx = setup({ ...base, dependencies: { '@acme/core': 'workspace:^' } }, { manager: 'pnpm' });
    expect(await check(ctx, 'npm.workspace-protocol')).toMatchObject({ status: 'pass', message: expect.stringContaining('pnpm pack') });
  });

  it('npm.workspace-protocol fails for workspace:/catalog: ranges in an npm workspace', async () => {
    const ctx = setup({ ...base, dependencies: { '@acme/core': 'workspace:*' }, peerDependencies: { react: 'catalog:' } });
    const result = await check(ctx, 'npm.workspace-protocol');
    expect(result).toMatchObject({ status: 'fail', fix: expect.stringContaining('pnpm, yarn or bun') });
    expect(result.message).toContain('dependencies.@acme/core = "workspace:*"');
    expect(result.message).toContain('peerDependencies.react = "catalog:"');
  });

  it('npm.entry-points passes when main, exports, bin and types are in `npm pack --dry-run` (real npm)', async () => {
    const ctx = setup(
      {
        ...base,
        files: ['dist'],
        main: 'dist/index',
        types: './dist/index.d.ts',
        bin: { web: 'dist/cli.js' },
        exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' }, './feature/*': './dist/feature/*.js' },
      },
      { files: { 'packages/web/dist/index.js': '', 'packages/web/dist/index.d.ts': '', 'packages/web/dist/cli.js': '', 'packages/web/dist/feature/a.js': '' } },
    );
    expect(await check(ctx, 'npm.entry-points')).toMatchObject({ status: 'pass', message: expect.stringContaining('all 6 entry point(s)') });
  });

  it('npm.entry-points fails for entry points that `files` leaves out (real npm)', async () => {
    const ctx = setup(
      {
        ...base,
        files: ['dist'],
        main: './dist/index.js',
        types: './types/index.d.ts',
        exports: { '.': './dist/index.js', './cli': { import: './bin/cli.mjs' } },
      },
      { files: { 'packages/web/dist/index.js': '', 'packages/web/types/index.d.ts': '', 'packages/web/bin/cli.mjs': '' } },
    );
    const result = await check(ctx, 'npm.entry-points');
    expect(result.status).toBe('fail');
    expect(result.message).toContain('types → ./types/index.d.ts');
    expect(result.message).toContain('exports["./cli"]["import"] → ./bin/cli.mjs');
    expect(result.message).not.toContain('main →');
    expect(fs.readdirSync(path.join(ctx.config.root, 'packages/web')).sort()).toEqual(['bin', 'dist', 'package.json', 'types']);
  });

  it('reads owner/repo from every repository URL form', () => {
    for (const url of [
      'git+https://github.com/o/r.git',
      'https://github.com/o/r',
      'git@github.com:o/r.git',
      'ssh://git@github.com/o/r.git',
      'git://github.com/o/r.git',
      'github:o/r',
      'o/r',
      'github.com/o/r',
    ]) {
      expect([url, repositorySlug(url)]).toEqual([url, 'o/r']);
    }
    expect(repositorySlug('https://gitlab.com/group/sub/project.git')).toBe('group/sub/project');
    expect(sameRepository('https://github.com/O/R', 'o/r')).toBe(true);
    expect(sameRepository('https://github.com/o/r2', 'o/r')).toBe(false);
  });
});
