import * as path from 'node:path';
import { parseConfig } from '../config';
import { isMonochangeError, MonochangeError } from '../errors';
import { findPackage } from './target';

const root = path.resolve('/ws');
const file = path.join(root, 'monochange.toml');
const config = parseConfig('[package.web]\npath = "packages/web"\ntype = "npm"\n\n[package.api]\npath = "go/api"\ntype = "go"\n', {
  file,
  root,
  checkPaths: false,
});

function thrown(fn: () => unknown): MonochangeError {
  try {
    fn();
  } catch (error) {
    if (isMonochangeError(error)) return error;
    throw error;
  }
  throw new Error('expected a MonochangeError');
}

describe('findPackage', () => {
  it('finds the declared package by id, or by project root in any spelling', () => {
    expect(findPackage(config, { packageId: 'api' }).path).toBe('go/api');
    expect(findPackage(config, { projectRoot: './packages/web/', projectName: '@acme/web' }).id).toBe('web');
    expect(findPackage(config, { projectRoot: 'packages\\web' }).id).toBe('web');
  });

  it('names the undeclared project and how to declare it, or keep it out of nx release publish', () => {
    const error = thrown(() => findPackage(config, { projectRoot: 'packages/other', projectName: '@acme/other' }));
    expect(error.details).toMatchObject({ code: 'publish.undeclared-project', file });
    expect(error.problem).toBe(
      'project `@acme/other` (root `packages/other`) is not declared in monochange.toml, so @monochange/nx does not know how to publish it',
    );
    expect(error.message.startsWith(`${file}: project \`@acme/other\``)).toBe(true);
    const fix = error.details.fix!;
    expect(fix).toContain('[package.<id>] table: path = "packages/other" and its type');
    expect(fix).toContain('publish.enabled = false');
    expect(fix).toContain('targetDefaults["nx-release-publish"]');
    expect(fix).toContain('release.projects');
    expect(fix).toContain('"private": true');
    expect(fix).toContain('"executor": "@nx/js:release-publish"');
  });

  it('says `.` for the workspace root project', () => {
    expect(thrown(() => findPackage(config, { projectRoot: '' })).details.fix).toContain('path = "."');
  });

  it('lists the declared ids when the package option names an unknown one', () => {
    const error = thrown(() => findPackage(config, { packageId: 'nope' }));
    expect(error.details).toMatchObject({ key: 'package.nope', file });
    expect(error.details.fix).toContain('(api, web)');
  });
});

describe('findPackage by the name users type', () => {
  it('takes the Nx project name (the executor passes its root) as well as the id; ids win', () => {
    const cfg = parseConfig('[package.core]\npath = "packages/core"\ntype = "npm"\n[package.web]\npath = "packages/web"\ntype = "npm"\n', {
      file: '/ws/monochange.toml',
      root: '/ws',
      checkPaths: false,
    });
    expect(findPackage(cfg, { packageId: '@acme/core', packageProjectRoot: 'packages/core/' }).id).toBe('core');
    expect(findPackage(cfg, { packageId: 'core' }).id).toBe('core');
    expect(findPackage(cfg, { packageId: 'web', packageProjectRoot: 'packages/core' }).id).toBe('web');
    expect(() => findPackage(cfg, { packageId: '@acme/nope' })).toThrow('no package `@acme/nope`');
    expect(() => findPackage(cfg, { packageId: '@acme/other', packageProjectRoot: 'packages/other' })).toThrow('no package `@acme/other`');
  });
});
