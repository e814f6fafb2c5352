import type { CreateNodesContext, CreateNodesResult } from '@nx/devkit';
import { AggregateCreateNodesError, logger } from '@nx/devkit';
import type * as Fs from 'node:fs';
import { relative } from 'node:path';
import * as entry from '../index';
import { memoFileReader } from '../core/manifests/file-reader';
import { createNodes, createNodesV2, nodesFromConfig } from './create-nodes';
import { FIXTURE_WORKSPACE, nxMatchedFiles, tempWorkspace } from './testing/fixture-workspace';
import type { MonochangePluginOptions } from './options';

const context = (workspaceRoot: string): CreateNodesContext => ({ nxJsonConfiguration: {}, workspaceRoot });

async function run(root: string, options?: MonochangePluginOptions, files = nxMatchedFiles(root)) {
  return createNodes[1](files, options, context(root));
}

async function projectsOf(root: string, options?: MonochangePluginOptions) {
  const results = await run(root, options);
  expect(results).toHaveLength(1);
  expect(results[0][0]).toBe('monochange.toml');
  return results[0][1].projects!;
}

async function aggregateOf(promise: Promise<unknown>): Promise<AggregateCreateNodesError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AggregateCreateNodesError);
  return error as AggregateCreateNodesError;
}

const publishAfter = (projects: CreateNodesResult['projects'], root: string, target = 'publish') => projects![root].targets![target].dependsOn;

describe('package entry', () => {
  it('exports createNodes, createNodesV2 (same v2 tuple), createDependencies and the task-execution hooks only', () => {
    expect(Object.keys(entry).sort()).toEqual(['createDependencies', 'createNodes', 'createNodesV2', 'postTasksExecution', 'preTasksExecution']);
    expect(entry.createNodesV2).toBe(entry.createNodes);
    expect(createNodesV2).toBe(createNodes);
    expect(createNodes[0]).toBe('{monochange.toml,package.json,**/package.json,project.json,**/project.json}');
    expect(typeof entry.createDependencies).toBe('function');
  });
});

