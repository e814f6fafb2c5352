import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MonochangeError } from '../errors';
import { readPythonManifest } from './python';

const FIXTURE = path.join(__dirname, '__fixtures__', 'workspace');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-python-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let counter = 0;
function pyproject(text: string): string {
  const root = path.join(tmp, String(counter++));
  fs.mkdirSync(root, { recursive: true });
  fs.writeFileSync(path.join(root, 'pyproject.toml'), text);
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

describe('readPythonManifest', () => {
  it('reads a PEP 621 project: X.Y version, normalised dependency names by kind', () => {
    const m = readPythonManifest(FIXTURE, 'python/core', 'py-core');
    expect(m).toMatchObject({ ecosystem: 'python', name: 'Fixture_Py_Core', version: '0.5.0', private: false });
    expect(m.python).toEqual({ dynamicVersion: false, readme: 'README.md', style: 'pep621', normalizedName: 'fixture-py-core' });
    expect(m.dependencies).toEqual([
      { name: 'requests', kind: 'normal', field: 'dependencies', versionReq: '>=2.31,<3' },
      { name: 'typing-extensions', kind: 'normal', field: 'dependencies', versionReq: undefined },
      { name: 'pyyaml', kind: 'optional', field: 'optional-dependencies', versionReq: '>=6' },
      { name: 'pytest', kind: 'dev', field: 'dependency-groups', versionReq: '>=8' },
    ]);
  });

  it('reads a Poetry project: skips python, keeps path deps, groups are dev', () => {
    const m = readPythonManifest(FIXTURE, 'python/cli');
    expect(m).toMatchObject({ name: 'fixture-py-cli', version: '0.5.1' });
    expect(m.python).toMatchObject({ style: 'poetry', dynamicVersion: false, readme: 'README.md' });
    expect(m.dependencies).toEqual([
      { name: 'fixture-py-core', kind: 'normal', field: 'dependencies', path: '../core' },
      { name: 'click', kind: 'normal', field: 'dependencies', versionReq: '^8.1' },
      { name: 'pytest', kind: 'dev', field: 'group.dependencies', versionReq: '^8.0' },
    ]);
  });

  it('leaves the version undefined when it is dynamic', () => {
    const m = readPythonManifest(pyproject('[project]\nname = "a"\ndynamic = ["version"]\n'), '');
    expect(m.version).toBeUndefined();
    expect(m.python?.dynamicVersion).toBe(true);
  });

  it('takes a Poetry 2 version from [tool.poetry] when [project] marks it dynamic', () => {
    const m = readPythonManifest(pyproject('[project]\nname = "a"\ndynamic = ["version"]\n[tool.poetry]\nversion = "1.2.3"\n'), '');
    expect(m).toMatchObject({ version: '1.2.3', python: { dynamicVersion: true, style: 'pep621' } });
  });

  it('keeps valid PEP 440 versions that are not semver', () => {
    expect(readPythonManifest(pyproject('[project]\nname = "a"\nversion = "1.0rc1"\n'), '').version).toBe('1.0rc1');
    expect(readPythonManifest(pyproject('[project]\nname = "a"\nversion = "2.0.0.post1"\n'), '').version).toBe('2.0.0.post1');
  });

  it('applies uv workspace sources and merges Poetry 2 duplicates', () => {
    const m = readPythonManifest(
      pyproject(
        '[project]\nname = "a"\nversion = "1.0.0"\ndependencies = ["b>=1", "C_lib"]\n' +
          '[tool.uv.sources]\nb = { workspace = true }\n' +
          '[tool.poetry.dependencies]\nc-lib = { path = "../c" }\n',
      ),
      '',
    );
    expect(m.dependencies).toEqual([
      { name: 'b', kind: 'normal', field: 'dependencies', versionReq: '>=1', workspace: true },
      { name: 'c-lib', kind: 'normal', field: 'dependencies', versionReq: undefined, path: '../c' },
    ]);
  });

  it('ignores include-group entries of dependency-groups', () => {
    const m = readPythonManifest(pyproject('[project]\nname = "a"\n[dependency-groups]\ntest = ["pytest"]\ndev = [{ include-group = "test" }, "ruff"]\n'), '');
    expect(m.dependencies.map((d) => d.name)).toEqual(['pytest', 'ruff']);
  });

  it('errors on a missing pyproject.toml and on bad TOML with a line', () => {
    const empty = path.join(tmp, 'none');
    fs.mkdirSync(empty, { recursive: true });
    expect(errorOf(() => readPythonManifest(empty, 'py')).details).toMatchObject({ code: 'manifest.missing', file: 'py/pyproject.toml' });
    expect(errorOf(() => readPythonManifest(pyproject('[project\nname = "a"\n'), '')).details).toMatchObject({ code: 'manifest.syntax', line: 1 });
  });

  it('errors when neither [project].name nor [tool.poetry].name exists', () => {
    const e = errorOf(() => readPythonManifest(pyproject('[build-system]\nrequires = []\n'), '', 'py'));
    expect(e.details).toMatchObject({ code: 'manifest.missing-field', key: 'project.name', file: 'pyproject.toml' });
    expect(e.message).toContain('package `py`');
  });

  it('errors on an invalid name, an invalid version and version both set and dynamic', () => {
    expect(errorOf(() => readPythonManifest(pyproject('[project]\nname = "-x-"\n'), '')).details.key).toBe('project.name');
    const v = errorOf(() => readPythonManifest(pyproject('[project]\nname = "a"\nversion = "one"\n'), ''));
    expect(v.details.key).toBe('project.version');
    expect(v.message).toContain('"one"');
    expect(errorOf(() => readPythonManifest(pyproject('[tool.poetry]\nname = "a"\nversion = "x.y"\n'), '')).details.key).toBe('tool.poetry.version');
    const both = errorOf(() => readPythonManifest(pyproject('[project]\nname = "a"\nversion = "1.0.0"\ndynamic = ["version"]\n'), ''));
    expect(both.details.key).toBe('project.version');
  });

  it('errors on a bad requirement string, naming its index', () => {
    const e = errorOf(() => readPythonManifest(pyproject('[project]\nname = "a"\ndependencies = ["ok", "not valid!"]\n'), ''));
    expect(e.details.key).toBe('project.dependencies[1]');
    expect(e.message).toContain('"not valid!"');
  });

  it('errors on dependencies that are not a list', () => {
    expect(errorOf(() => readPythonManifest(pyproject('[project]\nname = "a"\ndependencies = "x"\n'), '')).details.key).toBe('project.dependencies');
  });
});
