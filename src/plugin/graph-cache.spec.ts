import type { CreateDependenciesContext, CreateNodesResultArray, ProjectConfiguration } from '@nx/devkit';
import { logger } from '@nx/devkit';
import fs from 'node:fs';
import { join } from 'node:path';
import { createDependencies } from './create-dependencies';
import { createNodesWithCache, flushGraphCacheWrite, type GraphCacheOptions } from './create-nodes';
import { findExistingProject } from './existing-project';
import { graphCacheFile, inputsUnchanged, readGraphCache, recordFsInputs, writeGraphCache } from './graph-cache';
import type { MonochangePluginOptions } from './options';
import { listFiles, tempWorkspace } from './testing/fixture-workspace';

/**
 * The graph cache in the workspace. Each computation through the cache comes after the same one
 * without it: a module jest loads while the cache records (through its own reference to fs) would
 * make the computation uncacheable.
 */
const cacheIn = (root: string): GraphCacheOptions => ({ dir: join(root, '.nx', 'workspace-data') });

const cacheFiles = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.startsWith('monochange-graph-')) : []);

/** Identity of the one cache file: a miss writes a new file (renamed into place), a hit leaves it alone. */
function cacheFileId(root: string): string {
  const dir = cacheIn(root).dir;
  const [file] = cacheFiles(dir);
  if (!file) return 'none';
  const stat = fs.statSync(join(dir, file));
  return `${file}:${stat.ino}:${stat.mtimeMs}`;
}

/** createNodes through the cache, or without it (`null`). */
async function nodes(root: string, options: MonochangePluginOptions = {}, cache: GraphCacheOptions | null = cacheIn(root)): Promise<CreateNodesResultArray> {
  const results = await createNodesWithCache(['monochange.toml'], options, { nxJsonConfiguration: {}, workspaceRoot: root }, cache ?? undefined);
  flushGraphCacheWrite(); // written after Nx has the results; here, before the test looks
  return results;
}

/** What Nx hands createDependencies after these nodes: projects by name and every file as a file of its project. */
function dependencyContext(root: string, results: CreateNodesResultArray): CreateDependenciesContext {
  const projects: Record<string, ProjectConfiguration> = {};
  for (const [projectRoot, config] of Object.entries(results[0][1].projects!)) {
    const name = config.name ?? findExistingProject(root, projectRoot)!.name!;
    projects[name] = { ...config, root: projectRoot, name };
  }
  const roots = Object.values(projects).sort((a, b) => b.root.length - a.root.length);
  const projectFileMap: Record<string, { file: string; hash: string }[]> = Object.fromEntries(Object.keys(projects).map((name) => [name, []]));
  const nonProjectFiles: { file: string; hash: string }[] = [];
  for (const file of listFiles(root)) {
    const owner = roots.find((p) => file.startsWith(`${p.root}/`));
    (owner ? projectFileMap[owner.name!] : nonProjectFiles).push({ file, hash: 'h' });
  }
  const fileMap = { projectFileMap, nonProjectFiles };
  return { workspaceRoot: root, projects, externalNodes: {}, nxJsonConfiguration: {}, fileMap, filesToProcess: fileMap };
}

/** Nodes and edges through the cache, next to the same computed without it. */
async function withAndWithout(root: string, options: MonochangePluginOptions = {}) {
  const plain = await nodes(root, options, null);
  const plainEdges = await createDependencies(options, dependencyContext(root, plain));
  const cached = await nodes(root, options);
  const cachedEdges = await createDependencies(options, dependencyContext(root, cached));
  return { cached, plain, cachedEdges, plainEdges };
}