describe('createNodes on the six-ecosystem fixture', () => {
  let projects: NonNullable<CreateNodesResult['projects']>;
  beforeAll(async () => {
    projects = await projectsOf(FIXTURE_WORKSPACE);
  });

  it('contributes one project per declared package, at its path', () => {
    expect(Object.keys(projects).sort()).toEqual([
      'crates/build',
      'crates/cli',
      'crates/core',
      'crates/testing',
      'dart/app',
      'dart/models',
      'deno/std',
      'deno/tool',
      'go/app',
      'go/lib',
      'packages/js-app',
      'packages/js-testkit',
      'packages/js-util',
      'python/cli',
      'python/core',
    ]);
  });

  it('names the projects it creates after the package id and leaves npm projects to Nx', () => {
    expect(projects['crates/cli']).toMatchObject({ name: 'acme-cli', projectType: 'library' });
    expect(projects['python/core'].name).toBe('py-core');
    expect(projects['go/app'].name).toBe('go-app');
    expect(projects['dart/app'].name).toBe('dart-app');
    expect(projects['deno/tool'].name).toBe('deno-tool');
    for (const root of ['packages/js-app', 'packages/js-util', 'packages/js-testkit']) {
      expect(projects[root]).not.toHaveProperty('name');
      expect(projects[root]).not.toHaveProperty('projectType');
    }
  });

  it('tags every declared project with monochange and its ecosystem', () => {
    expect(projects['crates/core'].tags).toEqual(['monochange', 'monochange:cargo']);
    expect(projects['dart/app'].tags).toEqual(['monochange', 'monochange:flutter']);
    expect(projects['packages/js-util'].tags).toEqual(['monochange', 'monochange:npm']);
  });

  it('gives each package uncached publish, placeholder-publish, readiness and nx-release-publish targets', () => {
    const targets = projects['python/cli'].targets!;
    expect(Object.keys(targets).sort()).toEqual(['nx-release-publish', 'placeholder-publish', 'publish', 'readiness']);
    expect(targets.publish).toMatchObject({
      executor: '@monochange/nx:publish',
      options: {},
      cache: false,
      metadata: { technologies: ['python'], description: expect.stringContaining('acme-cli-py to pypi') },
    });
    expect(targets['placeholder-publish']).toMatchObject({
      executor: '@monochange/nx:placeholder-publish',
      options: {},
      cache: false,
      metadata: { technologies: ['python'], description: expect.stringContaining('placeholder') },
    });
    expect(targets.readiness).toMatchObject({ executor: '@monochange/nx:readiness', options: {}, cache: false });
    expect(targets['nx-release-publish']).toMatchObject({ executor: '@monochange/nx:publish', options: {}, cache: false });
    expect(targets['placeholder-publish'].dependsOn).toBeUndefined();
    expect(targets.readiness.dependsOn).toBeUndefined();
  });

  it('orders publishing after run and build dependencies, by Nx project name', () => {
    expect(publishAfter(projects, 'crates/cli')).toEqual([{ target: 'publish', projects: ['acme-build', 'acme-core'], params: 'forward' }]);
    expect(publishAfter(projects, 'crates/cli', 'nx-release-publish')).toEqual([
      { target: 'nx-release-publish', projects: ['acme-build', 'acme-core'], params: 'forward' },
    ]);
    expect(publishAfter(projects, 'python/cli')).toEqual([{ target: 'publish', projects: ['py-core'], params: 'forward' }]);
    expect(publishAfter(projects, 'go/app')).toEqual([{ target: 'publish', projects: ['go-lib'], params: 'forward' }]);
    expect(publishAfter(projects, 'dart/app')).toEqual([{ target: 'publish', projects: ['dart-models'], params: 'forward' }]);
    // package.json name for an npm package; a cross-ecosystem edge from deno to npm.
    expect(publishAfter(projects, 'deno/tool')).toEqual([{ target: 'publish', projects: ['deno-std', '@acme/js-util'], params: 'forward' }]);
    expect(publishAfter(projects, 'packages/js-app')).toEqual([{ target: 'publish', projects: ['@acme/js-util'], params: 'forward' }]);
    // A peer dependency orders publishing; project.json's name wins over package.json's.
    expect(publishAfter(projects, 'packages/js-testkit')).toEqual([{ target: 'publish', projects: ['js-app'], params: 'forward' }]);
  });

  it('never orders by dev dependencies, so dev-only cycles do not block publishing', () => {
    // acme-cli dev-depends on acme-testing, which depends on acme-cli.
    expect(publishAfter(projects, 'crates/testing')).toEqual([{ target: 'publish', projects: ['acme-cli'], params: 'forward' }]);
    expect(publishAfter(projects, 'crates/cli')![0]).toMatchObject({ projects: expect.not.arrayContaining(['acme-testing']) });
    expect(publishAfter(projects, 'crates/core')).toBeUndefined();
    for (const root of Object.keys(projects)) {
      expect(projects[root].targets!.publish.metadata).not.toHaveProperty('publishCycle');
    }
  });

  it('ignores nested monochange.toml files', async () => {
    const results = await run(FIXTURE_WORKSPACE, undefined, ['examples/nested/monochange.toml', 'monochange.toml']);
    expect(results.map(([file]) => file)).toEqual(['monochange.toml']);
    expect(await run(FIXTURE_WORKSPACE, undefined, ['examples/nested/monochange.toml'])).toEqual([]);
  });

  it('uses the target names from the plugin options', async () => {
    const renamed = await projectsOf(FIXTURE_WORKSPACE, {
      publishTargetName: 'mc-publish',
      placeholderPublishTargetName: 'mc-placeholder',
      readinessTargetName: 'mc-ready',
      releasePublishTargetName: false,
    });
    const targets = renamed['crates/cli'].targets!;
    expect(Object.keys(targets).sort()).toEqual(['mc-placeholder', 'mc-publish', 'mc-ready']);
    expect(targets['mc-publish'].dependsOn).toEqual([{ target: 'mc-publish', projects: ['acme-build', 'acme-core'], params: 'forward' }]);
    expect(targets['mc-placeholder'].executor).toBe('@monochange/nx:placeholder-publish');
  });
});

describe('createNodes with a run-time cycle', () => {
  const ws = tempWorkspace(false);
  afterAll(() => ws.dispose());

  it('keeps the publish dependencies (Nx refuses the task graph) and makes the publish tasks refuse on their own', async () => {
    ws.write(
      'monochange.toml',
      '[package.a]\npath = "a"\ntype = "cargo"\n\n[package.b]\npath = "b"\ntype = "cargo"\n\n[package.c]\npath = "c"\ntype = "cargo"\n',
    );
    ws.write('a/Cargo.toml', '[package]\nname = "a"\nversion = "1.0.0"\n\n[dependencies]\nb = { path = "../b", version = "1" }\n');
    ws.write('b/Cargo.toml', '[package]\nname = "b"\nversion = "1.0.0"\n\n[build-dependencies]\na = { path = "../a", version = "1" }\n');
    ws.write('c/Cargo.toml', '[package]\nname = "c"\nversion = "1.0.0"\n\n[dependencies]\na = { path = "../a", version = "1" }\n');
    const projects = await projectsOf(ws.root);
    for (const [id, other] of [
      ['a', 'b'],
      ['b', 'a'],
    ]) {
      for (const target of ['publish', 'nx-release-publish']) {
        const config = projects[id].targets![target];
        expect(config).toMatchObject({
          executor: 'nx:run-commands',
          cache: false,
          dependsOn: [{ target, projects: [other] }],
          metadata: { publishCycle: 'a -> b -> a' },
        });
        const encoded = /Buffer\.from\('([A-Za-z0-9+/=]+)','base64'\)/.exec(config.options.command)![1];
        expect(Buffer.from(encoded, 'base64').toString()).toBe(
          `package \`${id}\` is on a publish dependency cycle (a -> b -> a): each needs the other published first, so none of them is published. ` +
            'Fix: remove one of these run/build dependencies, or make it a dev dependency if only tests need it',
        );
      }
      expect(projects[id].targets!.readiness).toMatchObject({ executor: '@monochange/nx:readiness' });
      expect(projects[id].targets!.readiness.metadata).not.toHaveProperty('publishCycle');
    }
    // A dependent of the cycle keeps the real executor; Nx skips it when its dependency fails.
    expect(projects.c.targets!.publish).toMatchObject({
      executor: '@monochange/nx:publish',
      dependsOn: [{ target: 'publish', projects: ['a'] }],
    });
  });
});

