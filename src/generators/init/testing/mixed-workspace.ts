import { addProjectConfiguration, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';

const json = (value: unknown) => JSON.stringify(value, null, 2);

/** A workspace with packages of all six ecosystems (and flutter), plus things init must skip. */
export function mixedWorkspace(): Tree {
  const tree = createTreeWithEmptyWorkspace();
  tree.write('.git/config', '[remote "origin"]\n\turl = git@github.com:acme/widgets.git\n');
  addProjectConfiguration(tree, 'web', { root: 'packages/web' });
  tree.write('packages/web/package.json', json({ name: '@acme/web', version: '1.2.0' }));
  addProjectConfiguration(tree, 'internal', { root: 'packages/internal' });
  tree.write('packages/internal/package.json', json({ name: '@acme/internal', version: '1.0.0', private: true }));
  addProjectConfiguration(tree, 'nover', { root: 'packages/nover' });
  tree.write('packages/nover/package.json', json({ name: 'nover' }));
  tree.write('crates/fast-io/Cargo.toml', '[package]\nname = "fast-io"\nversion = "0.3.0"\n');
  tree.write('crates/tool/Cargo.toml', '[package]\nname = "tool"\nversion = "0.1.0"\npublish = false\n');
  tree.write('Cargo.toml', '[workspace]\nmembers = ["crates/*"]\n');
  tree.write('python/acme-tools/pyproject.toml', '[project]\nname = "acme.tools"\nversion = "2.0.0"\n');
  tree.write('go/api/go.mod', 'module github.com/acme/widgets/api/v2\n\ngo 1.22\n');
  tree.write('dart/my_dart/pubspec.yaml', 'name: my_dart\nversion: 1.0.0\n');
  tree.write('dart/my_app/pubspec.yaml', 'name: my_app\nversion: 1.0.0\nflutter:\n  uses-material-design: true\n');
  tree.write('dart/example/pubspec.yaml', 'name: example\npublish_to: none\n');
  tree.write('deno/std/deno.jsonc', '{\n  // JSR package\n  "name": "@acme/web",\n  "version": "0.1.0",\n}\n');
  // Never searched: dependencies, build output, tool state.
  tree.write('node_modules/dep/Cargo.toml', '[package]\nname = "dep"\n');
  tree.write('dist/packages/web/deno.json', '{"name":"@acme/dist"}');
  tree.write('crates/fast-io/target/package/Cargo.toml', '[package]\nname = "copy"\n');
  tree.write('go/vendor/x/go.mod', 'module example.com/x\n');
  return tree;
}

/** Every changed file of the tree, path → content. */
export function changedFiles(tree: Tree): Record<string, string> {
  return Object.fromEntries(tree.listChanges().map((c) => [c.path, c.content?.toString('utf-8') ?? '(deleted)']));
}
