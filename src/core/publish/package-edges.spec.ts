import { join } from 'node:path';
import type { PackageConfig } from '../config/types';
import type { Manifest, ManifestDependency } from '../manifests/types';
import type { Ecosystem } from '../types';
import {
  collectPackageEdges,
  failedPrerequisites,
  findPublishCycle,
  findPublishCycles,
  formatCycle,
  ordersPublishing,
  parseDenoSpecifier,
  publishPrerequisites,
  publishSequence,
  readPackageEdges,
  type OrderEdge,
} from './package-edges';

const ROOT = '/ws';

function pkg(id: string, type: Ecosystem, path: string): PackageConfig {
  return { id, type, path } as PackageConfig; // publish settings are not read here
}

function manifest(p: PackageConfig, name: string, file: string, dependencies: ManifestDependency[], extra: Partial<Manifest> = {}): Manifest {
  const dir = join(ROOT, p.path);
  return { ecosystem: p.type, file: join(dir, file), dir, name, private: false, dependencies, ...extra };
}

const dep = (name: string, kind: ManifestDependency['kind'] = 'normal', extra: Partial<ManifestDependency> = {}): ManifestDependency => ({
  name,
  kind,
  field: extra.field ?? 'dependencies',
  ...extra,
});

describe('collectPackageEdges', () => {
  it('matches Python names after PEP 503 normalisation and keeps the dependency kind', () => {
    const core = pkg('core', 'python', 'py/core');
    const cli = pkg('cli', 'python', 'py/cli');
    const manifests = new Map([
      ['core', manifest(core, 'Acme.Core', 'pyproject.toml', [])],
      ['cli', manifest(cli, 'acme-cli', 'pyproject.toml', [dep('acme__core'), dep('ACME-core', 'optional', { field: 'optional-dependencies' })])],
    ]);
    expect(collectPackageEdges(ROOT, [core, cli], manifests)).toEqual([
      { from: 'cli', to: 'core', kind: 'normal', field: 'dependencies', sourceFile: 'py/cli/pyproject.toml' },
      { from: 'cli', to: 'core', kind: 'optional', field: 'optional-dependencies', sourceFile: 'py/cli/pyproject.toml' },
    ]);
  });

  it('keeps registries apart: a crate never matches an npm package of the same name', () => {
    const crate = pkg('shared-rs', 'cargo', 'rs/shared');
    const npm = pkg('shared-js', 'npm', 'js/shared');
    const app = pkg('app', 'npm', 'js/app');
    const manifests = new Map([
      ['shared-rs', manifest(crate, 'shared', 'Cargo.toml', [])],
      ['shared-js', manifest(npm, 'shared-js-name', 'package.json', [])],
      ['app', manifest(app, 'app', 'package.json', [dep('shared')])],
    ]);
    expect(collectPackageEdges(ROOT, [crate, npm, app], manifests)).toEqual([]);
  });

  it('resolves path dependencies by directory, whatever name the dependency uses', () => {
    const core = pkg('core', 'cargo', 'crates/core');
    const cli = pkg('cli', 'cargo', 'crates/cli');
    const manifests = new Map([
      ['core', manifest(core, 'acme-core', 'Cargo.toml', [])],
      ['cli', manifest(cli, 'acme-cli', 'Cargo.toml', [dep('renamed', 'build', { path: '../core', field: 'build-dependencies' })])],
    ]);
    expect(collectPackageEdges(ROOT, [core, cli], manifests)).toEqual([
      { from: 'cli', to: 'core', kind: 'build', field: 'build-dependencies', sourceFile: 'crates/cli/Cargo.toml' },
    ]);
  });

  it('matches Go requirements by full module path', () => {
    const lib = pkg('lib', 'go', 'go/lib');
    const app = pkg('app', 'go', 'go/app');
    const manifests = new Map([
      ['lib', manifest(lib, 'example.com/acme/lib', 'go.mod', [], { go: { modulePath: 'example.com/acme/lib', relativePath: 'go/lib' } })],
      [
        'app',
        manifest(app, 'example.com/acme/app', 'go.mod', [
          dep('example.com/acme/lib', 'normal', { field: 'require' }),
          dep('lib', 'normal', { field: 'require' }),
        ]),
      ],
    ]);
    expect(collectPackageEdges(ROOT, [lib, app], manifests)).toEqual([
      { from: 'app', to: 'lib', kind: 'normal', field: 'require', sourceFile: 'go/app/go.mod' },
    ]);
  });

  it('reads deno imports: jsr: to declared Deno packages, npm: to declared npm packages', () => {
    const std = pkg('std', 'deno', 'deno/std');
    const tool = pkg('tool', 'deno', 'deno/tool');
    const util = pkg('util', 'npm', 'js/util');
    const imports = { '@acme/std': 'jsr:@acme/std@^1/fs', util: 'npm:@acme/util@^2', same: 'npm:@acme/std@1' };
    const manifests = new Map([
      ['std', manifest(std, '@acme/std', 'deno.json', [])],
      ['util', manifest(util, '@acme/util', 'package.json', [])],
      // The manifest reader lists jsr imports as bare names; the import map keeps the prefixes.
      ['tool', manifest(tool, '@acme/tool', 'deno.json', [dep('@acme/std', 'normal', { field: 'imports' })], { deno: { fileName: 'deno.json', imports } })],
    ]);
    expect(collectPackageEdges(ROOT, [std, tool, util], manifests).map((e) => `${e.from}->${e.to}:${e.field}`)).toEqual([
      'tool->std:imports',
      'tool->util:imports',
    ]);
  });

  it('drops self-dependencies and reads no edges out of a package without a manifest', () => {
    const a = pkg('a', 'dart', 'a');
    const b = pkg('b', 'dart', 'b');
    const manifests = new Map([['a', manifest(a, 'a_pkg', 'pubspec.yaml', [dep('a_pkg')])]]);
    expect(collectPackageEdges(ROOT, [a, b], manifests)).toEqual([]);
  });
});

