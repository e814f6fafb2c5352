import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MonochangeError } from '../errors';
import { readNpmManifest } from './npm';

const FIXTURE = path.join(__dirname, '__fixtures__', 'workspace');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-npm-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let counter = 0;
/** A fresh workspace dir holding `files` (relative path → content). */
function workspace(files: Record<string, string>): string {
  const root = path.join(tmp, String(counter++));
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

describe('readNpmManifest', () => {
  it('reads name, version, dependencies by kind and pnpm as manager from the fixture', () => {
    const m = readNpmManifest(FIXTURE, 'packages/web', 'web');
    expect(m).toMatchObject({
      ecosystem: 'npm',
      name: '@fixture/web',
      version: '2.0.0-beta.1',
      private: false,
      file: path.join(FIXTURE, 'packages/web/package.json'),
      dir: path.join(FIXTURE, 'packages/web'),
    });
    expect(m.dependencies).toEqual([
      { name: '@fixture/ui', kind: 'normal', field: 'dependencies', versionReq: 'workspace:^' },
      { name: 'fsevents', kind: 'optional', field: 'optionalDependencies', versionReq: '^2.3.3' },
      { name: 'typescript', kind: 'dev', field: 'devDependencies', versionReq: '^5.9.3' },
    ]);
    expect(m.npm?.manager).toBe('pnpm');
    expect(m.npm?.repositoryUrl).toBe('github:example/fixture');
    expect(m.npm?.json.name).toBe('@fixture/web');
  });

  it('detects the package manager once, when first asked: reading the manifest alone does not look for lock files', () => {
    const root = workspace({ 'package.json': '{"private":true}', 'packages/a/package.json': '{"name":"a","version":"1.0.0"}' });
    const m = readNpmManifest(root, 'packages/a');
    fs.writeFileSync(path.join(root, 'yarn.lock'), ''); // appears after the read, before the first question
    expect(m.npm?.manager).toBe('yarn');
    fs.writeFileSync(path.join(root, 'bun.lock'), '');
    expect(m.npm?.manager).toBe('yarn'); // remembered
    // A plain value wherever the manifest is copied, compared or serialised.
    expect({ ...m.npm }.manager).toBe('yarn');
    expect(JSON.parse(JSON.stringify(m)).npm.manager).toBe('yarn');
    expect(m.npm).toEqual(expect.objectContaining({ manager: 'yarn' }));
    m.npm!.manager = 'pnpm';
    expect(m.npm?.manager).toBe('pnpm');
  });

  it('keeps catalog: ranges verbatim, reads peer deps, repository.url and publishConfig', () => {
    const m = readNpmManifest(FIXTURE, 'packages/ui');
    expect(m.dependencies).toEqual([
      { name: 'react', kind: 'peer', field: 'peerDependencies', versionReq: 'catalog:' },
      { name: 'react', kind: 'dev', field: 'devDependencies', versionReq: 'catalog:' },
    ]);
    expect(m.npm?.repositoryUrl).toBe('git+https://github.com/example/fixture.git');
    expect(m.npm?.publishConfig).toEqual({ access: 'public' });
  });

  it('marks "private": true packages private with a reason and allows a missing version', () => {
    const m = readNpmManifest(FIXTURE, '.');
    expect(m.private).toBe(true);
    expect(m.privateReason).toContain('"private": true');
    expect(m.version).toBeUndefined();
  });

  it('treats a truthy "private" as npm does: the string "true" is private, false and "" are not', () => {
    for (const [value, isPrivate] of [
      ['true', true],
      ['false', true],
      [1, true],
      [false, false],
      ['', false],
    ] as const) {
      const root = workspace({ 'package.json': JSON.stringify({ name: 'a', version: '1.0.0', private: value }) });
      const m = readNpmManifest(root, '.');
      expect(m.private).toBe(isPrivate);
      if (isPrivate) expect(m.privateReason).toBe(`package.json sets "private": ${JSON.stringify(value)}`);
    }
  });

  it('binds npm: aliases to the real package and file: ranges to a path', () => {
    const root = workspace({
      'package.json': JSON.stringify({
        name: 'a',
        version: '1.0.0',
        dependencies: { alias: 'npm:@scope/real@^2', local: 'file:../local' },
      }),
    });
    expect(readNpmManifest(root, '').dependencies).toEqual([
      { name: '@scope/real', kind: 'normal', field: 'dependencies', versionReq: 'npm:@scope/real@^2' },
      { name: 'local', kind: 'normal', field: 'dependencies', versionReq: 'file:../local', path: '../local' },
    ]);
  });

  it('errors on a missing package.json, naming the file and the config path to fix', () => {
    const root = workspace({ 'other/x.txt': '' });
    const e = errorOf(() => readNpmManifest(root, 'pkgs/a', 'a'));
    expect(e.details).toMatchObject({ code: 'manifest.missing', file: 'pkgs/a/package.json' });
    expect(e.message).toContain('package `a`');
    expect(e.message).toContain('[package.a]');
  });

  it('errors on bad JSON with line and column', () => {
    const root = workspace({ 'package.json': '{\n  "name": "a",\n  "version": "1.0.0",\n}\n' });
    const e = errorOf(() => readNpmManifest(root, ''));
    expect(e.details).toMatchObject({ code: 'manifest.syntax', file: 'package.json', line: 4, column: 1 });
    expect(e.message).toMatch(/^package\.json:4:1: invalid JSON/);
  });

  it('errors when name is missing', () => {
    const root = workspace({ 'p/package.json': '{"version": "1.0.0"}' });
    const e = errorOf(() => readNpmManifest(root, 'p', 'p'));
    expect(e.details).toMatchObject({ code: 'manifest.missing-field', file: 'p/package.json', key: 'name' });
    expect(e.message).toContain('Fix: add a "name" field');
  });

  it.each([['1.0'], ['v1.0.0'], ['latest'], [' ']])('errors on version %j that is not semver', (version) => {
    const root = workspace({ 'package.json': JSON.stringify({ name: 'a', version }) });
    const e = errorOf(() => readNpmManifest(root, ''));
    expect(e.details).toMatchObject({ key: 'version', file: 'package.json' });
    expect(e.message).toContain(`found ${JSON.stringify(version)}`);
  });

  it('errors on a non-string version and on a dependency field that is not an object', () => {
    const a = workspace({ 'package.json': '{"name": "a", "version": 1}' });
    expect(errorOf(() => readNpmManifest(a, '')).message).toContain('1 (number)');
    const b = workspace({ 'package.json': '{"name": "a", "dependencies": ["x"]}' });
    expect(errorOf(() => readNpmManifest(b, '')).details.key).toBe('dependencies');
    const c = workspace({ 'package.json': '{"name": "a", "peerDependencies": {"x": 2}}' });
    expect(errorOf(() => readNpmManifest(c, '')).details.key).toBe('peerDependencies.x');
  });

  it('errors when the top level is not an object', () => {
    const root = workspace({ 'package.json': '[]' });
    expect(errorOf(() => readNpmManifest(root, '')).message).toContain('top level must be an object');
  });
});
