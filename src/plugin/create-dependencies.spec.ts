import { DependencyType, type CreateDependenciesContext, type ProjectConfiguration } from '@nx/devkit';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { PackageConfig } from '../core/config/types';
import { createDependencies, dependenciesFrom, edgeSources } from './create-dependencies';
import { readDeclaredWorkspace } from './read-declared';
import { createNodes } from './create-nodes';
import { findExistingProject } from './existing-project';
import { FIXTURE_WORKSPACE, listFiles, nxMatchedFiles, tempWorkspace } from './testing/fixture-workspace';

/** What Nx would hand createDependencies: projects by name (as merged from all plugins) and their files. */
async function graphContext(root: string, drop: string[] = [], hash: (file: string) => string = () => 'h'): Promise<CreateDependenciesContext> {
  const [[, result]] = await createNodes[1](nxMatchedFiles(root), {}, { nxJsonConfiguration: {}, workspaceRoot: root });
  const projects: Record<string, ProjectConfiguration> = {};
  for (const [projectRoot, config] of Object.entries(result.projects!)) {
    const name = config.name ?? findExistingProject(root, projectRoot)!.name!;
    if (!drop.includes(name)) projects[name] = { ...config, root: projectRoot, name };
  }
  const roots = Object.values(projects)
    .map((p) => p.root)
    .sort((a, b) => b.length - a.length);
  const projectFileMap: Record<string, { file: string; hash: string }[]> = Object.fromEntries(Object.keys(projects).map((name) => [name, []]));
  const nonProjectFiles: { file: string; hash: string }[] = [];
  for (const file of listFiles(root)) {
    const owner = roots.find((r) => file.startsWith(`${r}/`));
    const name = owner && Object.keys(projects).find((n) => projects[n].root === owner);
    (name ? projectFileMap[name] : nonProjectFiles).push({ file, hash: hash(file) });
  }
  const fileMap = { projectFileMap, nonProjectFiles };
  return {
    workspaceRoot: root,
    projects,
    externalNodes: {},
    nxJsonConfiguration: {},
    fileMap,
    filesToProcess: fileMap,
  };
}

const asText = (deps: Awaited<ReturnType<typeof createDependencies>>) =>
  deps.map((d) => `${d.source} -> ${d.target} (${d.type}, ${'sourceFile' in d ? d.sourceFile : '-'})`).sort();

