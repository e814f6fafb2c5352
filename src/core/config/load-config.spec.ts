import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isMonochangeError } from '../errors';
import { findWorkspaceConfig, loadConfig } from './index';

let base: string;

beforeAll(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-load-config-'));
});

afterAll(() => {
  fs.rmSync(base, { recursive: true, force: true });
});

function workspace(name: string, toml?: string): string {
  const root = path.join(base, name);
  fs.mkdirSync(path.join(root, 'packages/web'), { recursive: true });
  if (toml !== undefined) fs.writeFileSync(path.join(root, 'monochange.toml'), toml);
  return root;
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('findWorkspaceConfig', () => {
  it('returns the absolute path of <root>/monochange.toml when it exists', () => {
    const root = workspace('found', '');
    expect(findWorkspaceConfig(root)).toBe(path.join(root, 'monochange.toml'));
  });

  it('returns undefined when there is no file, or when the name is a directory', () => {
    expect(findWorkspaceConfig(workspace('absent'))).toBeUndefined();
    const root = workspace('dir');
    fs.mkdirSync(path.join(root, 'monochange.toml'));
    expect(findWorkspaceConfig(root)).toBeUndefined();
  });

  it('does not walk up to a parent directory', () => {
    const root = workspace('parent', '');
    const child = path.join(root, 'packages/web');
    expect(findWorkspaceConfig(child)).toBeUndefined();
  });
});

describe('loadConfig', () => {
  it('reads and resolves <root>/monochange.toml', () => {
    const root = workspace('ok', '[package.web]\npath = "packages/web"\ntype = "npm"\n');
    const config = loadConfig(root);
    expect(config.file).toBe(path.join(root, 'monochange.toml'));
    expect(config.root).toBe(root);
    expect(config.packages.map((p) => p.id)).toEqual(['web']);
  });

  it('resolves a relative root against the current directory', () => {
    const root = workspace('relative', '');
    expect(loadConfig(path.relative(process.cwd(), root)).root).toBe(root);
  });

  it('tells the user how to create the file when it is missing', () => {
    const root = workspace('missing');
    const error = thrown(() => loadConfig(root));
    expect(isMonochangeError(error)).toBe(true);
    expect(error.message).toContain(path.join(root, 'monochange.toml'));
    expect(error.message).toMatch(/Fix: run `nx g @monochange\/nx:init`/);
  });

  it('names the absolute file in errors about its content', () => {
    const root = workspace('bad', '[package.web]\npath = "packages/nope"\ntype = "npm"\n');
    const error = thrown(() => loadConfig(root));
    expect(isMonochangeError(error)).toBe(true);
    expect(error.message.startsWith(`${path.join(root, 'monochange.toml')}:2:1:`)).toBe(true);
  });

  it('passes checkPaths through', () => {
    const root = workspace('nocheck', '[package.web]\npath = "packages/nope"\ntype = "npm"\n');
    expect(loadConfig(root, { checkPaths: false }).packages[0].path).toBe('packages/nope');
  });
});