describe('collectPackageEdges with an unreadable manifest', () => {
  it('orders an unmatched same-registry dependency after the unreadable package, marked uncertain', () => {
    const broken = pkg('broken', 'cargo', 'crates/broken');
    const cli = pkg('cli', 'cargo', 'crates/cli');
    const lonely = pkg('lonely', 'cargo', 'crates/lonely');
    const web = pkg('web', 'npm', 'js/web');
    const manifests = new Map([
      ['cli', manifest(cli, 'cli', 'Cargo.toml', [dep('serde'), dep('testkit', 'dev', { field: 'dev-dependencies' })])],
      ['lonely', manifest(lonely, 'lonely', 'Cargo.toml', [dep('b', 'normal', { path: '../broken' })])],
      ['web', manifest(web, 'web', 'package.json', [dep('react')])],
    ]);
    expect(collectPackageEdges(ROOT, [broken, cli, lonely, web], manifests)).toEqual([
      { from: 'lonely', to: 'broken', kind: 'normal', field: 'dependencies', sourceFile: 'crates/lonely/Cargo.toml' },
      { from: 'cli', to: 'broken', kind: 'normal', field: 'dependencies', sourceFile: 'crates/cli/Cargo.toml', uncertain: true },
      { from: 'cli', to: 'broken', kind: 'dev', field: 'dev-dependencies', sourceFile: 'crates/cli/Cargo.toml', uncertain: true },
    ]);
  });
});

describe('parseDenoSpecifier', () => {
  it.each([
    ['jsr:@std/path@^1', { ns: 'jsr', name: '@std/path' }],
    ['jsr:/@std/path@^1/', { ns: 'jsr', name: '@std/path' }],
    ['npm:left-pad@1.3.0', { ns: 'npm', name: 'left-pad' }],
    ['npm:@types/node', { ns: 'npm', name: '@types/node' }],
    ['https://deno.land/x/oak/mod.ts', undefined],
    ['./local.ts', undefined],
  ])('%s', (spec, expected) => {
    expect(parseDenoSpecifier(spec)).toEqual(expected);
  });
});

const e = (from: string, to: string, kind: OrderEdge['kind'] = 'normal'): OrderEdge => ({ from, to, kind });

describe('publishPrerequisites', () => {
  it('lists the run/build dependencies of each package, sorted, without dev ones or self-edges', () => {
    const ids = ['app', 'core', 'macros', 'testkit'];
    const edges = [
      e('app', 'macros', 'build'),
      e('app', 'core'),
      e('app', 'testkit', 'dev'),
      e('core', 'core'),
      e('testkit', 'app', 'peer'),
      e('app', 'core', 'optional'),
      e('app', 'not-declared'),
    ];
    expect(Object.fromEntries(publishPrerequisites(ids, edges))).toEqual({
      app: ['core', 'macros'],
      core: [],
      macros: [],
      testkit: ['app'],
    });
  });

  it('treats only dev dependencies as not ordering publishing', () => {
    expect(['normal', 'build', 'optional', 'peer'].every((k) => ordersPublishing(k as OrderEdge['kind']))).toBe(true);
    expect(ordersPublishing('dev')).toBe(false);
  });
});

