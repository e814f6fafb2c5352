import { readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { clearDeclaredCache, readDeclaredWorkspace } from './read-declared';
import { tempWorkspace } from './testing/fixture-workspace';

describe('readDeclaredWorkspace across graph computations', () => {
  let ws: ReturnType<typeof tempWorkspace>;
  beforeEach(() => {
    clearDeclaredCache();
    ws = tempWorkspace();
  });
  afterEach(() => ws.dispose());

  it('reuses the parsed config and manifests while their files are unchanged', () => {
    const first = readDeclaredWorkspace(ws.root);
    const second = readDeclaredWorkspace(ws.root);
    expect(second.config).toBe(first.config);
    expect(second.manifests.get('acme-cli')).toBe(first.manifests.get('acme-cli'));
    expect(second.edges).toEqual(first.edges);
  });

  it('reads again what changed: the config, a manifest, and a file a manifest inherits from', () => {
    const first = readDeclaredWorkspace(ws.root);
    // Same length, different text: a timestamp-and-size check could miss it.
    const root = readFileSync(join(ws.root, 'Cargo.toml'), 'utf8');
    ws.write('Cargo.toml', root.replace('version = "0.1.0"\nedition', 'version = "0.2.0"\nedition'));
    const second = readDeclaredWorkspace(ws.root);
    expect(second.manifests.get('acme-cli')!.version).toBe('0.2.0'); // version.workspace = true
    expect(second.manifests.get('acme-cli')).not.toBe(first.manifests.get('acme-cli'));
    expect(second.manifests.get('py-core')).toBe(first.manifests.get('py-core'));

    ws.write('python/core/pyproject.toml', '[project\n');
    const third = readDeclaredWorkspace(ws.root);
    expect(third.manifests.has('py-core')).toBe(false);
    expect(third.errors.map((e) => e.id)).toEqual(['py-core']);

    const toml = readFileSync(join(ws.root, 'monochange.toml'), 'utf8');
    ws.write('monochange.toml', toml.replace(/\[package\.py-core\][^[]*/, ''));
    expect(readDeclaredWorkspace(ws.root).config.packages.some((p) => p.id === 'py-core')).toBe(false);
  });

  it('checks package paths again when a directory was replaced, with the config text unchanged', () => {
    const first = readDeclaredWorkspace(ws.root);
    expect(first.config.packages.some((p) => p.id === 'go-lib')).toBe(true);
    rmSync(join(ws.root, 'go/lib'), { recursive: true });
    symlinkSync('/tmp', join(ws.root, 'go/lib'));
    expect(() => readDeclaredWorkspace(ws.root)).toThrow(/go\/lib/);
  });

  it('reuses a remembered manifest whose files Nx vouches for without reading them, and reads again what Nx has otherwise', () => {
    const first = readDeclaredWorkspace(ws.root);
    const fs = require('node:fs') as typeof import('node:fs'); // the module itself, which a spy reaches
    const real = fs.readFileSync;
    const read: string[] = [];
    const spy = jest.spyOn(fs, 'readFileSync').mockImplementation(((file: unknown, ...rest: unknown[]) => {
      if (typeof file === 'string' && file.startsWith(ws.root)) read.push(relative(ws.root, file));
      return (real as (...args: unknown[]) => unknown)(file, ...rest);
    }) as typeof fs.readFileSync);
    try {
      const vouched = readDeclaredWorkspace(ws.root, { sameAsNx: (file) => (file.endsWith('Cargo.toml') ? true : undefined) });
      expect(vouched.manifests.get('acme-cli')).toBe(first.manifests.get('acme-cli'));
      expect(read.filter((f) => f.endsWith('Cargo.toml'))).toEqual([]);
      expect(read).toContain('python/core/pyproject.toml'); // not vouched for: read and compared
      expect(vouched.manifests.get('py-core')).toBe(first.manifests.get('py-core'));

      const other = readDeclaredWorkspace(ws.root, { sameAsNx: (file) => (file.endsWith('crates/cli/Cargo.toml') ? false : undefined) });
      expect(other.manifests.get('acme-cli')).not.toBe(first.manifests.get('acme-cli'));
      expect(other.manifests.get('acme-cli')).toEqual(first.manifests.get('acme-cli')); // read again: the file itself is unchanged
    } finally {
      spy.mockRestore();
    }
  });
});
