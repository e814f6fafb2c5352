import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { FsTree } from 'nx/src/generators/tree';
import { detectPackages } from './detect-packages';
import { materialize, SHAPES } from './testing/shapes';

const GIT_TIMEOUT = 120_000;

describe('detectPackages on real monorepo shapes (git work trees)', () => {
  let parent: string;
  beforeAll(() => {
    parent = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-init-shapes-'));
  });
  afterAll(() => fs.rmSync(parent, { recursive: true, force: true }));

  it.each(SHAPES.map((s) => [s.name, s] as const))(
    '%s: declares exactly the published packages',
    (_, shape) => {
      const dir = materialize(shape, parent);
      const found = detectPackages(new FsTree(dir, false)).map((p) => [p.path, p.type, p.name]);
      expect(found).toEqual(shape.expected);
    },
    GIT_TIMEOUT,
  );

  it(
    'reads every file of a repository that tracks nothing yet',
    () => {
      const dir = fs.mkdtempSync(path.join(parent, 'fresh-'));
      execFileSync('git', ['init', '-q'], { cwd: dir });
      fs.writeFileSync(path.join(dir, 'Cargo.toml'), '[package]\nname = "fresh"\nversion = "0.1.0"\n');
      expect(detectPackages(new FsTree(dir, false)).map((p) => p.name)).toEqual(['fresh']);
    },
    GIT_TIMEOUT,
  );

  it(
    'gives a napi package (package.json + publishable Cargo.toml) two distinct ids',
    () => {
      const shape = SHAPES.find((s) => s.name.includes('napi'))!;
      const ids = detectPackages(new FsTree(materialize(shape, parent), false))
        .filter((p) => p.path === 'crates/binding')
        .map((p) => p.id);
      expect(ids).toEqual(['binding', 'napi-tk-binding']);
    },
    GIT_TIMEOUT,
  );
});

describe('detectPackages without git', () => {
  it('walks the tree, still skipping data directories', () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('crates/a/Cargo.toml', '[package]\nname = "a"\nversion = "1.0.0"\n');
    tree.write('crates/a/tests/fixtures/b/Cargo.toml', '[package]\nname = "b"\nversion = "1.0.0"\n');
    expect(detectPackages(tree).map((p) => p.path)).toEqual(['crates/a']);
  });

  it('fails on two publishable packages with the same registry name, naming both manifests and the fix', () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('crates/a/Cargo.toml', '[package]\nname = "same"\nversion = "1.0.0"\n');
    tree.write('tools/copy/Cargo.toml', '[package]\nname = "same"\nversion = "1.0.0"\n');
    tree.write('py/a/pyproject.toml', '[project]\nname = "Acme.Tools"\n');
    tree.write('py/b/pyproject.toml', '[project]\nname = "acme-tools"\n');
    expect(() => detectPackages(tree)).toThrow(
      /2 packages publish the same crates\.io name "same": crates\/a\/Cargo\.toml, tools\/copy\/Cargo\.toml \(and 1 more name like this\)/,
    );
    expect(() => detectPackages(tree)).toThrow(/mark the others as not published .*publish = false/);
  });

  it('leaves a name clash alone once monochange.toml declares one of them', () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('crates/a/Cargo.toml', '[package]\nname = "same"\nversion = "1.0.0"\n');
    tree.write('tools/copy/Cargo.toml', '[package]\nname = "same"\nversion = "1.0.0"\n');
    tree.write('crates/b/Cargo.toml', '[package]\nname = "b"\nversion = "1.0.0"\n');
    expect(detectPackages(tree, [{ id: 'same', path: 'crates/a', type: 'cargo' }]).map((p) => p.path)).toEqual(['crates/b']);
    // A declared table without a type (and no defaults.package_type) still covers its path.
    expect(
      detectPackages(tree, [
        { id: 'same', path: 'crates/a', type: '' },
        { id: 'b', path: './crates/b/', type: 'cargo' },
      ]),
    ).toEqual([]);
  });

  it('lets a pnpm workspace pattern that names a data directory include it, and honours its ! exclusions', () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('pnpm-workspace.yaml', 'packages:\n  - "examples/**"\n  - "!examples/internal/**"\n  - "*"\n');
    tree.write('examples/a/package.json', '{"name":"ex-a","version":"1.0.0"}');
    tree.write('examples/internal/b/package.json', '{"name":"ex-b","version":"1.0.0"}');
    // `*` matches `tests`, but does not name it.
    tree.write('tests/package.json', '{"name":"t","version":"1.0.0"}');
    expect(detectPackages(tree).map((p) => p.name)).toEqual(['ex-a']);
  });

  it('reads [workspace.package] publish = false for crates with publish.workspace = true', () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('Cargo.toml', '[workspace]\nmembers = ["a"]\n[workspace.package]\nversion = "1.0.0"\npublish = false\n');
    tree.write('a/Cargo.toml', '[package]\nname = "a"\nversion.workspace = true\npublish.workspace = true\n');
    expect(detectPackages(tree)).toEqual([]);
  });
});
