import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MonochangeError } from '../errors';
import { parseJsrSpecifier, readDenoManifest } from './deno';

const FIXTURE = path.join(__dirname, '__fixtures__', 'workspace');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-deno-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let counter = 0;
function workspace(files: Record<string, string>): string {
  const root = path.join(tmp, String(counter++));
  fs.mkdirSync(root, { recursive: true });
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

function errorOf(fn: () => unknown): MonochangeError {
  try {
    fn();
  } catch (error) {
    if (error instanceof MonochangeError) return error;
    throw error;
  }
  throw new Error('expected a MonochangeError');
}

describe('readDenoManifest', () => {
  it('reads deno.json from the fixture', () => {
    const m = readDenoManifest(FIXTURE, 'deno/std-ext');
    expect(m).toMatchObject({ ecosystem: 'deno', name: '@fixture/std-ext', version: '0.2.0', private: false, dependencies: [] });
    expect(m.deno).toEqual({ fileName: 'deno.json', exports: './mod.ts', imports: undefined });
  });

  it('reads deno.jsonc with comments and trailing commas; jsr: imports become dependencies, npm: and URLs do not', () => {
    const m = readDenoManifest(FIXTURE, 'deno/cli', 'deno-cli');
    expect(m.name).toBe('@fixture/deno-cli');
    expect(m.deno?.fileName).toBe('deno.jsonc');
    expect(m.deno?.imports?.remote).toBe('https://deno.land/x/remote@1.0.0/mod.ts');
    expect(m.dependencies).toEqual([
      { name: '@fixture/std-ext', kind: 'normal', field: 'imports', versionReq: '^0.2.0' },
      { name: '@std/path', kind: 'normal', field: 'imports', versionReq: '^1.0.8' },
    ]);
  });

  it('prefers deno.json over deno.jsonc over jsr.json', () => {
    const both = workspace({ 'deno.jsonc': '{"name": "@a/jsonc"}', 'jsr.json': '{"name": "@a/jsr"}' });
    expect(readDenoManifest(both, '').name).toBe('@a/jsonc');
    const jsr = workspace({ 'jsr.json': '{"name": "@a/jsr", "version": "1.0.0", "exports": "./mod.ts"}' });
    expect(readDenoManifest(jsr, '').deno?.fileName).toBe('jsr.json');
  });

  it('is never private', () => {
    const root = workspace({ 'deno.json': '{"name": "@a/b", "private": true}' });
    expect(readDenoManifest(root, '').private).toBe(false);
  });

  it('errors when no candidate file exists, listing all three', () => {
    const root = workspace({});
    const e = errorOf(() => readDenoManifest(root, 'x', 'x'));
    expect(e.details.code).toBe('manifest.missing');
    expect(e.message).toContain('deno.json, deno.jsonc, jsr.json');
  });

  it('errors on a missing name', () => {
    const root = workspace({ 'deno.json': '{"version": "1.0.0"}' });
    expect(errorOf(() => readDenoManifest(root, '')).details).toMatchObject({ key: 'name', file: 'deno.json' });
  });

  it('errors on a bad version and on non-string imports', () => {
    const a = workspace({ 'deno.json': '{"name": "@a/b", "version": "one"}' });
    expect(errorOf(() => readDenoManifest(a, '')).details.key).toBe('version');
    const b = workspace({ 'deno.json': '{"name": "@a/b", "imports": {"x": 1}}' });
    expect(errorOf(() => readDenoManifest(b, '')).details.key).toBe('imports.x');
  });

  it('reports JSONC syntax errors at the original line', () => {
    const root = workspace({ 'deno.jsonc': '{\n  // comment\n  "name": "@a/b"\n  "version": "1.0.0"\n}' });
    const e = errorOf(() => readDenoManifest(root, ''));
    expect(e.details).toMatchObject({ code: 'manifest.syntax', file: 'deno.jsonc', line: 4 });
  });
});

describe('parseJsrSpecifier', () => {
  it.each([
    ['jsr:@scope/pkg@^1', { name: '@scope/pkg', versionReq: '^1' }],
    ['jsr:@scope/pkg', { name: '@scope/pkg', versionReq: undefined }],
    ['jsr:/@std/path@1.0.0/posix', { name: '@std/path', versionReq: '1.0.0' }],
    ['jsr:@std/path/', { name: '@std/path', versionReq: undefined }],
    ['npm:@scope/pkg@1', undefined],
    ['jsr:pkg@1', undefined],
    ['./local.ts', undefined],
  ])('%s', (input, expected) => {
    expect(parseJsrSpecifier(input)).toEqual(expected);
  });
});
