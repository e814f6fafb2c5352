import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MonochangeError } from '../errors';
import { readCargoManifest } from './cargo';

const FIXTURE = path.join(__dirname, '__fixtures__', 'workspace');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-cargo-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let counter = 0;
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

describe('readCargoManifest on the fixture workspace', () => {
  it('inherits version, edition, license and repository from [workspace.package]', () => {
    const m = readCargoManifest(FIXTURE, 'crates/core', 'fixture-core');
    expect(m).toMatchObject({ ecosystem: 'cargo', name: 'fixture-core', version: '0.3.0', private: false });
    expect(m.cargo).toEqual({
      description: 'Core types of the fixture workspace',
      license: 'MIT',
      licenseFile: undefined,
      publish: true,
      edition: '2021',
      repository: 'https://github.com/example/fixture',
      readme: undefined,
    });
    expect(m.dependencies).toEqual([{ name: 'fixture-build-helper', kind: 'dev', field: 'dev-dependencies', path: '../build-helper', versionReq: '0.3.0' }]);
  });

  it('resolves workspace dependencies with a package rename, build, dev and target dependencies', () => {
    const m = readCargoManifest(FIXTURE, 'crates/cli');
    expect(m.version).toBe('0.3.0');
    expect(m.dependencies).toEqual([
      { name: 'fixture-core', kind: 'normal', field: 'dependencies', workspace: true, path: '../core', versionReq: '0.3.0' },
      { name: 'fixture-build-helper', kind: 'build', field: 'build-dependencies', path: '../build-helper', versionReq: '0.3.0' },
      { name: 'fixture-build-helper', kind: 'dev', field: 'dev-dependencies', path: '../build-helper', versionReq: '0.3.0' },
      { name: 'fixture-build-helper', kind: 'normal', field: 'dependencies', path: '../build-helper', versionReq: '0.3.0' },
    ]);
  });

  it('keeps a publish = [..] list in data without making the crate private', () => {
    const m = readCargoManifest(FIXTURE, 'crates/build-helper');
    expect(m.private).toBe(false);
    expect(m.cargo?.publish).toEqual(['crates-io']);
    expect(m.cargo?.licenseFile).toBe('LICENSE');
  });

  const hasCargo = spawnSync('cargo', ['--version']).status === 0;
  (hasCargo ? it : it.skip)('agrees with `cargo metadata` on names, versions and dependency kinds', () => {
    const copy = path.join(tmp, 'metadata-copy');
    fs.cpSync(FIXTURE, copy, { recursive: true });
    const out = spawnSync('cargo', ['metadata', '--no-deps', '--offline', '--format-version', '1'], { cwd: copy, encoding: 'utf8' });
    expect(out.stderr).not.toContain('error');
    const metadata = JSON.parse(out.stdout) as {
      packages: { name: string; version: string; manifest_path: string; dependencies: { name: string; kind: string | null }[] }[];
    };
    for (const pkg of metadata.packages) {
      const m = readCargoManifest(copy, path.dirname(pkg.manifest_path));
      expect({ name: m.name, version: m.version }).toEqual({ name: pkg.name, version: pkg.version });
      const ours = m.dependencies.map((d) => `${d.name}:${d.kind}`).sort();
      const theirs = pkg.dependencies.map((d) => `${d.name}:${d.kind ?? 'normal'}`).sort();
      expect(ours).toEqual(theirs);
    }
    expect(metadata.packages).toHaveLength(3);
  });
});

