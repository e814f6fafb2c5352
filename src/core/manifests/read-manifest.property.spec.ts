import * as fc from 'fast-check';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify as tomlStringify } from 'smol-toml';
import { stringify as yamlStringify } from 'yaml';
import { isMonochangeError } from '../errors';
import type { Ecosystem } from '../types';
import { readManifest } from './index';

/**
 * Whatever a manifest says, reading it gives a Manifest or a MonochangeError (naming the file, with
 * a fix): never a TypeError or another crash. Manifests are generated per ecosystem from the keys
 * the readers look at, with values of every shape, plus arbitrary text.
 */

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-manifest-prop-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

let case_ = 0;
/** Writes the files into a fresh workspace and reads the package at `pkg/`. */
function readOutcome(type: Ecosystem, files: Record<string, string>): 'ok' | 'user-error' {
  const ws = path.join(root, `case-${case_++}`);
  fs.mkdirSync(path.join(ws, 'pkg'), { recursive: true });
  for (const [rel, text] of Object.entries(files)) fs.writeFileSync(path.join(ws, rel), text);
  try {
    readManifest(ws, { id: 'generated', path: 'pkg', type });
    return 'ok';
  } catch (error) {
    if (!isMonochangeError(error)) throw error;
    expect(error.details.fix || error.details.file || error.message).toBeTruthy();
    return 'user-error';
  } finally {
    fs.rmSync(ws, { recursive: true, force: true });
  }
}

const scalar = fc.oneof(
  fc.boolean(),
  fc.integer({ min: -3, max: 3 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(
    '1.2.3',
    '0.0.0',
    'v1.0.0',
    '^1.0',
    '*',
    'workspace:*',
    'none',
    '',
    'MIT',
    'LICENSE',
    './x',
    '../y',
    '@scope/name',
    'name',
    'not a version',
    'https://x',
  ),
  fc.string({ maxLength: 12 }),
);

function value(keys: fc.Arbitrary<string>) {
  return fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, scalar, fc.array(scalar, { maxLength: 3 }), tie('table')),
    table: fc.dictionary(keys, tie('node'), { maxKeys: 4 }),
  })).node;
}

const jsonValue = (keys: fc.Arbitrary<string>) =>
  fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, scalar, fc.constant(null), fc.array(tie('node'), { maxLength: 3 }), tie('table')),
    table: fc.dictionary(keys, tie('node'), { maxKeys: 4 }),
  })).node;

/** TOML text of a document, or undefined when TOML cannot express it. */
function toml(doc: unknown): string | undefined {
  try {
    return tomlStringify(doc as Record<string, unknown>);
  } catch {
    return undefined;
  }
}

const runs = { numRuns: 120, seed: 20250101 };

/** A valid manifest with some fields replaced by generated values (or removed). */
function mutated<T extends Record<string, unknown>>(base: T, keys: fc.Arbitrary<string>, values: fc.Arbitrary<unknown>) {
  return fc.tuple(fc.dictionary(keys, values, { maxKeys: 3 }), fc.subarray(Object.keys(base), { maxLength: 1 })).map(([over, drop]) => {
    const doc: Record<string, unknown> = { ...base, ...over };
    for (const k of drop) delete doc[k];
    return doc;
  });
}

/** Counts of successful reads: the generators must reach the readers' deeper code, not only fail early. */
const ok: Record<string, number> = {};
function expectSomeOk(type: string) {
  expect(ok[type] ?? 0).toBeGreaterThan(10);
}