describe('createDependencies', () => {
  it('adds static edges from Cargo, pyproject, go.mod, pubspec and deno.json, not from package.json or dev deps', async () => {
    const deps = await createDependencies({}, await graphContext(FIXTURE_WORKSPACE));
    expect(asText(deps)).toEqual([
      'acme-cli -> acme-build (static, crates/cli/Cargo.toml)',
      'acme-cli -> acme-core (static, crates/cli/Cargo.toml)',
      'acme-testing -> acme-cli (static, crates/testing/Cargo.toml)',
      'dart-app -> dart-models (static, dart/app/pubspec.yaml)',
      'deno-tool -> @acme/js-util (static, deno/tool/deno.json)',
      'deno-tool -> deno-std (static, deno/tool/deno.json)',
      'go-app -> go-lib (static, go/app/go.mod)',
      'py-cli -> py-core (static, python/cli/pyproject.toml)',
    ]);
    expect(deps.every((d) => d.type === DependencyType.static)).toBe(true);
  });

  it('links Deno workspace members by the bare-name and jsr: imports in their sources, not by test or bench imports', async () => {
    const root = join(__dirname, '__fixtures__/deno-workspace');
    expect(asText(await createDependencies({}, await graphContext(root)))).toEqual([
      'assert -> fmt (static, assert/mod.ts)',
      'fmt -> path (static, fmt/colors.ts)',
      'io -> bytes (static, io/mod.ts)',
      'io -> streams (static, io/mod.ts)',
      'streams -> bytes (static, streams/buffer.ts)',
    ]);
    // The same edges order publishing; test and bench imports (bytes -> streams, path -> assert) do not.
    const [[, nodes]] = await createNodes[1](nxMatchedFiles(root), {}, { nxJsonConfiguration: {}, workspaceRoot: root });
    const after = (project: string) =>
      (nodes.projects![project].targets!.publish.dependsOn ?? []).flatMap((d) => (typeof d === 'string' ? [] : (d.projects ?? [])));
    expect(after('io').sort()).toEqual(['bytes', 'streams']);
    expect(after('bytes')).toEqual([]);
    expect(after('path')).toEqual([]);
  });

  it('only links projects that exist in the graph', async () => {
    const deps = await createDependencies({}, await graphContext(FIXTURE_WORKSPACE, ['acme-core', 'go-app']));
    const text = asText(deps);
    expect(text).toContain('acme-cli -> acme-build (static, crates/cli/Cargo.toml)');
    expect(text.some((t) => t.includes('acme-core') || t.includes('go-app'))).toBe(false);
  });

  it('leaves out an edge whose manifest Nx does not know as a project file (e.g. git-ignored)', async () => {
    const context = await graphContext(FIXTURE_WORKSPACE);
    const files = context.fileMap.projectFileMap['go-app'];
    context.fileMap.projectFileMap['go-app'] = files.filter((f) => f.file !== 'go/app/go.mod');
    const text = asText(await createDependencies({}, context));
    expect(text.some((t) => t.startsWith('go-app'))).toBe(false);
    expect(text).toContain('py-cli -> py-core (static, python/cli/pyproject.toml)');
  });

  it('keeps an edge whose manifest Nx knows as a file of no project', async () => {
    const context = await graphContext(FIXTURE_WORKSPACE);
    context.fileMap.projectFileMap['go-app'] = context.fileMap.projectFileMap['go-app'].filter((f) => f.file !== 'go/app/go.mod');
    context.fileMap.nonProjectFiles.push({ file: 'go/app/go.mod', hash: 'h' });
    expect(asText(await createDependencies({}, context))).toContain('go-app -> go-lib (static, go/app/go.mod)');
  });

  it('reads no manifest again that Nx hashed as createNodes read it', async () => {
    const { hashFile } = require('nx/src/native') as { hashFile: (file: string) => string };
    const context = await graphContext(FIXTURE_WORKSPACE, [], (file) => hashFile(join(FIXTURE_WORKSPACE, file)));
    const { result, read } = await withReads(FIXTURE_WORKSPACE, () => createDependencies({}, context));
    expect(asText(result)).toEqual(asText(await createDependencies({}, await graphContext(FIXTURE_WORKSPACE))));
    const manifests = (files: string[]) => files.filter((f) => /(^|\/)(Cargo\.toml|pyproject\.toml|go\.mod|pubspec\.yaml|package\.json)$/.test(f));
    expect(manifests(read)).toEqual([]);
    // Without Nx's hashes (or with other ones) they are read again.
    const otherHashes = await graphContext(FIXTURE_WORKSPACE);
    const unhashed = await withReads(FIXTURE_WORKSPACE, () => createDependencies({}, otherHashes));
    expect(manifests(unhashed.read)).toContain('crates/cli/Cargo.toml');
  });

  it("does not load Nx's devkit into the plugin worker", async () => {
    const context = await graphContext(FIXTURE_WORKSPACE);
    const loaded: string[] = [];
    const watched = ['@nx/devkit', 'nx/src/devkit-exports'];
    let deps: Awaited<ReturnType<typeof createDependencies>> = [];
    try {
      for (const name of watched) {
        jest.doMock(name, () => {
          loaded.push(name);
          return jest.requireActual(name);
        });
      }
      let fresh: typeof import('./create-dependencies') | undefined;
      jest.isolateModules(() => {
        fresh = require('./create-dependencies') as typeof import('./create-dependencies');
      });
      deps = await fresh!.createDependencies({}, context);
    } finally {
      for (const name of watched) jest.dontMock(name);
    }
    expect(deps.length).toBeGreaterThan(0);
    expect(loaded).toEqual([]);
  });

  it('adds nothing without a monochange.toml, and nothing (no second error) when it is broken', async () => {
    const ws = tempWorkspace();
    try {
      const context = await graphContext(ws.root);
      ws.write('monochange.toml', 'not = [valid');
      expect(await createDependencies({}, context)).toEqual([]);
      ws.write('monochange.toml', '');
      const empty = tempWorkspace(false);
      try {
        expect(await createDependencies({}, { ...context, workspaceRoot: empty.root })).toEqual([]);
      } finally {
        empty.dispose();
      }
    } finally {
      ws.dispose();
    }
  });

  it('still links the packages whose manifests parse when another one does not', async () => {
    const ws = tempWorkspace();
    try {
      const context = await graphContext(ws.root);
      ws.write('python/core/pyproject.toml', '[project\n');
      const text = asText(await createDependencies({}, context));
      expect(text).toContain('go-app -> go-lib (static, go/app/go.mod)');
      // py-core's name is unknown now, so py-cli's requirement matches nothing.
      expect(text.some((t) => t.startsWith('py-cli'))).toBe(false);
    } finally {
      ws.dispose();
    }
  });
});

