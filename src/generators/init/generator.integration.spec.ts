import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { logger, readNxJson, updateNxJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { flushChanges, FsTree } from 'nx/src/generators/tree';
import { nodesFromConfig } from '../../plugin/create-nodes';
import { parse } from 'smol-toml';
import { configSchema } from '../../core/config/schema';
import initGenerator, { initGenerator as namedInit } from './generator';
import { detectSource } from './git-remote';
import { changedFiles as snapshotFiles, mixedWorkspace } from './testing/mixed-workspace';
import { materialize, SHAPES } from './testing/shapes';

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

  /** Runs init and returns what its callback printed. */
  async function printed(tree: Tree): Promise<{ info: string[]; warnings: string[] }> {
    const callback = await initGenerator(tree, { skipFormat: true });
    const info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    try {
      await callback();
      return { info: info.mock.calls.map((c) => String(c[0])), warnings: warn.mock.calls.map((c) => String(c[0])) };
    } finally {
      info.mockRestore();
      warn.mockRestore();
    }
  }

  it('keeps an existing monochange.toml byte for byte when it declares every package, and says so', async () => {
    const tree = mixedWorkspace();
    await initGenerator(tree, { skipFormat: true });
    const mine = tree.read('monochange.toml', 'utf-8')!.replace('[package.web]', '# hand-written\n[package.web]   # here');
    tree.write('monochange.toml', mine);
    const { info } = await printed(tree);
    expect(tree.read('monochange.toml', 'utf-8')).toBe(mine);
    expect(info).toContain('monochange.toml already declares every publishable package init finds; nothing added.');
  });

  it('appends the packages found since, keeping the hand-written part, and says what it added', async () => {
    const tree = mixedWorkspace();
    const mine = '# hand-written\n[defaults]\npackage_type = "npm"\n\n[package.web]\npath = "packages/web"   # here\n';
    tree.write('monochange.toml', mine);
    // The new crate's name is taken by a declared id, so it gets another one.
    tree.write('crates/web/Cargo.toml', '[package]\nname = "web"\nversion = "0.1.0"\n');
    const { info } = await printed(tree);
    const text = tree.read('monochange.toml', 'utf-8')!;
    expect(text.startsWith(mine)).toBe(true);
    expect((parse(text) as any).package).toEqual({
      web: { path: 'packages/web' },
      'fast-io': { path: 'crates/fast-io', type: 'cargo' },
      'web-cargo': { path: 'crates/web', type: 'cargo' },
      api: { path: 'go/api', type: 'go' },
      my_app: { path: 'dart/my_app', type: 'flutter' },
      my_dart: { path: 'dart/my_dart', type: 'dart' },
      'acme-tools': { path: 'python/acme-tools', type: 'python' },
      'web-deno': { path: 'deno/std', type: 'deno' },
    });
    expect(info).toContain(
      'Added 7 packages found since monochange.toml was written: fast-io (cargo, crates/fast-io), web-cargo (cargo, crates/web), ' +
        'my_app (flutter, dart/my_app), my_dart (dart, dart/my_dart), web-deno (deno, deno/std), api (go, go/api), acme-tools (python, python/acme-tools).',
    );
    const again = await printed(tree);
    expect(tree.read('monochange.toml', 'utf-8')).toBe(text);
    expect(again.info).toContain('monochange.toml already declares every publishable package init finds; nothing added.');
  });

  it('leaves a monochange.toml that does not parse alone, with a warning', async () => {
    const tree = mixedWorkspace();
    tree.write('monochange.toml', '[package.web\n');
    const { warnings } = await printed(tree);
    expect(tree.read('monochange.toml', 'utf-8')).toBe('[package.web\n');
    expect(warnings).toEqual([expect.stringContaining('monochange.toml does not parse as TOML, so init did not look for new packages')]);
  });

  it('adds .monochange/ to .gitignore once, keeping what is there', async () => {
    const tree = mixedWorkspace();
    tree.write('.gitignore', 'node_modules\ndist');
    const { info } = await printed(tree);
    expect(tree.read('.gitignore', 'utf-8')).toBe('node_modules\ndist\n# @monochange/nx publish results\n.monochange/\n');
    expect(info).toContain('Added .monochange/ (publish results) to .gitignore.');
    const again = await printed(tree);
    expect(tree.read('.gitignore', 'utf-8')).toBe('node_modules\ndist\n# @monochange/nx publish results\n.monochange/\n');
    expect(again.info.join('\n')).not.toContain('.gitignore');
  });

  it.each(['.monochange', '/.monochange/', '.monochange/**'])('leaves a .gitignore that already has %s alone', async (line) => {
    const tree = mixedWorkspace();
    tree.write('.gitignore', `${line}\n`);
    await initGenerator(tree, { skipFormat: true });
    expect(tree.read('.gitignore', 'utf-8')).toBe(`${line}\n`);
  });

  it('keeps the formatting of nx.json: compact arrays stay compact, only the new entries are written', async () => {
    const tree = createTreeWithEmptyWorkspace();
    const before = [
      '{',
      '  // comments stay',
      '  "plugins": ["@nx/js", "@nx/eslint"],',
      '  "namedInputs": { "default": ["{projectRoot}/**/*"], "production": ["default", "!{projectRoot}/**/*.spec.ts"] },',
      '  "targetDefaults": {',
      '    "build": { "dependsOn": ["^build"], "cache": true }',
      '  }',
      '}',
      '',
    ].join('\n');
    tree.write('nx.json', before);
    await initGenerator(tree, { skipFormat: true });
    expect(tree.read('nx.json', 'utf-8')).toBe(
      [
        '{',
        '  // comments stay',
        '  "plugins": ["@nx/js", "@nx/eslint", "@monochange/nx"],',
        '  "namedInputs": { "default": ["{projectRoot}/**/*"], "production": ["default", "!{projectRoot}/**/*.spec.ts"] },',
        '  "targetDefaults": {',
        '    "build": { "dependsOn": ["^build"], "cache": true },',
        '    "nx-release-publish": {',
        '      "executor": "@monochange/nx:publish"',
        '    }',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
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
    expect(info).toContain(
      'Set nx.json targetDefaults["nx-release-publish"].executor to @monochange/nx:publish, so `nx release publish` publishes npm packages with @monochange/nx too.',
    );
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
    expect(warnings).toEqual([
      expect.stringContaining('add `"nx-release-publish": { "executor": "@monochange/nx:publish" }` to nx.json targetDefaults yourself'),
    ]);
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

describe('init then the plugin, on a napi toolkit checkout', () => {
  it('declares the napi package twice with distinct ids, and the plugin reads it without a warning', async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-init-napi-'));
    try {
      const dir = materialize(
        SHAPES.find((s) => s.name.includes('napi'))!,
        parent,
      );
      fs.writeFileSync(path.join(dir, 'nx.json'), '{ "plugins": [] }\n');
      const tree = new FsTree(dir, false);
      await initGenerator(tree, { skipFormat: true });
      flushChanges(dir, tree.listChanges());
      const declared = (parse(fs.readFileSync(path.join(dir, 'monochange.toml'), 'utf-8')) as any).package;
      expect(declared.binding).toEqual({ path: 'crates/binding', type: 'npm' });
      expect(declared['napi-tk-binding']).toEqual({ path: 'crates/binding', type: 'cargo' });
      const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
      try {
        const { projects } = nodesFromConfig('monochange.toml', undefined, { workspaceRoot: dir });
        expect(warn).not.toHaveBeenCalled();
        expect(projects!['crates/binding'].targets!.publish.options).toEqual({ package: 'binding' });
        expect(Object.keys(projects!['crates/binding'].targets!)).toEqual(
          expect.arrayContaining(['publish', 'nx-release-publish', 'publish-cargo', 'readiness-cargo']),
        );
      } finally {
        warn.mockRestore();
      }
    } finally {
      fs.rmSync(parent, { recursive: true, force: true });
    }
  }, 120_000);
});
