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

  it('includes the Go modules a root go.work uses by path, only those, and only inside the workspace', () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('go.work', 'go 1.22\n\nuse ./examples/server\nuse ../examples/other\nuse /examples/abs\n');
    tree.write('examples/server/go.mod', 'module example.com/server\n');
    tree.write('examples/other/go.mod', 'module example.com/other\n');
    tree.write('examples/abs/go.mod', 'module example.com/abs\n');
    expect(detectPackages(tree).map((p) => p.name)).toEqual(['example.com/server']);
  });

  it('reads every pub workspace outside data directories and the workspaces nested in their members', () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('pubspec.yaml', 'name: _root\npublish_to: none\nworkspace:\n  - packages/ui\n');
    tree.write('packages/ui/pubspec.yaml', 'name: acme_ui\nversion: 1.0.0\nresolution: workspace\nworkspace:\n  - example\n');
    tree.write('packages/ui/example/pubspec.yaml', 'name: acme_ui_example\nversion: 1.0.0\nresolution: workspace\n');
    // Named by a pub workspace, not by an npm one.
    tree.write('packages/ui/example/package.json', '{"name":"acme-ui-example","version":"1.0.0"}');
    // A workspace root of its own (no `resolution: workspace`).
    tree.write('tool/pubspec.yaml', 'name: acme_tool\nversion: 1.0.0\nworkspace:\n  - templates/app\n');
    tree.write('tool/templates/app/pubspec.yaml', 'name: acme_tool_app\nversion: 1.0.0\nresolution: workspace\n');
    // A workspace inside test data names nothing real.
    tree.write('test/fixtures/ws/pubspec.yaml', 'name: fixture_ws\npublish_to: none\nworkspace:\n  - examples/a\n');
    tree.write('test/fixtures/ws/examples/a/pubspec.yaml', 'name: fixture_a\nversion: 1.0.0\nresolution: workspace\n');
    expect(detectPackages(tree).map((p) => [p.path, p.type])).toEqual([
      ['packages/ui', 'dart'],
      ['packages/ui/example', 'dart'],
      ['tool', 'dart'],
      ['tool/templates/app', 'dart'],
    ]);
  });

  it('reads [workspace.package] publish = false for crates with publish.workspace = true', () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('Cargo.toml', '[workspace]\nmembers = ["a"]\n[workspace.package]\nversion = "1.0.0"\npublish = false\n');
    tree.write('a/Cargo.toml', '[package]\nname = "a"\nversion.workspace = true\npublish.workspace = true\n');
    expect(detectPackages(tree)).toEqual([]);
  });
});