describe('createNodes errors', () => {
  let ws: ReturnType<typeof tempWorkspace>;
  beforeEach(() => {
    ws = tempWorkspace();
  });
  afterEach(() => ws.dispose());

  it('a bad monochange.toml is one warning with the clear message, not a plugin error that fails the graph (see broken-config.spec.ts)', async () => {
    ws.write('monochange.toml', '[package.web\npath = "packages/web"\n');
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    try {
      const results = await run(ws.root);
      expect(results).toEqual([['monochange.toml', { projects: {} }]]);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0][0])).toMatch(/^@monochange\/nx: monochange\.toml:1:/);
    } finally {
      warn.mockRestore();
    }
  });

  it('by default warns about a manifest that does not parse and still returns every package', async () => {
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    try {
      ws.write('python/core/pyproject.toml', '[project\nname = "broken"\n');
      const results = await run(ws.root);
      const projects = results[0][1].projects!;
      expect(Object.keys(projects)).toHaveLength(15);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0][0]).toMatch(/^@monochange\/nx: python\/core\/pyproject\.toml:1:\d+: .*package `py-core`.*Fix:/);
      // The broken package keeps its targets, which carry the error.
      expect(projects['python/core'].targets!.publish).toMatchObject({
        executor: '@monochange/nx:publish',
        metadata: { manifestError: expect.stringContaining('python/core/pyproject.toml') },
      });
      // Its name is unknown, so a Python package with an unmatched requirement waits for it, to be safe.
      expect(projects['python/cli'].targets!.publish.dependsOn).toEqual([{ target: 'publish', projects: ['py-core'], params: 'forward' }]);
      expect(projects['crates/cli'].targets!.publish.dependsOn).toEqual([{ target: 'publish', projects: ['acme-build', 'acme-core'], params: 'forward' }]);
    } finally {
      warn.mockRestore();
    }
  });

  it('with manifestErrors "error" reports the manifest under its file, with partial results and no stack', async () => {
    ws.write('python/core/pyproject.toml', '[project\nname = "broken"\n');
    const error = await aggregateOf(run(ws.root, { manifestErrors: 'error' }));
    expect(error.errors.map(([file]) => file)).toEqual(['python/core/pyproject.toml']);
    const cause = error.errors[0][1];
    expect(cause.name).toBe('MonochangeError');
    expect(cause.message).toMatch(/pyproject\.toml/);
    expect(cause.stack).toBe(cause.message);
    expect(error.partialResults).toHaveLength(1);
    const [file, result] = error.partialResults[0];
    expect(file).toBe('monochange.toml');
    expect(Object.keys(result.projects!)).toHaveLength(15);
  });

  it('collects one error per broken manifest', async () => {
    ws.write('go/lib/go.mod', 'go 1.19\n');
    ws.write('dart/models/pubspec.yaml', 'name: [unclosed\n');
    const error = await aggregateOf(run(ws.root, { manifestErrors: 'error' }));
    expect(error.errors.map(([file]) => file).sort()).toEqual(['dart/models/pubspec.yaml', 'go/lib/go.mod']);
    expect(Object.keys(error.partialResults[0][1].projects!)).toHaveLength(15);
  });

  it('reports an invalid plugin option under monochange.toml', async () => {
    const error = await aggregateOf(run(ws.root, { publishTargetName: '' }));
    expect(error.errors[0][1].message).toMatch(/nx\.json: plugin option `publishTargetName`/);
  });

  it('gives packages of two ecosystems in one directory (a napi package) one project with targets for each, without a warning', async () => {
    ws.write(
      'monochange.toml',
      '[package.std-jsr]\npath = "deno/std"\ntype = "deno"\n\n[package.std-npm]\npath = "deno/std"\ntype = "npm"\n\n' +
        '[package.app]\npath = "apps/app"\ntype = "npm"\n',
    );
    ws.write('deno/std/package.json', '{ "name": "@acme/std", "version": "1.0.0" }');
    ws.write('apps/app/package.json', '{ "name": "@acme/app", "version": "1.0.0", "dependencies": { "@acme/std": "^1.0.0" } }');
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    try {
      const project = (await projectsOf(ws.root))['deno/std'];
      expect(warn).not.toHaveBeenCalled();
      expect(project.tags).toEqual(['monochange', 'monochange:deno', 'monochange:npm']);
      expect(Object.keys(project.targets!).sort()).toEqual([
        'nx-release-publish',
        'placeholder-publish',
        'placeholder-publish-npm',
        'publish',
        'publish-npm',
        'readiness',
        'readiness-npm',
      ]);
      expect(project.targets!.publish.options).toEqual({ package: 'std-jsr' });
      expect(project.targets!['nx-release-publish'].options).toEqual({ package: 'std-jsr' });
      expect(project.targets!['publish-npm'].options).toEqual({ package: 'std-npm' });
      expect(project.targets!['readiness-npm'].metadata!.technologies).toEqual(['npm']);
      // A package needing the twin waits for the twin's own publish target.
      const app = (await projectsOf(ws.root))['apps/app'];
      expect(app.targets!.publish.dependsOn).toEqual([{ target: 'publish-npm', projects: ['@acme/std'], params: 'forward' }]);
    } finally {
      warn.mockRestore();
    }
  });
});

