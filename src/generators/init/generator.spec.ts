import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { logger, readNxJson, updateNxJson, type Tree } from '@nx/devkit';
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

describe('init generator: nx-release-publish target default', () => {
  const KEY = 'nx-release-publish';
  const OURS = { executor: '@monochange/nx:publish' };

  /** Runs init with the given nx.json fields and returns nx.json text and what it printed. */
  async function init(tree: Tree, fields: Record<string, unknown> = {}) {
    if (Object.keys(fields).length) updateNxJson(tree, { ...readNxJson(tree)!, ...fields });
    const callback = await initGenerator(tree, { skipFormat: true });
    const info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    try {
      await callback();
      return {
        text: tree.read('nx.json', 'utf-8')!,
        info: info.mock.calls.map((c) => String(c[0])),
        warnings: warn.mock.calls.map((c) => String(c[0])),
      };
    } finally {
      info.mockRestore();
      warn.mockRestore();
    }
  }
  const targetDefaults = (tree: Tree) => readNxJson(tree)!.targetDefaults as Record<string, unknown>;

  it('adds the default to a fresh nx.json and keeps the other target defaults', async () => {
    const tree = createTreeWithEmptyWorkspace();
    const { info, warnings } = await init(tree);
    expect(targetDefaults(tree)).toEqual({ build: { cache: true }, lint: { cache: true }, [KEY]: OURS });
    expect(info).toContain('Set nx.json targetDefaults["nx-release-publish"].executor to @monochange/nx:publish, so `nx release publish` publishes npm packages with @monochange/nx too.');
    expect(warnings).toEqual([]);
  });

  it('creates targetDefaults when nx.json has none', async () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('nx.json', '{ "plugins": ["@monochange/nx"] }\n');
    await init(tree);
    expect(readNxJson(tree)).toEqual({ plugins: ['@monochange/nx'], targetDefaults: { [KEY]: OURS } });
  });

  it('is idempotent: a second run leaves nx.json byte for byte and prints nothing about it', async () => {
    const tree = createTreeWithEmptyWorkspace();
    const first = await init(tree);
    const second = await init(tree);
    expect(second.text).toBe(first.text);
    expect(second.info.join('\n')).not.toContain('targetDefaults');
    expect(second.warnings).toEqual([]);
  });

  it('adds the executor to a default the user has without one, keeping their fields', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await init(tree, { targetDefaults: { [KEY]: { dependsOn: ['build'], options: { access: 'public' } } } });
    expect(targetDefaults(tree)[KEY]).toEqual({ ...OURS, dependsOn: ['build'], options: { access: 'public' } });
  });

  it("keeps the user's own executor and warns naming the key and the fix", async () => {
    const tree = createTreeWithEmptyWorkspace();
    const mine = { executor: '@nx/js:release-publish', options: { packageRoot: 'dist/{projectRoot}' } };
    const before = (await init(tree, { targetDefaults: { [KEY]: mine } }), tree.read('nx.json', 'utf-8'));
    const { text, info, warnings } = await init(tree);
    expect(text).toBe(before);
    expect(targetDefaults(tree)[KEY]).toEqual(mine);
    expect(info.join('\n')).not.toContain('targetDefaults');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('nx.json targetDefaults["nx-release-publish"] sets executor "@nx/js:release-publish"');
    expect(warnings[0]).toContain('set its "executor" to "@monochange/nx:publish"');
    expect(warnings[0]).toContain('`nx run-many -t publish`');
  });

  it('keeps a command default and says to remove it', async () => {
    const tree = createTreeWithEmptyWorkspace();
    const { warnings } = await init(tree, { targetDefaults: { [KEY]: { command: 'npm publish' } } });
    expect(targetDefaults(tree)[KEY]).toEqual({ command: 'npm publish' });
    expect(warnings[0]).toContain('sets command "npm publish"');
    expect(warnings[0]).toContain('and remove "command"');
  });

  it.each([
    ['false', false],
    ['another target name', 'mc-release-publish'],
  ])('adds nothing when releasePublishTargetName is %s', async (_, releasePublishTargetName) => {
    const tree = createTreeWithEmptyWorkspace();
    const { info, warnings } = await init(tree, { plugins: [{ plugin: '@monochange/nx', options: { releasePublishTargetName } }] });
    expect(targetDefaults(tree)).toEqual({ build: { cache: true }, lint: { cache: true } });
    expect([...info, ...warnings].join('\n')).not.toContain('targetDefaults');
  });

  it('adds it when any registration of the plugin handles nx-release-publish', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await init(tree, {
      plugins: [
        { plugin: '@monochange/nx', include: ['a/**'], options: { releasePublishTargetName: false } },
        { plugin: '@monochange/nx', include: ['b/**'], options: { releasePublishTargetName: 'nx-release-publish' } },
      ],
    });
    expect(targetDefaults(tree)[KEY]).toEqual(OURS);
  });

  describe('array form of the value', () => {
    it('puts the executor on the unfiltered entry, keeping filtered ones', async () => {
      const tree = createTreeWithEmptyWorkspace();
      const filtered = { filter: { projects: ['tag:legacy'] }, executor: '@nx/js:release-publish' };
      await init(tree, { targetDefaults: { [KEY]: [filtered, { dependsOn: ['build'] }] } });
      expect(targetDefaults(tree)[KEY]).toEqual([filtered, { ...OURS, dependsOn: ['build'] }]);
      const again = tree.read('nx.json', 'utf-8');
      await init(tree);
      expect(tree.read('nx.json', 'utf-8')).toBe(again);
    });

    it('appends an unfiltered entry when there is none', async () => {
      const tree = createTreeWithEmptyWorkspace();
      const filtered = { filter: { plugin: '@nx/docker' }, options: { quiet: true } };
      await init(tree, { targetDefaults: { [KEY]: [filtered] } });
      expect(targetDefaults(tree)[KEY]).toEqual([filtered, OURS]);
    });

    it("keeps an entry's own executor that applies to npm packages, with a warning", async () => {
      const tree = createTreeWithEmptyWorkspace();
      const value = [{ cache: false }, { filter: { executor: '@nx/js:release-publish' }, executor: '@acme/nx:publish' }];
      const { warnings } = await init(tree, { targetDefaults: { [KEY]: value } });
      expect(targetDefaults(tree)[KEY]).toEqual(value);
      expect(warnings[0]).toContain('nx.json targetDefaults["nx-release-publish"] sets executor "@acme/nx:publish" in one of its entries');
    });
  });

  it('warns that an @nx/js:release-publish executor default shadows the target-name key', async () => {
    const tree = createTreeWithEmptyWorkspace();
    const { warnings } = await init(tree, { targetDefaults: { '@nx/js:release-publish': { options: { packageRoot: 'dist/{projectRoot}' } } } });
    expect(targetDefaults(tree)[KEY]).toEqual(OURS);
    expect(warnings).toEqual([expect.stringContaining('targetDefaults["@nx/js:release-publish"] takes precedence over targetDefaults["nx-release-publish"]')]);
    expect(warnings[0]).toContain('remove targetDefaults["@nx/js:release-publish"]');
  });

  it('skips with the manual step when targetDefaults is not an object', async () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('nx.json', '{ "plugins": ["@monochange/nx"], "targetDefaults": [{ "target": "build", "cache": true }] }\n');
    const { warnings } = await init(tree);
    expect(readNxJson(tree)!.targetDefaults).toEqual([{ target: 'build', cache: true }]);
    expect(warnings).toEqual([expect.stringContaining('add `"nx-release-publish": { "executor": "@monochange/nx:publish" }` to nx.json targetDefaults yourself')]);
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
