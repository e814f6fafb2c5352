import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isMonochangeError, type MonochangeError } from '../errors';
import { loadConfig } from './index';

const TOML = '[package.web]\npath = "packages/web"\ntype = "npm"\n';

let base: string;
let elsewhere: string;

beforeAll(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-resolve-packages-'));
  elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-elsewhere-'));
  fs.mkdirSync(path.join(elsewhere, 'web'));
});

afterAll(() => {
  fs.rmSync(base, { recursive: true, force: true });
  fs.rmSync(elsewhere, { recursive: true, force: true });
});

/** A workspace with monochange.toml and `links` (workspace-relative name → target) as directory symlinks. */
function workspace(name: string, links: Record<string, string>, toml = TOML): string {
  const root = path.join(base, name);
  fs.mkdirSync(path.join(root, 'packages'), { recursive: true });
  fs.writeFileSync(path.join(root, 'monochange.toml'), toml);
  for (const [link, target] of Object.entries(links)) fs.symlinkSync(target, path.join(root, link), 'dir');
  return root;
}

function configError(root: string): MonochangeError {
  try {
    loadConfig(root);
  } catch (error) {
    if (isMonochangeError(error)) return error;
    throw error;
  }
  throw new Error('expected a MonochangeError');
}

describe('package paths through symlinks', () => {
  it('refuses a package directory that is a symlink to a directory outside the workspace', () => {
    const root = workspace('out', { 'packages/web': path.join(elsewhere, 'web') });
    const target = fs.realpathSync(path.join(elsewhere, 'web'));
    const error = configError(root);
    expect(error.details).toMatchObject({ code: 'config.invalid-path', file: path.join(root, 'monochange.toml'), line: 2, key: 'package.web.path' });
    expect(error.problem).toBe(`\`[package.web] path\` = "packages/web" resolves through a symlink to ${target}, outside the workspace root ${root}`);
    expect(error.details.fix).toBe(
      `packages must live inside the workspace root: replace the symlink with the package directory itself (or a symlink to a directory inside ${root}), or move monochange.toml up to a directory that contains ${target}`,
    );
    expect(error.message.startsWith(`${path.join(root, 'monochange.toml')}:2:1: \`[package.web] path\``)).toBe(true);
  });

  it('refuses a package under a symlinked parent directory that leaves the workspace', () => {
    const root = path.join(base, 'parent');
    fs.mkdirSync(root);
    fs.writeFileSync(path.join(root, 'monochange.toml'), TOML);
    fs.symlinkSync(elsewhere, path.join(root, 'packages'), 'dir');
    expect(configError(root).problem).toContain(`resolves through a symlink to ${fs.realpathSync(path.join(elsewhere, 'web'))}, outside the workspace root`);
  });

  it('accepts a symlink that stays inside the workspace', () => {
    const root = workspace('inside', { 'packages/web': '../src/web' });
    fs.mkdirSync(path.join(root, 'src/web'), { recursive: true });
    expect(loadConfig(root).packages).toEqual([expect.objectContaining({ id: 'web', path: 'packages/web' })]);
  });

  it('accepts a workspace whose root is itself reached through a symlink', () => {
    const real = workspace('real-root', {});
    fs.mkdirSync(path.join(real, 'packages/web'));
    const linked = path.join(base, 'linked-root');
    fs.symlinkSync(real, linked, 'dir');
    expect(loadConfig(linked).packages.map((p) => p.path)).toEqual(['packages/web']);
  });

  it('keeps the missing-directory error for a dangling symlink and a missing directory', () => {
    const dangling = workspace('dangling', { 'packages/web': path.join(elsewhere, 'gone') });
    expect(configError(dangling).details.code).toBe('config.package-path-missing');
    const missing = workspace('missing', {});
    expect(configError(missing).problem).toBe('package `web` has `package.web.path` = "packages/web", which does not exist in the workspace');
  });

  it('does not look at the file system when path checks are off', () => {
    const root = workspace('unchecked', { 'packages/web': path.join(elsewhere, 'web') });
    expect(loadConfig(root, { checkPaths: false }).packages.map((p) => p.path)).toEqual(['packages/web']);
  });
});
