import { isMonochangeError } from '../core/errors';
import { declaredProjectNames, nxProjectName } from './project-name';

describe('nxProjectName', () => {
  it.each([
    ['rust:keystore', 'rust-keystore'],
    ['dart:keystore', 'dart-keystore'],
    ['npm:@acme/web:beta', 'npm-@acme/web-beta'],
    ['@acme/web', '@acme/web'],
    ['keystore_derive', 'keystore_derive'],
  ])('%s → %s', (id, name) => {
    expect(nxProjectName(id)).toBe(name);
  });
});

describe('declaredProjectNames', () => {
  const pkg = (id: string, path: string) => ({ id, path });
  const none = () => undefined;
  const clash = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      if (isMonochangeError(error)) return error;
      throw error;
    }
    throw new Error('no clash reported');
  };

  it('names packages by id, `:` as `-`, and keeps the name of a project Nx already infers', () => {
    const name = declaredProjectNames(
      [pkg('dart:keystore', 'dart/keystore'), pkg('npm:keystore', 'js/keystore'), pkg('rust:keystore', 'keystore')],
      (id) => (id === 'npm:keystore' ? '@acme/keystore' : undefined),
      'monochange.toml',
    );
    expect(['dart:keystore', 'npm:keystore', 'rust:keystore'].map(name)).toEqual(['dart-keystore', '@acme/keystore', 'rust-keystore']);
  });

  it('gives the packages of one directory the name of the first declared there', () => {
    const name = declaredProjectNames([pkg('npm:keystore', 'keystore'), pkg('rust:keystore', 'keystore')], none, 'monochange.toml');
    expect(['npm:keystore', 'rust:keystore'].map(name)).toEqual(['npm-keystore', 'npm-keystore']);
  });

  it("refuses a renamed id that is another package's id, naming both ids, the file and what to do", () => {
    const error = clash(() => declaredProjectNames([pkg('rust-keystore', 'legacy'), pkg('rust:keystore', 'keystore')], none, 'monochange.toml'));
    expect(error.details).toMatchObject({ code: 'plugin.project-name-clash', file: 'monochange.toml', key: 'package."rust:keystore"' });
    expect(error.message).toBe(
      'monochange.toml: packages `rust:keystore` and `rust-keystore` would share the Nx project name `rust-keystore` ' +
        '(`rust:keystore` gets its id with `:` as `-`, since `:` separates project and target in `nx run`; `rust-keystore` is the id of package `rust-keystore`). ' +
        'Fix: rename one of [package."rust:keystore"] and [package.rust-keystore] in monochange.toml, or give `rust:keystore` an Nx project name of its own: "name" in a project.json in keystore/',
    );
  });

  it('refuses the id of another package even when that package has a project of another name', () => {
    const error = clash(() =>
      declaredProjectNames(
        [pkg('rust-keystore', 'legacy'), pkg('rust:keystore', 'keystore')],
        (id) => (id === 'rust-keystore' ? 'legacy' : undefined),
        'monochange.toml',
      ),
    );
    expect(error.problem).toContain('`rust-keystore` is the id of package `rust-keystore`');
  });

  it("refuses a renamed id that is another package's project name", () => {
    const error = clash(() =>
      declaredProjectNames(
        [pkg('js', 'packages/js'), pkg('rust:keystore', 'keystore')],
        (id) => (id === 'js' ? 'rust-keystore' : undefined),
        'monochange.toml',
      ),
    );
    expect(error.problem).toContain('packages `rust:keystore` and `js` would share the Nx project name `rust-keystore`');
    expect(error.problem).toContain('`rust-keystore` is the Nx project name of package `js`');
  });

  it('refuses two ids renamed to one name', () => {
    const error = clash(() => declaredProjectNames([pkg('a-b:c', 'one'), pkg('a:b-c', 'two')], none, 'monochange.toml'));
    expect(error.problem).toMatch(/^packages `a-b:c` and `a:b-c` would share the Nx project name `a-b-c`/);
  });

  it('accepts the clash once one of them is given its own project name (the suggested fix)', () => {
    const name = declaredProjectNames(
      [pkg('rust-keystore', 'legacy'), pkg('rust:keystore', 'keystore')],
      (id) => (id === 'rust:keystore' ? 'keystore-crate' : undefined),
      'monochange.toml',
    );
    expect(['rust-keystore', 'rust:keystore'].map(name)).toEqual(['rust-keystore', 'keystore-crate']);
  });
});
