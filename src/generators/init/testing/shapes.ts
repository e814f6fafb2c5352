import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Small workspaces shaped like real monorepos init has to read: what git tracks, and what init
 * should declare (path, type, registry name), exactly.
 */
export interface Shape {
  name: string;
  /** Committed files. */
  files: Record<string, string>;
  /** Files on disk that git does not track (ignored build output, scratch copies). */
  untracked?: Record<string, string>;
  expected: Array<[path: string, type: string, name: string]>;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const crate = (name: string, extra = '') => `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n${extra}`;
const npm = (name: string, extra: Record<string, unknown> = {}) => json({ name, version: '1.0.0', ...extra });
const pubspec = (name: string, extra = '') => `name: ${name}\nversion: 1.0.0\n${extra}`;

export const SHAPES: Shape[] = [
  {
    name: 'Rust monorepo with fixtures/examples crates and a __fixtures__ crate shadowing a real name',
    files: {
      'Cargo.toml': '[workspace]\nmembers = ["crates/*", "examples/published-demo"]\nexclude = ["crates/legacy"]\n\n[workspace.package]\nversion = "2.0.0"\n',
      'crates/core/Cargo.toml': crate('rmono-core'),
      'crates/derive/Cargo.toml': '[package]\nname = "rmono-derive"\nversion.workspace = true\n',
      'crates/derive/__fixtures__/Cargo.toml': '[workspace]\nmembers = ["shadow"]\n',
      'crates/derive/__fixtures__/shadow/Cargo.toml': crate('rmono-derive'),
      'crates/core/tests/data/Cargo.toml': crate('core-test-data'),
      'crates/internal/Cargo.toml': crate('rmono-internal', 'publish = false\n'),
      'crates/nowhere/Cargo.toml': crate('rmono-nowhere', 'publish = []\n'),
      'crates/legacy/Cargo.toml': crate('rmono-legacy'),
      'crates/unversioned/Cargo.toml': '[package]\nname = "rmono-unversioned"\n',
      'fixtures/basic/Cargo.toml': crate('fixture-basic'),
      'examples/demo/Cargo.toml': crate('demo'),
      'examples/published-demo/Cargo.toml': crate('rmono-demo', '\n[dependencies]\nrmono-core = { path = "../../crates/core", version = "0.1.0" }\n'),
      'benches/throughput/Cargo.toml': crate('throughput'),
      'templates/starter/Cargo.toml': crate('starter'),
      '.gitignore': 'generated/\n',
    },
    untracked: { 'generated/Cargo.toml': crate('rmono-generated') },
    expected: [
      ['crates/core', 'cargo', 'rmono-core'],
      ['crates/derive', 'cargo', 'rmono-derive'],
      ['examples/published-demo', 'cargo', 'rmono-demo'],
    ],
  },
  {
    name: 'Cargo + pnpm desktop framework',
    files: {
      'package.json': json({ name: 'desktop-root', private: true }),
      'pnpm-workspace.yaml': 'packages:\n  - packages/*\n  - examples/*\n',
      'Cargo.toml': '[workspace]\nmembers = ["crates/*", "examples/api/src-tauri", "examples/starter/src-app"]\n',
      // Named by the members, but `cargo publish` refuses its path dependency without a version.
      'examples/starter/src-app/Cargo.toml': crate('starter-app', '\n[dependencies]\ndeskapp-runtime = { path = "../../../crates/runtime" }\n'),
      'crates/runtime/Cargo.toml': crate('deskapp-runtime'),
      'crates/macros/Cargo.toml': crate('deskapp-macros'),
      'crates/bench-harness/Cargo.toml': crate('deskapp-bench', 'publish = false\n'),
      'packages/api/package.json': npm('@deskapp/api'),
      'packages/cli/package.json': npm('@deskapp/cli'),
      'packages/cli/Cargo.toml': crate('deskapp-cli-node', 'publish = false\n'),
      'examples/api/package.json': npm('api-example', { private: true }),
      'examples/api/src-tauri/Cargo.toml': crate('api-example', 'publish = false\n'),
      'examples/starter/package.json': npm('@deskapp/starter'),
      'templates/plugin/package.json': npm('deskapp-plugin-{{name}}'),
      'templates/plugin/Cargo.toml': crate('deskapp-plugin-template'),
      'bench/tests/app/Cargo.toml': crate('bench-app'),
    },
    expected: [
      ['crates/macros', 'cargo', 'deskapp-macros'],
      ['crates/runtime', 'cargo', 'deskapp-runtime'],
      ['examples/starter', 'npm', '@deskapp/starter'],
      ['packages/api', 'npm', '@deskapp/api'],
      ['packages/cli', 'npm', '@deskapp/cli'],
    ],
  },
  {
    name: 'Cargo + maturin library',
    files: {
      'Cargo.toml': `${crate('fastcore-py')}\n[workspace]\nmembers = ["crates/*"]\n`,
      'pyproject.toml': '[build-system]\nrequires = ["maturin>=1,<2"]\nbuild-backend = "maturin"\n\n[project]\nname = "fastcore"\nversion = "1.0.0"\n',
      'crates/fastcore/Cargo.toml': crate('fastcore'),
      'crates/fastcore-ext/Cargo.toml': crate('fastcore-ext'),
      'ext/pyproject.toml':
        '[build-system]\nbuild-backend = "maturin"\n\n[project]\nname = "fastcore-ext"\nversion = "1.0.0"\n\n[tool.maturin]\nmanifest-path = "../crates/fastcore-ext/Cargo.toml"\n',
      'tests/pyproject.toml': '[project]\nname = "fastcore-tests"\nversion = "0.0.0"\n',
      'bench/Cargo.toml': crate('fastcore-bench'),
    },
    expected: [
      ['.', 'python', 'fastcore'],
      ['crates/fastcore', 'cargo', 'fastcore'],
      ['ext', 'python', 'fastcore-ext'],
    ],
  },
  {
    name: 'Cargo + yarn napi toolkit with npm/* platform packages',
    files: {
      'package.json': json({ name: 'napi-tk-monorepo', version: '0.0.0', workspaces: ['packages/*'] }),
      'Cargo.toml': '[workspace]\nmembers = ["crates/*", "examples/napi"]\n',
      'crates/napi/Cargo.toml': crate('napi-tk'),
      'crates/derive/Cargo.toml': crate('napi-tk-derive'),
      'crates/derive/__fixtures__/Cargo.toml': crate('napi-tk-derive'),
      'crates/binding/package.json': npm('@napi-tk/binding'),
      'crates/binding/Cargo.toml': crate('napi-tk-binding'),
      'crates/binding/npm/linux-x64-gnu/package.json': npm('@napi-tk/binding-linux-x64-gnu', { os: ['linux'] }),
      'crates/binding/npm/darwin-arm64/package.json': npm('@napi-tk/binding-darwin-arm64', { os: ['darwin'] }),
      'packages/cli/package.json': npm('@napi-tk/cli'),
      'packages/cli/Cargo.toml': crate('napi-tk-cli-binding', 'publish = false\n'),
      'packages/wasm-runtime/package.json': npm('@napi-tk/wasm-runtime', { private: 'true' }),
      'examples/napi/package.json': npm('napi-examples', { private: true }),
      'examples/napi/Cargo.toml': crate('napi-examples', 'publish = false\n'),
      'examples/napi-compat/package.json': npm('napi-compat-examples'),
      'packages/cli/__tests__/fixtures/package.json': npm('@napi-tk/cli'),
      '.gitignore': 'node_modules/\n',
    },
    untracked: { 'packages/cli/scratch/package.json': npm('scratch') },
    expected: [
      ['crates/binding', 'npm', '@napi-tk/binding'],
      ['crates/binding', 'cargo', 'napi-tk-binding'],
      ['crates/binding/npm/darwin-arm64', 'npm', '@napi-tk/binding-darwin-arm64'],
      ['crates/binding/npm/linux-x64-gnu', 'npm', '@napi-tk/binding-linux-x64-gnu'],
      ['crates/derive', 'cargo', 'napi-tk-derive'],
      ['crates/napi', 'cargo', 'napi-tk'],
      ['packages/cli', 'npm', '@napi-tk/cli'],
    ],
  },
  {
    name: 'Dart repo with publish_to: none example apps',
    files: {
      'pubspec.yaml': 'name: dart_repo_workspace\npublish_to: none\nenvironment:\n  sdk: ^3.5.0\n',
      'packages/core/pubspec.yaml': pubspec('acme_core'),
      'packages/core/example/pubspec.yaml': pubspec('acme_core_example', 'publish_to: none\n'),
      'packages/widgets/pubspec.yaml': pubspec('acme_widgets', 'flutter:\n  uses-material-design: true\n'),
      'packages/widgets/example/pubspec.yaml': 'name: acme_widgets_example\nflutter:\n  uses-material-design: true\n',
      'packages/tool/pubspec.yaml': 'name: acme_tool\n',
      'apps/gallery/pubspec.yaml': pubspec('gallery', 'publish_to: none\nflutter:\n  uses-material-design: true\n'),
      'packages/core/test/fixtures/pkg/pubspec.yaml': pubspec('fixture_pkg'),
    },
    expected: [
      ['packages/core', 'dart', 'acme_core'],
      ['packages/widgets', 'flutter', 'acme_widgets'],
    ],
  },
  {
    name: 'Go repo with testdata modules',
    files: {
      'go.mod': 'module github.com/acme/gokit\n\ngo 1.22\n',
      'otel/go.mod': 'module github.com/acme/gokit/otel\n\ngo 1.22\n',
      'internal/loader/testdata/mod/go.mod': 'module example.com/testmod\n',
      'internal/loader/testdata/other/go.mod': 'module github.com/acme/gokit\n',
      '_tools/go.mod': 'module github.com/acme/gokit/tools\n',
      'examples/hello/go.mod': 'module github.com/acme/gokit/examples/hello\n',
      'cmd/localtool/go.mod': 'module localtool\n',
    },
    expected: [
      ['.', 'go', 'github.com/acme/gokit'],
      ['otel', 'go', 'github.com/acme/gokit/otel'],
    ],
  },
  {
    name: 'Go SDK with a go.work naming a published module under examples/',
    files: {
      'go.mod': 'module cloud.acme.dev/sdk\n\ngo 1.22\n\nrequire cloud.acme.dev/sdk/otel v0.4.0\n',
      'go.work':
        'go 1.22\n\ntoolchain go1.22.4\n\n// examples/server is published: users import its handlers.\nuse (\n\t.\n\t./otel // tracing bridge\n' +
        '\t./examples/server\n\t./internal/testdata/fakeapi\n\t./_examples/legacy\n\t./tools/gen\n)\n\nuse "./storage"\n\n' +
        'replace cloud.acme.dev/sdk/examples/client => ./examples/client\n\nreplace (\n\tcloud.acme.dev/sdk/examples/batch => ./examples/batch\n)\n',
      'otel/go.mod': 'module cloud.acme.dev/sdk/otel\n\ngo 1.22\n',
      'storage/go.mod': 'module cloud.acme.dev/sdk/storage\n\ngo 1.22\n',
      'examples/server/go.mod': 'module cloud.acme.dev/sdk/examples/server\n\ngo 1.22\n\nrequire cloud.acme.dev/sdk v1.3.0\n',
      // Only replaced, not used: still example code.
      'examples/client/go.mod': 'module cloud.acme.dev/sdk/examples/client\n\ngo 1.22\n',
      'examples/batch/go.mod': 'module cloud.acme.dev/sdk/examples/batch\n\ngo 1.22\n',
      // Used, but the go tool ignores testdata and `_` directories, and `gen` has no domain.
      'internal/testdata/fakeapi/go.mod': 'module cloud.acme.dev/sdk/internal/testdata/fakeapi\n',
      '_examples/legacy/go.mod': 'module cloud.acme.dev/sdk/examples/legacy\n',
      'tools/gen/go.mod': 'module gen\n\ngo 1.22\n',
    },
    expected: [
      ['.', 'go', 'cloud.acme.dev/sdk'],
      ['examples/server', 'go', 'cloud.acme.dev/sdk/examples/server'],
      ['otel', 'go', 'cloud.acme.dev/sdk/otel'],
      ['storage', 'go', 'cloud.acme.dev/sdk/storage'],
    ],
  },
  {
    name: 'Dart tools repo with a pub workspace naming template packages under tools/templates/',
    files: {
      'pubspec.yaml':
        'name: _acme_tools_workspace\npublish_to: none\nenvironment:\n  sdk: ^3.6.0\nworkspace:\n  - pkgs/args\n  - pkgs/args/example\n  - pkgs/scaffold\n' +
        '  - tools/templates/console_app\n  - tools/templates/flutter_plugin\n',
      'pkgs/args/pubspec.yaml': pubspec('acme_args', 'resolution: workspace\nenvironment:\n  sdk: ^3.6.0\n'),
      // Named, but not published.
      'pkgs/args/example/pubspec.yaml': 'name: acme_args_example\npublish_to: none\nresolution: workspace\n',
      'pkgs/scaffold/pubspec.yaml': pubspec('acme_scaffold', 'resolution: workspace\nexecutables:\n  scaffold:\n'),
      'pkgs/scaffold/test/fixtures/broken/pubspec.yaml': pubspec('acme_broken_fixture'),
      'tools/templates/console_app/pubspec.yaml': pubspec('acme_console_template', 'resolution: workspace\n'),
      'tools/templates/flutter_plugin/pubspec.yaml': pubspec(
        'acme_plugin_template',
        'resolution: workspace\nflutter:\n  plugin:\n    platforms:\n      android:\n        package: dev.acme.plugin\n        pluginClass: AcmePlugin\n',
      ),
      // Not a workspace member: stays a data directory.
      'tools/templates/web_app/pubspec.yaml': pubspec('acme_web_template'),
    },
    expected: [
      ['pkgs/args', 'dart', 'acme_args'],
      ['pkgs/scaffold', 'dart', 'acme_scaffold'],
      ['tools/templates/console_app', 'dart', 'acme_console_template'],
      ['tools/templates/flutter_plugin', 'flutter', 'acme_plugin_template'],
    ],
  },
];

/** Writes `shape` into a fresh git repository under `parent`, commits it, and returns the directory. */
export function materialize(shape: Shape, parent: string): string {
  const dir = fs.mkdtempSync(path.join(parent, 'shape-'));
  const write = (files: Record<string, string>) => {
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
  };
  write(shape.files);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
  git('init', '-q');
  git('add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'shape');
  write(shape.untracked ?? {});
  return dir;
}