describe('findPublishCycle', () => {
  it('finds nothing in a DAG', () => {
    const ids = ['a', 'b', 'c', 'd'];
    expect(findPublishCycle(ids, [e('a', 'b'), e('a', 'c'), e('b', 'd'), e('c', 'd', 'build')])).toBeNull();
  });

  it('ignores a cycle that goes through a dev-only dependency', () => {
    expect(findPublishCycle(['a', 'b'], [e('a', 'b'), e('b', 'a', 'dev')])).toBeNull();
  });

  it('finds a run-time cycle with its path', () => {
    const cycle = findPublishCycle(['a', 'b', 'c'], [e('a', 'b'), e('b', 'a'), e('c', 'a')]);
    expect(cycle).toEqual(['a', 'b', 'a']);
    expect(formatCycle(cycle!)).toBe('a -> b -> a');
  });

  it('reports a longer build cycle from its smallest id, following the edges', () => {
    const edges = [e('zeta', 'alpha', 'build'), e('alpha', 'mid'), e('mid', 'zeta'), e('mid', 'leaf')];
    expect(findPublishCycle(['alpha', 'leaf', 'mid', 'zeta'], edges)).toEqual(['alpha', 'mid', 'zeta', 'alpha']);
  });

  it('reports one shortest cycle per group of mutually dependent packages', () => {
    const edges = [e('a', 'b'), e('b', 'c'), e('c', 'a'), e('b', 'a'), e('x', 'y', 'peer'), e('y', 'x', 'optional')];
    expect(findPublishCycles(['a', 'b', 'c', 'x', 'y'], edges)).toEqual([
      ['a', 'b', 'a'],
      ['x', 'y', 'x'],
    ]);
  });

  it('handles long dependency chains without recursion limits', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => `p${String(i).padStart(5, '0')}`);
    const chain = ids.slice(1).map((id, i) => e(id, ids[i]));
    expect(findPublishCycle(ids, chain)).toBeNull();
    expect(findPublishCycle(ids, [...chain, e(ids[0], ids[ids.length - 1])])).toHaveLength(ids.length + 1);
  });
});

describe('publishSequence', () => {
  it('puts dependencies first, ties by id, and the packages of a cycle last, by id', () => {
    const edges = [e('p0', 'p3'), e('p3', 'p4'), e('p1', 'p2'), e('p2', 'p1'), e('p4', 'p0', 'dev')];
    expect(publishSequence(['p4', 'p3', 'p2', 'p1', 'p0'], edges)).toEqual(['p4', 'p3', 'p0', 'p1', 'p2']);
  });

  it('orders after peer dependencies, never after dev ones', () => {
    expect(publishSequence(['a', 'b'], [e('a', 'b', 'peer')])).toEqual(['b', 'a']);
    expect(publishSequence(['a', 'b'], [e('a', 'b', 'dev')])).toEqual(['a', 'b']);
  });
});

describe('failedPrerequisites (blocked-by)', () => {
  const ids = ['app', 'cli', 'core', 'lib', 'tool', 'web'];
  // app → web → core, web → lib; cli → core (dev only); tool → app
  const edges = [e('app', 'web'), e('web', 'core'), e('web', 'lib', 'build'), e('cli', 'core', 'dev'), e('tool', 'app')];

  it('names the failed packages a package had to publish after, through packages that did not fail', () => {
    const blockedBy = failedPrerequisites(ids, edges, ['core', 'lib']);
    expect(blockedBy('app')).toEqual(['core', 'lib']);
    expect(blockedBy('web')).toEqual(['core', 'lib']);
  });

  it('stops at a failed package: its own failed dependencies did not block the dependent', () => {
    expect(failedPrerequisites(ids, edges, ['web', 'core'])('tool')).toEqual(['web']);
  });

  it('ignores dev-only dependencies (they never made Nx wait) and unrelated failures', () => {
    const blockedBy = failedPrerequisites(ids, edges, ['core']);
    expect(blockedBy('cli')).toEqual([]);
    expect(blockedBy('lib')).toEqual([]);
  });
});

describe('readPackageEdges', () => {
  it('reads every declared manifest; one that cannot be read gives uncertain edges, as in the plugin graph', () => {
    const core = pkg('core', 'cargo', 'crates/core');
    const cli = pkg('cli', 'cargo', 'crates/cli');
    const ghost = pkg('ghost', 'cargo', 'crates/ghost');
    const read = (_root: string, p: PackageConfig): Manifest => {
      if (p.id === 'ghost') throw new Error('no Cargo.toml');
      return manifest(p, `acme-${p.id}`, 'Cargo.toml', p.id === 'cli' ? [dep('acme-core'), dep('serde')] : []);
    };
    expect(readPackageEdges({ root: ROOT, packages: [core, cli, ghost] }, read)).toEqual([
      { from: 'cli', to: 'core', kind: 'normal', field: 'dependencies', sourceFile: 'crates/cli/Cargo.toml' },
      { from: 'cli', to: 'ghost', kind: 'normal', field: 'dependencies', sourceFile: 'crates/cli/Cargo.toml', uncertain: true },
    ]);
  });
});