describe('the graph cache (createNodes / createDependencies results kept in Nx workspace data)', () => {
  let ws: ReturnType<typeof tempWorkspace>;
  beforeEach(() => {
    ws = tempWorkspace();
    // Nx makes its workspace data directory before any plugin runs (a new entry at the root would
    // change the root's listing, which the config's path checks read).
    fs.mkdirSync(cacheIn(ws.root).dir, { recursive: true });
  });
  afterEach(() => ws.dispose());

  it('reuses the computed projects and edges while nothing read has changed, identical to computing them', async () => {
    const first = await withAndWithout(ws.root);
    expect(first.cached).toEqual(first.plain);
    expect(first.cachedEdges).toEqual(first.plainEdges);
    expect(first.cachedEdges.length).toBeGreaterThan(0);
    const written = cacheFileId(ws.root);
    expect(written).not.toBe('none');

    const again = await withAndWithout(ws.root);
    expect(cacheFileId(ws.root)).toBe(written); // a hit: not computed and written again
    expect(again.cached).toEqual(first.plain);
    expect(again.cachedEdges).toEqual(first.plainEdges);
  });

  it('a new file at the workspace root or in a package is no change; a package directory becoming a file is', async () => {
    await withAndWithout(ws.root);
    const written = cacheFileId(ws.root);
    ws.write('crates/core/src/lib.rs', 'pub fn core() {}\n');
    ws.write('packages/js-util/index.js', 'module.exports = 1;\n');
    ws.write('NOTES.md', '# workspace\n');
    fs.mkdirSync(join(ws.root, 'dist'));
    await nodes(ws.root);
    expect(cacheFileId(ws.root)).toBe(written);
    fs.rmSync(join(ws.root, 'go/lib'), { recursive: true });
    ws.write('go/lib', 'not a directory\n');
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    try {
      const [[, broken]] = await nodes(ws.root);
      expect(cacheFileId(ws.root)).not.toBe(written);
      expect(broken).toEqual((await nodes(ws.root, {}, null))[0][1]);
      expect(warn.mock.calls[0][0]).toMatch(/go\/lib.*which is a file, not a directory/);
    } finally {
      warn.mockRestore();
    }
  });

  it('a changed manifest gives the new projects and edges', async () => {
    const before = await withAndWithout(ws.root);
    // acme-cli stops depending on acme-core.
    const cli = fs.readFileSync(join(ws.root, 'crates/cli/Cargo.toml'), 'utf8');
    ws.write('crates/cli/Cargo.toml', cli.replace(/^core = .*\n/m, ''));
    const after = await withAndWithout(ws.root);
    expect(after.cached).toEqual(after.plain);
    expect(after.cachedEdges).toEqual(after.plainEdges);
    expect(after.cachedEdges).not.toEqual(before.cachedEdges);
    expect(after.cached[0][1].projects!['crates/cli'].targets!.publish.dependsOn).toEqual([{ target: 'publish', projects: ['acme-build'], params: 'forward' }]);
  });

  it('a changed monochange.toml, a new project.json and a removed manifest each give a new result', async () => {
    await withAndWithout(ws.root);
    const toml = fs.readFileSync(join(ws.root, 'monochange.toml'), 'utf8');
    ws.write('monochange.toml', toml.replace('[package.py-cli]\npath = "python/cli"\ntype = "python"\n', ''));
    let step = await withAndWithout(ws.root);
    expect(step.cached).toEqual(step.plain);
    expect(step.cached[0][1].projects!['python/cli']).toBeUndefined();

    ws.write('crates/core/project.json', JSON.stringify({ name: 'core-by-project-json' }));
    step = await withAndWithout(ws.root);
    expect(step.cached).toEqual(step.plain);
    expect(step.cached[0][1].projects!['crates/cli'].targets!.publish.dependsOn).toEqual([
      { target: 'publish', projects: ['acme-build', 'core-by-project-json'], params: 'forward' },
    ]);

    fs.rmSync(join(ws.root, 'go/app/go.mod'));
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    try {
      step = await withAndWithout(ws.root);
    } finally {
      warn.mockRestore();
    }
    expect(step.cached).toEqual(step.plain);
    expect(step.cached[0][1].projects!['go/app'].targets!.publish.metadata).toHaveProperty('manifestError');
  });

  it('plugin options are part of the key', async () => {
    await withAndWithout(ws.root);
    const { cached: renamed, plain } = await withAndWithout(ws.root, { publishTargetName: 'release' });
    expect(renamed).toEqual(plain);
    expect(Object.keys(renamed[0][1].projects!['crates/core'].targets!)).toContain('release');
    expect(cacheFiles(cacheIn(ws.root).dir)).toHaveLength(2);
    expect(Object.keys((await nodes(ws.root))[0][1].projects!['crates/core'].targets!)).toContain('publish');
  });

  it("asks Nx's file list, not the disk, which package directories hold a project.json or package.json; a change in its answers is a change", async () => {
    const nxList = (root: string) => new Set(listFiles(root).filter((f) => /(^|\/)(monochange\.toml|project\.json|package\.json)$/.test(f)));
    const withList = async (list: Set<string>) => {
      const results = await createNodesWithCache([...list], {}, { nxJsonConfiguration: {}, workspaceRoot: ws.root }, cacheIn(ws.root), list);
      flushGraphCacheWrite();
      return results;
    };
    const seen = nxList(ws.root);
    expect(await withList(seen)).toEqual(await nodes(ws.root, {}, null)); // the same answers as the disk's
    // A project.json Nx does not list (git-ignored): no project of Nx's own there, so the plugin names it.
    ws.write('crates/core/project.json', JSON.stringify({ name: 'core-by-project-json' }));
    const unseen = await withList(seen);
    expect(unseen[0][1].projects!['crates/core'].name).toBe('acme-core');
    const written = cacheFileId(ws.root);
    expect((await withList(seen))[0][1].projects!['crates/core'].name).toBe('acme-core');
    expect(cacheFileId(ws.root)).toBe(written); // reused: Nx's answers are the same
    // Nx lists it now: computed again, and the project is Nx's own (named by its project.json).
    const listed = await withList(nxList(ws.root));
    expect(cacheFileId(ws.root)).not.toBe(written);
    expect(listed[0][1].projects!['crates/core'].name).toBeUndefined();
  });

  it("in Nx's plugin worker writes the cache after returning (Nx has serialised the results), elsewhere before returning", async () => {
    const dir = cacheIn(ws.root).dir;
    const call = () => createNodesWithCache(['monochange.toml'], {}, { nxJsonConfiguration: {}, workspaceRoot: ws.root }, cacheIn(ws.root));
    await call();
    expect(cacheFiles(dir)).toHaveLength(1); // in this process: written before the results were returned
    fs.rmSync(join(dir, cacheFiles(dir)[0]));
    const argv = process.argv;
    process.argv = [argv[0], join(ws.root, 'node_modules/nx/src/project-graph/plugins/isolation/plugin-worker.js')];
    try {
      await call();
      expect(cacheFiles(dir)).toHaveLength(0);
      await new Promise((resolve) => setImmediate(resolve));
      expect(cacheFiles(dir)).toHaveLength(1);
    } finally {
      process.argv = argv;
    }
  });

  it('keeps the file just written and the three most recent others, removing older ones', async () => {
    for (const name of ['publish-a', 'publish-b', 'publish-c', 'publish-d', 'publish-e']) {
      await nodes(ws.root, { publishTargetName: name });
      // distinct modification times, oldest first, whatever the file system's resolution
      const dir = cacheIn(ws.root).dir;
      for (const [i, file] of cacheFiles(dir).entries()) fs.utimesSync(join(dir, file), new Date(), new Date(Date.now() - (10 - i) * 60_000));
    }
    expect(cacheFiles(cacheIn(ws.root).dir)).toHaveLength(4);
    const kept = await nodes(ws.root, { publishTargetName: 'publish-e' });
    expect(Object.keys(kept[0][1].projects!['crates/core'].targets!)).toContain('publish-e');
  });

  it('prints the warnings of a computation again when its result is reused', async () => {
    ws.write('python/core/pyproject.toml', '[project\nname = "broken"\n');
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    try {
      await nodes(ws.root, {}, null);
      await nodes(ws.root);
      const written = cacheFileId(ws.root);
      expect(written).not.toBe('none');
      await nodes(ws.root);
      expect(cacheFileId(ws.root)).toBe(written);
      expect(warn).toHaveBeenCalledTimes(3);
      expect(new Set(warn.mock.calls.map((c) => c[0])).size).toBe(1);
      expect(warn.mock.calls[0][0]).toMatch(/^@monochange\/nx: python\/core\/pyproject\.toml:1:/);
    } finally {
      warn.mockRestore();
    }
  });

  it('a bad monochange.toml warns on every computation, cached or not', async () => {
    ws.write('monochange.toml', '[package.acme-core]\npath = "crates/core"\ntype = "cargoo"\n');
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    try {
      const plain = await nodes(ws.root, {}, null);
      expect(await nodes(ws.root)).toEqual(plain);
      const written = cacheFileId(ws.root);
      expect(written).not.toBe('none');
      expect(await nodes(ws.root)).toEqual(plain);
      expect(cacheFileId(ws.root)).toBe(written);
      expect(warn).toHaveBeenCalledTimes(3);
      expect(new Set(warn.mock.calls.map((c) => c[0])).size).toBe(1);
    } finally {
      warn.mockRestore();
    }
  });

  it('does not cache a failed computation (manifestErrors "error")', async () => {
    ws.write('python/core/pyproject.toml', '[project\nname = "broken"\n');
    await expect(nodes(ws.root, { manifestErrors: 'error' })).rejects.toThrow();
    expect(cacheFiles(cacheIn(ws.root).dir)).toHaveLength(0);
    await expect(nodes(ws.root, { manifestErrors: 'error' })).rejects.toThrow();
  });

  it('ignores a corrupt or unreadable cache file and writes a good one', async () => {
    const { plain } = await withAndWithout(ws.root);
    const dir = cacheIn(ws.root).dir;
    const [file] = cacheFiles(dir);
    for (const garbage of ['{"key":', '[]', 'null', JSON.stringify({ key: 'other', inputs: [], nodes: [], edges: [], warnings: [] })]) {
      fs.writeFileSync(join(dir, file), garbage);
      expect(await nodes(ws.root)).toEqual(plain);
      expect(JSON.parse(fs.readFileSync(join(dir, file), 'utf8'))).toMatchObject({ nodes: plain });
    }
    fs.rmSync(join(dir, file));
    fs.mkdirSync(join(dir, file)); // a directory where the file should be: unreadable and unwritable
    expect(await nodes(ws.root)).toEqual(plain);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('sees a manifest rewritten at once with the same size and its old timestamps (contents are compared)', async () => {
    await withAndWithout(ws.root);
    const written = cacheFileId(ws.root);
    const file = join(ws.root, 'crates/cli/Cargo.toml');
    const { atime, mtime } = fs.statSync(file);
    const text = fs.readFileSync(file, 'utf8');
    const same = text.replace('path = "../core"', 'path = "../cor2"');
    expect(same).toHaveLength(text.length);
    fs.writeFileSync(file, same);
    fs.utimesSync(file, atime, mtime);
    const { cached, plain } = await withAndWithout(ws.root);
    expect(cacheFileId(ws.root)).not.toBe(written);
    expect(cached).toEqual(plain);
  });
});

describe('recordFsInputs / inputsUnchanged', () => {
  let ws: ReturnType<typeof tempWorkspace>;
  beforeEach(() => {
    ws = tempWorkspace(false);
  });
  afterEach(() => ws.dispose());

  it('records reads, existence checks, stats and listings, and sees each change', () => {
    ws.write('a.txt', 'one');
    ws.write('dir/b.txt', 'two');
    const run = recordFsInputs(() => [
      fs.readFileSync(join(ws.root, 'a.txt'), 'utf8'),
      fs.existsSync(join(ws.root, 'missing.txt')),
      fs.statSync(join(ws.root, 'dir')).isDirectory(),
      fs.readdirSync(join(ws.root, 'dir')).join(','),
    ]);
    expect(run.value).toEqual(['one', false, true, 'b.txt']);
    const inputs = run.inputs()!;
    expect(inputsUnchanged(inputs)).toBe(true);
    const changes: Array<[() => void, () => void]> = [
      [() => ws.write('a.txt', 'one more'), () => ws.write('a.txt', 'one')],
      [() => ws.write('missing.txt', ''), () => fs.rmSync(join(ws.root, 'missing.txt'))],
      [() => ws.write('dir/c.txt', ''), () => fs.rmSync(join(ws.root, 'dir/c.txt'))],
    ];
    for (const [change, undo] of changes) {
      change();
      expect(inputsUnchanged(inputs)).toBe(false);
      undo();
    }
    fs.rmSync(join(ws.root, 'dir'), { recursive: true });
    ws.write('dir', 'now a file');
    expect(inputsUnchanged(inputs)).toBe(false);
  });

  it('identifies a file read by its size and times once they are old enough, by its contents while they are recent', () => {
    ws.write('a.txt', 'one');
    const file = join(ws.root, 'a.txt');
    const aMinuteLater = () => Date.now() + 60_000;
    const settled = recordFsInputs(() => fs.readFileSync(file, 'utf8'), aMinuteLater).inputs()!;
    const recent = recordFsInputs(() => fs.readFileSync(file, 'utf8')).inputs()!;
    expect(settled.map((i) => i[0])).toEqual(['f']);
    expect(recent.map((i) => i[0])).toEqual(['h']);
    expect(inputsUnchanged(settled)).toBe(true);
    expect(inputsUnchanged(recent)).toBe(true);
    // Rewritten at once, same size, its times put back: only the contents tell.
    const { atime, mtime } = fs.statSync(file);
    fs.writeFileSync(file, 'two');
    fs.utimesSync(file, atime, mtime);
    expect(inputsUnchanged(recent)).toBe(false);
    fs.writeFileSync(file, 'three');
    expect(inputsUnchanged(settled)).toBe(false);
  });

  it('a file changed after it was read and before the fingerprints are taken is identified by what was read', () => {
    ws.write('a.txt', 'one');
    const file = join(ws.root, 'a.txt');
    const run = recordFsInputs(() => fs.readFileSync(file, 'utf8'));
    ws.write('a.txt', 'two'); // same size: only what was read tells the entry is stale
    const inputs = run.inputs()!;
    expect(inputs).toEqual([['h', file, expect.any(String)]]);
    expect(inputsUnchanged(inputs)).toBe(false);
  });

  it('the same file read twice with different contents makes the run uncacheable', () => {
    ws.write('a.txt', 'one');
    const file = join(ws.root, 'a.txt');
    const run = recordFsInputs(() => {
      const first = fs.readFileSync(file, 'utf8');
      fs.writeFileSync(file, 'two');
      return [first, fs.readFileSync(file, 'utf8')];
    });
    expect(run.value).toEqual(['one', 'two']);
    expect(run.inputs()).toBeUndefined();
  });

  it('a file system call it cannot check again makes the run uncacheable, and fs is restored afterwards', () => {
    ws.write('a.txt', 'one');
    const readFileSync = fs.readFileSync;
    const run = recordFsInputs(() => fs.closeSync(fs.openSync(join(ws.root, 'a.txt'), 'r')));
    expect(run.inputs()).toBeUndefined();
    expect(fs.readFileSync).toBe(readFileSync);
    expect(() => recordFsInputs(() => fs.readFileSync(join(ws.root, 'nope.txt')))).toThrow();
    expect(fs.readFileSync).toBe(readFileSync);
  });
});

describe('writeGraphCache / readGraphCache', () => {
  let ws: ReturnType<typeof tempWorkspace>;
  beforeEach(() => {
    ws = tempWorkspace(false);
  });
  afterEach(() => ws.dispose());

  it('replaces the entry whole through a renamed temp file, and the last writer wins', () => {
    const file = graphCacheFile(join(ws.root, 'data'), 'k');
    writeGraphCache(file, { key: 'k', inputs: [], nodes: ['first'], edges: [], warnings: [] });
    writeGraphCache(file, { key: 'k', inputs: [], nodes: ['second'], edges: [], warnings: [] });
    expect(readGraphCache(file, 'k')?.nodes).toEqual(['second']);
    expect(readGraphCache(file, 'other')).toBeUndefined();
    expect(fs.readdirSync(join(ws.root, 'data'))).toEqual(['monochange-graph-k.json']);
  });
});