/** What `fn` reads from disk under `root` (workspace-relative). */
async function withReads<T>(root: string, fn: () => T | Promise<T>): Promise<{ result: T; read: string[] }> {
  const fs = require('node:fs') as typeof import('node:fs'); // the module itself, which a spy reaches
  const real = fs.readFileSync;
  const read: string[] = [];
  const spy = jest.spyOn(fs, 'readFileSync').mockImplementation(((file: unknown, ...rest: unknown[]) => {
    if (typeof file === 'string' && file.startsWith(root)) read.push(relative(root, file));
    return (real as (...args: unknown[]) => unknown)(file, ...rest);
  }) as typeof fs.readFileSync);
  try {
    return { result: await fn(), read };
  } finally {
    spy.mockRestore();
  }
}

describe('createDependencies reads only the manifests that can give an edge', () => {
  const pkg = (id: string, type: PackageConfig['type']) => ({ id, type }) as PackageConfig;

  it("skips npm manifests (npm → npm edges are Nx's own) unless a deno package could import an npm one", () => {
    const crateAndNpm = [pkg('a', 'npm'), pkg('b', 'cargo'), pkg('c', 'python')];
    expect(edgeSources(crateAndNpm).map((p) => p.id)).toEqual(['b', 'c']);
    const withDeno = [...crateAndNpm, pkg('d', 'deno')];
    expect(edgeSources(withDeno)).toEqual(withDeno);
  });

  it('gives the same edges as reading every manifest, with and without a deno package', async () => {
    const ws = tempWorkspace();
    try {
      for (const root of [FIXTURE_WORKSPACE, ws.root]) {
        if (root === ws.root) {
          // No deno package: the npm manifests are not read at all.
          ws.write('monochange.toml', readFileSync(join(root, 'monochange.toml'), 'utf8').replace(/\[package\.deno-[a-z]+\][^[]*/g, ''));
          expect(edgeSources(readDeclaredWorkspace(root).config.packages).some((p) => p.type === 'npm')).toBe(false);
        }
        const context = await graphContext(root);
        const all = dependenciesFrom(readDeclaredWorkspace(root), context);
        const { result: selected, read } = await withReads(root, () => createDependencies({}, context));
        expect(asText(selected)).toEqual(asText(all));
        expect(selected.length).toBeGreaterThan(0);
        expect(read.some((f) => f.endsWith('package.json'))).toBe(root === FIXTURE_WORKSPACE);
        expect(read).toContain('crates/cli/Cargo.toml');
      }
    } finally {
      ws.dispose();
    }
  });
});
