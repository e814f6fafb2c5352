import { join } from 'node:path';
import type { PackageConfig } from '../config/types';
import type { Manifest, ManifestDependency } from '../manifests/types';
import type { Ecosystem } from '../types';
import { collectPackageEdges, parseDenoSpecifier } from './package-edges';

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