describe('readManifest on generated manifests', () => {
  it('npm: package.json', () => {
    const keys = fc.constantFrom(
      'name',
      'version',
      'private',
      'dependencies',
      'devDependencies',
      'peerDependencies',
      'optionalDependencies',
      'publishConfig',
      'repository',
      'workspaces',
      'packageManager',
    );
    const inner = fc.constantFrom('@acme/dep', 'dep', 'url', 'access', 'registry', 'type', 'directory');
    const doc = mutated({ name: '@acme/web', version: '1.2.3', dependencies: { dep: '^1.0.0' } }, keys, jsonValue(inner));
    fc.assert(
      fc.property(doc, jsonValue(keys), (pkg, rootPkg) => {
        if (readOutcome('npm', { 'pkg/package.json': JSON.stringify(pkg), 'package.json': JSON.stringify(rootPkg) }) === 'ok') ok.npm = (ok.npm ?? 0) + 1;
      }),
      runs,
    );
    expectSomeOk('npm');
  });

  it('cargo: Cargo.toml, with a generated workspace root', () => {
    const keys = fc.constantFrom('name', 'version', 'publish', 'license', 'license-file', 'edition', 'description', 'repository', 'readme');
    const inner = fc.constantFrom('workspace', 'version', 'path', 'features', 'optional', 'package', 'serde', 'members', 'dependencies');
    const pkg = mutated({ name: 'acme-core', version: '1.2.3', license: 'MIT' }, keys, value(inner));
    const deps = fc.dictionary(fc.constantFrom('serde', 'acme-util', 'a-b'), value(inner), { maxKeys: 3 });
    const ws = fc.dictionary(fc.constantFrom('workspace', 'package'), value(inner), { maxKeys: 2 });
    fc.assert(
      fc.property(pkg, deps, fc.constantFrom('dependencies', 'dev-dependencies', 'build-dependencies', 'target'), ws, (p, d, field, w) => {
        const crateText = toml({ package: p, [field]: d });
        const wsText = toml(w);
        fc.pre(crateText !== undefined && wsText !== undefined);
        if (readOutcome('cargo', { 'pkg/Cargo.toml': crateText!, 'Cargo.toml': wsText! }) === 'ok') ok.cargo = (ok.cargo ?? 0) + 1;
      }),
      runs,
    );
    expectSomeOk('cargo');
  });

  it('deno: deno.json / deno.jsonc', () => {
    const keys = fc.constantFrom('name', 'version', 'exports', 'imports', 'publish', 'workspace');
    const inner = fc.constantFrom('.', './mod.ts', 'jsr:@std/path@1', '@std/path', 'npm:chalk@5', 'include');
    const doc = mutated({ name: '@acme/std', version: '0.1.0', exports: './mod.ts', imports: { '@std/path': 'jsr:@std/path@^1' } }, keys, jsonValue(inner));
    fc.assert(
      fc.property(doc, fc.boolean(), (d, jsonc) => {
        const text = JSON.stringify(d, null, 2);
        const files: Record<string, string> = jsonc ? { 'pkg/deno.jsonc': `// generated\n${text.replace(/\n}$/, ',\n}')}` } : { 'pkg/deno.json': text };
        if (readOutcome('deno', files) === 'ok') ok.deno = (ok.deno ?? 0) + 1;
      }),
      runs,
    );
    expectSomeOk('deno');
  });

  it('dart: pubspec.yaml', () => {
    const keys = fc.constantFrom('name', 'version', 'publish_to', 'description', 'repository', 'dependencies', 'dev_dependencies', 'environment', 'flutter');
    const inner = fc.constantFrom('sdk', 'flutter', 'path', 'hosted', 'http', 'version', 'url');
    const doc = mutated({ name: 'acme', version: '1.0.0', environment: { sdk: '^3.0.0' }, dependencies: { http: '^1.0.0' } }, keys, jsonValue(inner));
    fc.assert(
      fc.property(doc, fc.constantFrom<Ecosystem>('dart', 'flutter'), (d, type) => {
        if (readOutcome(type, { 'pkg/pubspec.yaml': yamlStringify(d) }) === 'ok') ok.dart = (ok.dart ?? 0) + 1;
      }),
      runs,
    );
    expectSomeOk('dart');
  });

  it('python: pyproject.toml (PEP 621 and Poetry)', () => {
    const keys = fc.constantFrom('name', 'version', 'dynamic', 'dependencies', 'optional-dependencies', 'readme', 'requires-python');
    const inner = fc.constantFrom('requests>=2', 'dev', 'python', 'group', 'file', 'text', 'version');
    const project = mutated({ name: 'Acme_Lib', version: '1.0.0', dependencies: ['requests>=2', 'click; python_version > "3.8"'] }, keys, value(inner));
    const poetry = mutated({ name: 'acme-lib', version: '1.0.0', dependencies: { python: '^3.10', requests: '*' } }, keys, value(inner));
    fc.assert(
      fc.property(
        fc.oneof(
          project.map((p) => ({ project: p })),
          poetry.map((p) => ({ tool: { poetry: p } })),
        ),
        (d) => {
          const text = toml(d);
          fc.pre(text !== undefined);
          if (readOutcome('python', { 'pkg/pyproject.toml': text! }) === 'ok') ok.python = (ok.python ?? 0) + 1;
        },
      ),
      runs,
    );
    expectSomeOk('python');
  });

  it('go: go.mod', () => {
    const line = fc.oneof(
      fc.constantFrom(
        'module example.com/acme/mod',
        'module',
        'go 1.22',
        'go',
        'require (',
        ')',
        'replace (',
        'exclude x v1',
        'toolchain go1.22.0',
        '// comment',
        '',
      ),
      fc
        .tuple(
          fc.constantFrom('require', 'replace', 'module', '\t'),
          fc.constantFrom('example.com/x', 'github.com/a/b/v2', '"quoted"', '=>', './local', 'v1.2.3', 'v0.0.0-2020'),
          fc.string({ maxLength: 8 }),
        )
        .map((parts) => parts.join(' ')),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), (lines) => {
        if (readOutcome('go', { 'pkg/go.mod': ['module example.com/acme/mod', ...lines].join('\n') }) === 'ok') ok.go = (ok.go ?? 0) + 1;
      }),
      runs,
    );
    expectSomeOk('go');
  });

  it('every ecosystem: arbitrary text', () => {
    const files: Record<Ecosystem, string> = {
      npm: 'pkg/package.json',
      cargo: 'pkg/Cargo.toml',
      deno: 'pkg/deno.json',
      dart: 'pkg/pubspec.yaml',
      flutter: 'pkg/pubspec.yaml',
      python: 'pkg/pyproject.toml',
      go: 'pkg/go.mod',
    };
    fc.assert(
      fc.property(fc.constantFrom<Ecosystem>('npm', 'cargo', 'deno', 'dart', 'flutter', 'python', 'go'), fc.string({ maxLength: 200 }), (type, text) => {
        readOutcome(type, { [files[type]]: text });
      }),
      { numRuns: 300, seed: 20250102 },
    );
  });

  it('every ecosystem: a missing manifest is a MonochangeError', () => {
    for (const type of ['npm', 'cargo', 'deno', 'dart', 'flutter', 'python', 'go'] as const) expect(readOutcome(type, {})).toBe('user-error');
  });
});
