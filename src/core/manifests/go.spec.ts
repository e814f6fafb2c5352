import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MonochangeError } from '../errors';
import { readGoManifest } from './go';

const FIXTURE = path.join(__dirname, '__fixtures__', 'workspace');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-go-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let counter = 0;
function goMod(text: string, dir = ''): string {
  const root = path.join(tmp, String(counter++));
  fs.mkdirSync(path.join(root, dir), { recursive: true });
  fs.writeFileSync(path.join(root, dir, 'go.mod'), text);
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

describe('readGoManifest', () => {
  it('reads the root module: full module path as name, empty relative path, no version', () => {
    const m = readGoManifest(FIXTURE, '.', 'go-root');
    expect(m).toMatchObject({ ecosystem: 'go', name: 'github.com/example/fixture', version: undefined, private: false, dependencies: [] });
    expect(m.go).toEqual({ modulePath: 'github.com/example/fixture', relativePath: '', goVersion: '1.19' });
  });

  it('reads a nested module with a capital letter, a require block and a local replace', () => {
    const m = readGoManifest(FIXTURE, 'sdk/Api');
    expect(m.name).toBe('github.com/example/fixture/sdk/Api');
    expect(m.go?.relativePath).toBe('sdk/Api');
    expect(m.dependencies).toEqual([
      { name: 'github.com/example/fixture', kind: 'normal', field: 'require', versionReq: 'v0.1.0', path: '../..' },
      { name: 'golang.org/x/text', kind: 'normal', field: 'require', versionReq: 'v0.14.0' },
    ]);
  });

  it('reads single-line requires, quoted paths, versioned and module replaces', () => {
    const root = goMod(
      'module "example.com/a/v2" // comment\n\ngo 1.22.1\ntoolchain go1.22.1\n' +
        'require example.com/b v1.0.0\nrequire `example.com/c` v2.0.0+incompatible\n' +
        'replace example.com/b v1.0.0 => ./b\nreplace example.com/c => example.com/fork v2.1.0\n' +
        'exclude (\n\texample.com/d v0.1.0\n)\n',
    );
    const m = readGoManifest(root, '');
    expect(m.name).toBe('example.com/a/v2');
    expect(m.go?.goVersion).toBe('1.22.1');
    expect(m.dependencies).toEqual([
      { name: 'example.com/b', kind: 'normal', field: 'require', versionReq: 'v1.0.0', path: './b' },
      { name: 'example.com/c', kind: 'normal', field: 'require', versionReq: 'v2.0.0+incompatible' },
    ]);
  });

  it('does not apply a replace pinned to another version', () => {
    const root = goMod('module example.com/a\nrequire example.com/b v1.0.0\nreplace example.com/b v0.9.0 => ../b\n');
    expect(readGoManifest(root, '').dependencies[0].path).toBeUndefined();
  });

  it('errors on a missing go.mod', () => {
    const root = goMod('module example.com/a\n');
    expect(errorOf(() => readGoManifest(root, 'nested', 'n')).details).toMatchObject({ code: 'manifest.missing', file: 'nested/go.mod' });
  });

  it('errors when the module directive is missing or repeated', () => {
    const e = errorOf(() => readGoManifest(goMod('go 1.22\n'), '', 'g'));
    expect(e.details).toMatchObject({ code: 'manifest.missing-field', key: 'module', file: 'go.mod' });
    expect(errorOf(() => readGoManifest(goMod('module a\nmodule b\n'), '')).details.line).toBe(2);
  });

  it('errors with a line number on syntax problems', () => {
    expect(errorOf(() => readGoManifest(goMod('module example.com/a\nrequire (\n\texample.com/b v1.0.0\n'), '')).details).toMatchObject({
      code: 'manifest.syntax',
      line: 2,
    });
    expect(errorOf(() => readGoManifest(goMod('module example.com/a\nrequire example.com/b\n'), '')).details.line).toBe(2);
    expect(errorOf(() => readGoManifest(goMod('module example.com/a\n\nreplace example.com/b\n'), '')).details.line).toBe(3);
    expect(errorOf(() => readGoManifest(goMod('module "example.com/a\n'), '')).details).toMatchObject({ line: 1, column: 8 });
    expect(errorOf(() => readGoManifest(goMod('module example.com/a\n=> x\n'), '')).details.line).toBe(2);
  });
});
