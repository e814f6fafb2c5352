import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'smol-toml';
import { MonochangeError } from '../errors';
import type { Ecosystem } from '../types';
import type { PackageConfig } from '../config/types';
import { collectPackageEdges, ordersPublishing } from '../publish/package-edges';
import { manifestPathFor, readManifest, type Manifest } from './index';

const FIXTURE = path.join(__dirname, '__fixtures__', 'workspace');

/** The fixture's monochange.toml, read directly so this spec does not depend on the config module. */
function declaredPackages(): { id: string; path: string; type: Ecosystem }[] {
  const toml = parse(fs.readFileSync(path.join(FIXTURE, 'monochange.toml'), 'utf8')) as {
    package: Record<string, { path: string; type: Ecosystem }>;
  };
  return Object.entries(toml.package).map(([id, p]) => ({ id, path: p.path, type: p.type }));
}

describe('readManifest over the fixture workspace', () => {
  const packages = declaredPackages();
  const manifests = new Map<string, Manifest>(packages.map((p) => [p.id, readManifest(FIXTURE, p)]));

  it('declares every ecosystem and reads every declared package', () => {
    expect(new Set(packages.map((p) => p.type))).toEqual(new Set(['cargo', 'npm', 'deno', 'dart', 'flutter', 'python', 'go']));
    expect([...manifests.entries()].map(([id, m]) => [id, m.ecosystem, m.name])).toEqual([
      ['fixture-core', 'cargo', 'fixture-core'],
      ['build-helper', 'cargo', 'fixture-build-helper'],
      ['fixture-cli', 'cargo', 'fixture-cli'],
      ['ui', 'npm', '@fixture/ui'],
      ['web', 'npm', '@fixture/web'],
      ['std-ext', 'deno', '@fixture/std-ext'],
      ['deno-cli', 'deno', '@fixture/deno-cli'],
      ['fixture_models', 'dart', 'fixture_models'],
      ['fixture_app', 'flutter', 'fixture_app'],
      ['py-core', 'python', 'Fixture_Py_Core'],
      ['py-cli', 'python', 'fixture-py-cli'],
      ['go-root', 'go', 'github.com/example/fixture'],
      ['go-api', 'go', 'github.com/example/fixture/sdk/Api'],
    ]);
  });

  it('each file is the one manifestPathFor names', () => {
    for (const p of packages) expect(manifests.get(p.id)?.file).toBe(manifestPathFor(FIXTURE, p));
  });

  it('wires the workspace packages to each other through publish-ordering dependencies', () => {
    const edges = collectPackageEdges(FIXTURE, packages as PackageConfig[], manifests)
      .filter((e) => ordersPublishing(e.kind) && !e.uncertain)
      .map((e) => `${e.from} -> ${e.to}`);
    expect([...new Set(edges)].sort()).toEqual([
      'deno-cli -> std-ext',
      'deno-cli -> ui', // an `npm:` import in deno.json reaches the npm package
      'fixture-cli -> build-helper',
      'fixture-cli -> fixture-core',
      'fixture_app -> fixture_models',
      'go-api -> go-root',
      'py-cli -> py-core',
      'web -> ui',
    ]);
  });
});

describe('manifestPathFor', () => {
  it('names the per-ecosystem file, and the deno file that exists', () => {
    expect(manifestPathFor(FIXTURE, { path: 'crates/cli', type: 'cargo' })).toBe(path.join(FIXTURE, 'crates/cli/Cargo.toml'));
    expect(manifestPathFor(FIXTURE, { path: 'deno/cli', type: 'deno' })).toBe(path.join(FIXTURE, 'deno/cli/deno.jsonc'));
    expect(manifestPathFor(FIXTURE, { path: 'missing', type: 'deno' })).toBe(path.join(FIXTURE, 'missing/deno.json'));
    expect(manifestPathFor(FIXTURE, { path: 'dart/fixture_app', type: 'flutter' })).toBe(path.join(FIXTURE, 'dart/fixture_app/pubspec.yaml'));
    expect(manifestPathFor(FIXTURE, { path: '', type: 'go' })).toBe(path.join(FIXTURE, 'go.mod'));
  });
});

describe('readManifest errors', () => {
  it('renders a missing manifest as one clear line with the file, package id and fix', () => {
    let error: unknown;
    try {
      readManifest(FIXTURE, { id: 'ghost', path: 'crates/ghost', type: 'cargo' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MonochangeError);
    expect((error as Error).message).toBe(
      'crates/ghost/Cargo.toml: no Cargo.toml found for this cargo package (package `ghost`). ' +
        'Fix: create Cargo.toml in crates/ghost, or make `path` of [package.ghost] in monochange.toml point at the directory that holds it',
    );
  });

  it('rejects an unknown type with the list of types', () => {
    expect(() => readManifest(FIXTURE, { id: 'x', path: '.', type: 'maven' as Ecosystem })).toThrow(/unknown package type `maven`.*cargo/);
  });
});