describe('readCargoManifest', () => {
  it('treats publish = false as private with a reason', () => {
    const root = workspace({ 'Cargo.toml': '[package]\nname = "a"\nversion = "1.0.0"\npublish = false\n' });
    const m = readCargoManifest(root, '');
    expect(m).toMatchObject({ private: true, privateReason: 'Cargo.toml sets package.publish = false' });
    expect(m.cargo?.publish).toBe(false);
  });

  it('treats publish = [] and a missing version as private', () => {
    const a = workspace({ 'Cargo.toml': '[package]\nname = "a"\nversion = "1.0.0"\npublish = []\n' });
    expect(readCargoManifest(a, '').privateReason).toContain('publish = []');
    const b = workspace({ 'Cargo.toml': '[package]\nname = "a"\n' });
    const m = readCargoManifest(b, '');
    expect(m).toMatchObject({ version: undefined, private: true });
    expect(m.cargo?.publish).toBe(false);
  });

  it('finds the workspace root above a nested crate and inherits publish and readme', () => {
    const root = workspace({
      'rust/Cargo.toml': '[workspace]\nmembers = ["crates/a"]\n[workspace.package]\nversion = "2.1.0"\npublish = false\nreadme = "README.md"\n',
      'rust/crates/a/Cargo.toml': '[package]\nname = "a"\nversion.workspace = true\npublish.workspace = true\nreadme.workspace = true\n',
    });
    const m = readCargoManifest(root, 'rust/crates/a');
    expect(m).toMatchObject({ version: '2.1.0', private: true });
    expect(m.cargo?.readme).toBe('README.md');
  });

  it('follows package.workspace to an explicit root', () => {
    const root = workspace({
      'ws/Cargo.toml': '[workspace]\n[workspace.package]\nversion = "3.0.0"\n',
      'elsewhere/a/Cargo.toml': '[package]\nname = "a"\nworkspace = "../../ws"\nversion.workspace = true\n',
    });
    expect(readCargoManifest(root, 'elsewhere/a').version).toBe('3.0.0');
  });

  it('reads string dependencies and legacy underscore tables', () => {
    const root = workspace({
      'Cargo.toml': '[package]\nname = "a"\nversion = "1.0.0"\n[dependencies]\nserde = "1"\n[build_dependencies]\ncc = { version = "1.1" }\n',
    });
    expect(readCargoManifest(root, '').dependencies).toEqual([
      { name: 'serde', kind: 'normal', field: 'dependencies', versionReq: '1' },
      { name: 'cc', kind: 'build', field: 'build-dependencies', versionReq: '1.1' },
    ]);
  });

  it('errors on a virtual manifest, saying to point at a member crate', () => {
    const root = workspace({ 'Cargo.toml': '[workspace]\nmembers = ["crates/*"]\n' });
    const e = errorOf(() => readCargoManifest(root, '.', 'rust'));
    expect(e.details).toMatchObject({ code: 'manifest.cargo.missing-package', file: 'Cargo.toml', key: 'package' });
    expect(e.message).toContain('no [package] table');
    expect(e.message).toContain('[package.rust]');
  });

  it('errors on a manifest without [package] that is not a workspace either', () => {
    const root = workspace({ 'Cargo.toml': '[dependencies]\nserde = "1"\n' });
    expect(errorOf(() => readCargoManifest(root, '')).details.fix).toContain('add a [package] table');
  });

  it('errors on a missing Cargo.toml', () => {
    const root = workspace({ 'x.txt': '' });
    expect(errorOf(() => readCargoManifest(root, 'crates/a')).details).toMatchObject({
      code: 'manifest.missing',
      file: 'crates/a/Cargo.toml',
    });
  });

  it('errors on TOML syntax with line and column', () => {
    const root = workspace({ 'Cargo.toml': '[package]\nname = "a"\nversion = \n' });
    const e = errorOf(() => readCargoManifest(root, ''));
    expect(e.details).toMatchObject({ code: 'manifest.syntax', file: 'Cargo.toml', line: 3 });
    expect(e.details.column).toBeGreaterThan(0);
  });

  it('errors on a missing name and on an invalid version', () => {
    const a = workspace({ 'Cargo.toml': '[package]\nversion = "1.0.0"\n' });
    expect(errorOf(() => readCargoManifest(a, '')).details).toMatchObject({ code: 'manifest.missing-field', key: 'package.name' });
    const b = workspace({ 'Cargo.toml': '[package]\nname = "a"\nversion = "1.0"\n' });
    const e = errorOf(() => readCargoManifest(b, ''));
    expect(e.details.key).toBe('package.version');
    expect(e.message).toContain('"1.0"');
  });

  it('errors naming the workspace file when an inherited key is absent there', () => {
    const root = workspace({
      'Cargo.toml': '[workspace]\nmembers = ["a"]\n',
      'a/Cargo.toml': '[package]\nname = "a"\nversion.workspace = true\n[dependencies]\nb = { workspace = true }\n',
    });
    const e = errorOf(() => readCargoManifest(root, 'a'));
    expect(e.details).toMatchObject({ file: 'Cargo.toml', key: 'workspace.package.version' });
    expect(e.message).toContain('a/Cargo.toml');
  });

  it('errors naming [workspace.dependencies] when a workspace dependency is not declared there', () => {
    const root = workspace({
      'Cargo.toml': '[workspace]\n[workspace.package]\nversion = "1.0.0"\n',
      'a/Cargo.toml': '[package]\nname = "a"\nversion.workspace = true\n[dependencies]\nb = { workspace = true }\n',
    });
    expect(errorOf(() => readCargoManifest(root, 'a')).details.key).toBe('workspace.dependencies.b');
  });

  it('errors when version.workspace = true but no workspace root exists inside the monochange root', () => {
    const root = workspace({ 'a/Cargo.toml': '[package]\nname = "a"\nversion.workspace = true\n' });
    const e = errorOf(() => readCargoManifest(root, 'a'));
    expect(e.details).toMatchObject({ code: 'manifest.cargo.no-workspace', key: 'package.version' });
  });

  it('errors on a dependency that is neither a string nor a table, and on a bad publish value', () => {
    const a = workspace({ 'Cargo.toml': '[package]\nname = "a"\nversion = "1.0.0"\n[dependencies]\nb = 1\n' });
    expect(errorOf(() => readCargoManifest(a, '')).details.key).toBe('dependencies.b');
    const b = workspace({ 'Cargo.toml': '[package]\nname = "a"\nversion = "1.0.0"\npublish = "yes"\n' });
    expect(errorOf(() => readCargoManifest(b, '')).details.key).toBe('package.publish');
  });
});
