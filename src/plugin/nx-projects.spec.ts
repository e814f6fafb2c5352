import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../core/config';
import { parseNxArgv } from './nx-argv';
import { matchingProjects, nxProjects, projectNamer, selectedProjects, type NxProjects } from './nx-projects';

const nx = (...args: string[]) => ['/usr/bin/node', '/ws/node_modules/nx/bin/nx.js', ...args];

const PROJECTS: NxProjects = {
  '@acme/core': { data: { root: 'packages/core', tags: ['npm', 'scope:core'] } },
  '@acme/web': { data: { root: 'packages/web', tags: ['npm'] } },
  'rust-core': { data: { root: 'crates/core', tags: ['cargo'] } },
  tools: { data: { root: '.', tags: [] } },
};

describe('project patterns, resolved by Nx', () => {
  it.each([
    [
      ['-p', 'tag:npm'],
      ['@acme/core', '@acme/web'],
    ],
    [['-p', 'tag:npm,!@acme/web'], ['@acme/core']],
    [
      ['-p', '@acme/*'],
      ['@acme/core', '@acme/web'],
    ],
    [['-p', 'crates/*'], ['rust-core']],
    [
      ['--exclude', 'tag:npm'],
      ['rust-core', 'tools'],
    ],
    [
      ['-p', 'tag:npm,rust-core', '--exclude=tag:scope:core'],
      ['@acme/web', 'rust-core'],
    ],
    [[], ['@acme/core', '@acme/web', 'rust-core', 'tools']],
  ])('nx run-many -t publish %j selects %j', (flags, expected) => {
    expect([...selectedProjects(parseNxArgv(nx('run-many', '-t', 'publish', ...flags)), PROJECTS)].sort()).toEqual(expected);
  });

  it('`nx run <project>:<target>` selects that project only', () => {
    expect([...selectedProjects(parseNxArgv(nx('run', 'rust-core:publish')), PROJECTS)]).toEqual(['rust-core']);
  });

  it('nx.json-style pattern lists (release.projects) are matched the same way', () => {
    expect([...matchingProjects(['tag:cargo', 'tools'], PROJECTS)].sort()).toEqual(['rust-core', 'tools']);
    expect(matchingProjects([], PROJECTS).size).toBe(0);
  });
});

describe('projectNamer', () => {
  const config = parseConfig(
    '[package.core]\npath = "packages/core"\ntype = "npm"\n[package.other]\npath = "packages/other/"\ntype = "npm"\n[package.tools]\npath = "."\ntype = "npm"\n',
    { file: '/ws/monochange.toml', root: '/ws', checkPaths: false },
  );
  it('names a package by the Nx project at its root, else by its id', () => {
    const name = projectNamer(PROJECTS, config);
    expect(config.packages.map(name)).toEqual(['@acme/core', 'other', 'tools']);
  });

  const declared = (toml: string) => parseConfig(toml, { file: '/ws/monochange.toml', root: '/ws', checkPaths: false });
  const RUST = '[package."rust:vault"]\npath = "vault"\ntype = "cargo"\n';
  const DART = '[package."dart:vault"]\npath = "dart/vault"\ntype = "dart"\n';
  const PYTHON = '[package."python:vault"]\npath = "vault"\ntype = "python"\n';

  it('a package with no project in the graph gets the name the plugin gives it (`:` as `-`)', () => {
    const config = declared(RUST + DART);
    expect(config.packages.map(projectNamer({}, config))).toEqual(['dart-vault', 'rust-vault']);
  });

  it('packages of one directory share its project without clashing', () => {
    const config = declared(RUST + PYTHON);
    expect(config.packages.map(projectNamer({}, config))).toEqual(['python-vault', 'python-vault']);
    expect(config.packages.map(projectNamer({ 'python-vault': { data: { root: 'vault' } } }, config))).toEqual(['python-vault', 'python-vault']);
  });

  it("refuses when a renamed id is another package's id, naming both (as the plugin warns)", () => {
    const config = declared(`${RUST}[package.rust-vault]\npath = "other"\ntype = "cargo"\n`);
    // The graph keeps one of the two clashing projects; the other falls back to the same name.
    expect(() => projectNamer({ 'rust-vault': { data: { root: 'vault' } } }, config)).toThrow(
      /^monochange\.toml: packages `rust:vault` and `rust-vault` would share the Nx project name `rust-vault`/,
    );
  });
});

describe('nxProjects without a cached graph of that workspace', () => {
  it('falls back to the declared packages under the names the plugin gives them (package.json name, else the id with `:` as `-`)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-nx-projects-'));
    try {
      fs.mkdirSync(path.join(dir, 'packages/core'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'packages/core/package.json'), JSON.stringify({ name: '@acme/core', version: '1.0.0' }));
      const config = parseConfig('[package.core]\npath = "packages/core"\ntype = "npm"\n[package."go:api"]\npath = "go/api"\ntype = "go"\n', {
        file: path.join(dir, 'monochange.toml'),
        root: dir,
        checkPaths: false,
      });
      expect(nxProjects(config)).toEqual({ '@acme/core': { data: { root: 'packages/core', tags: [] } }, 'go-api': { data: { root: 'go/api', tags: [] } } });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