describe("createNodes and Nx's file list", () => {
  it('finds the projects Nx infers from the files Nx lists for the pattern, and asks the disk when an include/exclude in nx.json may have narrowed that list', async () => {
    const ws = tempWorkspace();
    try {
      ws.write('crates/cli/project.json', JSON.stringify({ name: 'cli-by-project-json' }));
      const listed = nxMatchedFiles(ws.root);
      const unlisted = listed.filter((file) => file !== 'crates/cli/project.json'); // e.g. git-ignored: Nx infers no project from it
      const withList = async (files: string[], plugins: unknown[] = []) =>
        (await createNodes[1](files, {}, { nxJsonConfiguration: { plugins } as CreateNodesContext['nxJsonConfiguration'], workspaceRoot: ws.root }))[0][1]
          .projects!;
      expect((await withList(listed))['crates/cli'].name).toBeUndefined(); // Nx's own project, named by project.json
      expect((await withList(unlisted))['crates/cli'].name).toBe('acme-cli');
      const narrowed = [{ plugin: '@monochange/nx', exclude: ['crates/**'] }];
      expect((await withList(['monochange.toml'], narrowed))['crates/cli'].name).toBeUndefined();
      expect((await withList(['monochange.toml'], narrowed))['packages/js-app']).not.toHaveProperty('name');
    } finally {
      ws.dispose();
    }
  });
});

describe('createNodes file reads', () => {
  it('reads each file once: the Cargo workspace root once for all crates, a package.json once for manifest and project name', async () => {
    const ws = tempWorkspace();
    const reads = new Map<string, number>();
    // The module object itself (an `import * as` namespace is a copy a spy would not reach).
    const fs = require('node:fs') as typeof Fs;
    const real = fs.readFileSync;
    const spy = jest.spyOn(fs, 'readFileSync').mockImplementation(((file: Fs.PathOrFileDescriptor, ...rest: unknown[]) => {
      if (typeof file === 'string' && file.startsWith(ws.root)) reads.set(relative(ws.root, file), (reads.get(relative(ws.root, file)) ?? 0) + 1);
      return (real as (...args: unknown[]) => unknown)(file, ...rest);
    }) as typeof fs.readFileSync);
    try {
      const results = await run(ws.root);
      expect(Object.keys(results[0][1].projects!)).toHaveLength(15);
    } finally {
      spy.mockRestore();
      ws.dispose();
    }
    expect(reads.get('monochange.toml')).toBe(1);
    expect(reads.get('Cargo.toml')).toBe(1); // four member crates inherit from it
    expect(reads.get('packages/js-app/package.json')).toBe(1); // the manifest, and the Nx project name
    expect(reads.get('packages/js-app/project.json')).toBe(1);
    expect(reads.get('crates/cli/Cargo.toml')).toBe(1);
    expect([...reads].filter(([, n]) => n !== 1)).toEqual([]);
  });

  it('gives the same projects through an explicit reader as through createNodes', async () => {
    const viaReader = nodesFromConfig('monochange.toml', {}, { workspaceRoot: FIXTURE_WORKSPACE }, memoFileReader());
    expect(viaReader).toEqual((await run(FIXTURE_WORKSPACE))[0][1]);
  });
});
