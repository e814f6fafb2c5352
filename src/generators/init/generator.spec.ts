import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readNxJson, updateNxJson } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { FsTree } from 'nx/src/generators/tree';
import { parse } from 'smol-toml';
import { configSchema } from '../../core/config/schema';
import initGenerator, { initGenerator as namedInit } from './generator';
import { detectSource } from './git-remote';
import { changedFiles as snapshotFiles, mixedWorkspace } from './testing/mixed-workspace';

describe('init generator', () => {
  it('exports the generator as default and named', () => {
    expect(initGenerator).toBe(namedInit);
  });

  it('creates a commented monochange.toml declaring the publishable packages', async () => {
    const tree = mixedWorkspace();
    await initGenerator(tree, { skipFormat: true });
    const text = tree.read('monochange.toml', 'utf-8')!;
    expect(text).toMatchSnapshot();
    const config = parse(text) as any;
    expect(config.source).toEqual({ provider: 'github', owner: 'acme', repo: 'widgets' });
    expect(config.package).toEqual({
      'fast-io': { path: 'crates/fast-io', type: 'cargo' },
      api: { path: 'go/api', type: 'go' },
      my_app: { path: 'dart/my_app', type: 'flutter' },
      my_dart: { path: 'dart/my_dart', type: 'dart' },
      'acme-tools': { path: 'python/acme-tools', type: 'python' },
      // `web` is the Nx project at packages/web, so the JSR package gets another id.
      'web-deno': { path: 'deno/std', type: 'deno' },
      web: { path: 'packages/web', type: 'npm' },
    });
    expect(configSchema.safeParse(config).success).toBe(true);
  });

  it('registers the plugin in nx.json once', async () => {
    const tree = mixedWorkspace();
    await initGenerator(tree, { skipFormat: true });
    expect(readNxJson(tree)!.plugins).toEqual(['@monochange/nx']);
    await initGenerator(tree, { skipFormat: true });
    expect(readNxJson(tree)!.plugins).toEqual(['@monochange/nx']);
  });

  it('leaves an object-form registration alone', async () => {
    const tree = mixedWorkspace();
    const nxJson = readNxJson(tree)!;
    updateNxJson(tree, { ...nxJson, plugins: ['@nx/js', { plugin: '@monochange/nx', options: { readinessTargetName: 'ready' } }] });
    await initGenerator(tree, { skipFormat: true });
    expect(readNxJson(tree)!.plugins).toEqual(['@nx/js', { plugin: '@monochange/nx', options: { readinessTargetName: 'ready' } }]);
  });

  it('changes nothing when run a second time', async () => {
    const tree = mixedWorkspace();
    await initGenerator(tree, {});
    const first = snapshotFiles(tree);
    await initGenerator(tree, {});
    expect(snapshotFiles(tree)).toEqual(first);
  });

  it('keeps an existing monochange.toml byte for byte', async () => {
    const tree = mixedWorkspace();
    const mine = '# hand-written\n[package.web]\npath = "packages/web"   # here\ntype = "npm"\n';
    tree.write('monochange.toml', mine);
    await initGenerator(tree, { skipFormat: true });
    expect(tree.read('monochange.toml', 'utf-8')).toBe(mine);
  });

  it('comments out [source] when there is no origin remote, and explains an empty package list', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await initGenerator(tree, { skipFormat: true });
    const text = tree.read('monochange.toml', 'utf-8')!;
    expect(text).toContain('# [source]\n# provider = "github"');
    expect(text).toContain('# No publishable package was found');
    expect(parse(text)).toEqual({});
  });

  it('writes host for self-hosted providers', async () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('.git/config', '[remote "origin"]\n\turl = https://gitlab.example.com/team/app.git\n');
    await initGenerator(tree, { skipFormat: true });
    expect((parse(tree.read('monochange.toml', 'utf-8')!) as any).source).toEqual({
      provider: 'gitlab',
      host: 'gitlab.example.com',
      owner: 'team',
      repo: 'app',
    });
  });

  it('prints what it did from the returned callback', async () => {
    const tree = mixedWorkspace();
    const callback = await initGenerator(tree, { skipFormat: true });
    const { logger } = await import('@nx/devkit');
    const info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    try {
      await callback();
      const printed = info.mock.calls.map((c) => String(c[0])).join('\n');
      expect(printed).toContain('Registered @monochange/nx in nx.json plugins.');
      expect(printed).toContain('Created monochange.toml with 7 packages');
    } finally {
      info.mockRestore();
    }
  });
});

describe('detectSource in a real workspace', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-init-'));
    execFileSync('git', ['init', '-q', dir]);
    execFileSync('git', ['-C', dir, 'remote', 'add', 'origin', 'ssh://git@github.com/acme/widgets.git']);
    fs.mkdirSync(path.join(dir, 'workspace'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads .git/config at the workspace root', () => {
    expect(detectSource(new FsTree(dir, false))).toEqual({ provider: 'github', owner: 'acme', repo: 'widgets' });
  });

  it('asks git when the workspace is below the repository root', () => {
    expect(detectSource(new FsTree(path.join(dir, 'workspace'), false))).toEqual({ provider: 'github', owner: 'acme', repo: 'widgets' });
  });
});
