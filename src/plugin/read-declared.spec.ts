import { readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
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
});
