/**
 * The compiled plugin in a real Nx workspace (the installed nx, no daemon, no cloud): what
 * `nx show projects`, `nx show project`, `nx graph` and `nx run` show a user.
 */
import { execFile, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { startHttpStub, type HttpStub } from '../../test-utils/http-stub';
import { compilePluginEntry } from './testing/compile-plugin';
import { FIXTURE_WORKSPACE } from './testing/fixture-workspace';

jest.setTimeout(120_000);

const REPO_ROOT = resolve(__dirname, '..', '..');
const REPO_NODE_MODULES = join(REPO_ROOT, 'node_modules');
const NX_PACKAGE = dirname(require.resolve('nx/package.json'));
const NX_BIN = join(NX_PACKAGE, (JSON.parse(readFileSync(join(NX_PACKAGE, 'package.json'), 'utf8')) as { bin: { nx: string } }).bin.nx);

let tmp: string;
let pluginEntry: string;

/** A workspace made of `files` (or the fixture), registering the compiled plugin through a JS shim. */
function makeWorkspace(name: string, files?: Record<string, string>): string {
  const ws = join(tmp, name);
  if (files) {
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(dirname(join(ws, file)), { recursive: true });
      writeFileSync(join(ws, file), text);
    }
  } else {
    cpSync(FIXTURE_WORKSPACE, ws, { recursive: true });
  }
  symlinkSync(REPO_NODE_MODULES, join(ws, 'node_modules'), 'dir');
  mkdirSync(join(ws, 'tools'), { recursive: true });
  writeFileSync(join(ws, 'tools', 'monochange-plugin.js'), `module.exports = require(${JSON.stringify(pluginEntry)});\n`);
  writeFileSync(join(ws, 'nx.json'), JSON.stringify({ plugins: [{ plugin: './tools/monochange-plugin.js', options: {} }] }, null, 2));
  return ws;
}

type NxResult = { status: number | null; stdout: string; stderr: string; output: string };

function nx(ws: string, ...args: string[]): NxResult {
  return nxWith({}, ws, ...args);
}

function nxWith(extraEnv: NodeJS.ProcessEnv, ws: string, ...args: string[]): NxResult {
  const r = spawnSync(process.execPath, [NX_BIN, ...args], { cwd: ws, env: nxEnv(extraEnv), encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, output: `${r.stdout}\n${r.stderr}` };
}

/** As nxWith, leaving this process free to answer (a loopback stub registry) while Nx runs. */
function nxAsync(extraEnv: NodeJS.ProcessEnv, ws: string, ...args: string[]): Promise<NxResult> {
  return new Promise((done) => {
    execFile(process.execPath, [NX_BIN, ...args], { cwd: ws, env: nxEnv(extraEnv), encoding: 'utf8' }, (error, stdout, stderr) => {
      const status = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      done({ status, stdout, stderr, output: `${stdout}\n${stderr}` });
    });
  });
}

function nxEnv(extraEnv: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    NX_VERBOSE_LOGGING: 'false',
    NX_IGNORE_CYCLES: 'false',
    ...extraEnv,
  };
  delete env.NODE_OPTIONS;
  return env;
}

/** The environment of a shell outside CI: no provider, no OIDC request variables. */
const NOT_CI: NodeJS.ProcessEnv = Object.fromEntries(
  ['CI', 'GITHUB_ACTIONS', 'GITLAB_CI', 'ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'NX_AGENT_NAME'].map((k) => [k, undefined]),
);

function showJson<T>(ws: string, ...args: string[]): T {
  const r = nx(ws, ...args, '--json');
  if (r.status !== 0) throw new Error(`nx ${args.join(' ')} failed:\n${r.output}`);
  return JSON.parse(r.stdout) as T;
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'monochange-nx-'));
  // dist/ resolves @nx/devkit, smol-toml, ... through this link, like an installed package would.
  symlinkSync(REPO_NODE_MODULES, join(tmp, 'node_modules'), 'dir');
  pluginEntry = compilePluginEntry(join(tmp, 'dist'));
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('a workspace of all six ecosystems', () => {
  let ws: string;
  beforeAll(() => {
    ws = makeWorkspace('fixture');
  });

  it('lists every declared package as a project, npm ones under their package.json/project.json names', () => {
    const projects = showJson<string[]>(ws, 'show', 'projects');
    expect(projects).toEqual(
      expect.arrayContaining([
        '@acme/js-util',
        'js-app',
        '@acme/js-testkit',
        'acme-core',
        'acme-build',
        'acme-cli',
        'acme-testing',
        'py-core',
        'py-cli',
        'go-lib',
        'go-app',
        'dart-models',
        'dart-app',
        'deno-std',
        'deno-tool',
      ]),
    );
    expect(projects).not.toContain('nested');
  });

  it('shows the publish targets with their publish order, tags and metadata', () => {
    type Project = { root: string; tags: string[]; targets: Record<string, Record<string, unknown>> };
    const cli = showJson<Project>(ws, 'show', 'project', 'acme-cli');
    expect(cli.root).toBe('crates/cli');
    expect(cli.tags).toEqual(expect.arrayContaining(['monochange', 'monochange:cargo']));
    expect(cli.targets.publish).toMatchObject({
      executor: '@monochange/nx:publish',
      cache: false,
      dependsOn: [{ target: 'publish', projects: ['acme-build', 'acme-core'], params: 'forward' }],
      metadata: { technologies: ['cargo'] },
    });
    expect(cli.targets['nx-release-publish']).toMatchObject({
      executor: '@monochange/nx:publish',
      dependsOn: [{ target: 'nx-release-publish', projects: ['acme-build', 'acme-core'] }],
    });
    expect(cli.targets['placeholder-publish']).toMatchObject({ executor: '@monochange/nx:placeholder-publish', cache: false });
    expect(cli.targets.readiness).toMatchObject({ executor: '@monochange/nx:readiness', cache: false });
  });

  it('a publish run gates exactly the projects Nx selects: tags, `!` exclusions, directories and globs are matched by Nx', () => {
    // Outside CI no identity is verifiable, so the preflight refuses every package in scope before
    // any task runs and records each one `blocked`: the artifact lists what the run would publish.
    const gated = (...args: string[]): string[] => {
      rmSync(join(ws, '.monochange'), { recursive: true, force: true });
      const r = nxWith(NOT_CI, ws, 'run-many', '-t', 'publish', ...args);
      expect(r.output).toContain('no verified CI identity');
      const artifact = JSON.parse(readFileSync(join(ws, '.monochange', 'publish-result.json'), 'utf8')) as { packages: Array<{ project: string }> };
      return artifact.packages.map((p) => p.project).sort();
    };
    expect(gated()).toHaveLength(15);
    expect(gated('-p', 'tag:monochange:cargo')).toEqual(['acme-build', 'acme-cli', 'acme-core', 'acme-testing']);
    expect(gated('-p', 'tag:monochange:python,!py-cli')).toEqual(['py-core']);
    // An excluded dependency is still published first (Nx runs its task through `dependsOn`), so gated too.
    expect(gated('-p', 'tag:monochange:npm,!@acme/js-util')).toEqual(['@acme/js-testkit', '@acme/js-util', 'js-app']);
    expect(gated('-p', 'py-*')).toEqual(['py-cli', 'py-core']);
    expect(gated('-p', 'tag:monochange', '--exclude=tag:monochange:cargo,go/*,dart-*,deno-*,py-*')).toEqual(['@acme/js-testkit', '@acme/js-util', 'js-app']);
  });

  it('adds static edges from the non-npm manifests to the project graph', () => {
    const file = join(tmp, 'graph.json');
    const r = nx(ws, 'graph', `--file=${file}`);
    expect(r.status).toBe(0);
    type Dep = { source: string; target: string; type: string };
    type Node = { data: { root: string; tags: string[]; targets: Record<string, Record<string, unknown>> } };
    const { graph } = JSON.parse(readFileSync(file, 'utf8')) as {
      graph: { nodes: Record<string, Node>; dependencies: Record<string, Dep[]> };
    };
    const deps = graph.dependencies;
    // An npm project keeps Nx's own inference (package.json scripts, project.json name) plus our targets.
    expect(graph.nodes['js-app'].data.root).toBe('packages/js-app');
    expect(graph.nodes['js-app'].data.tags).toEqual(expect.arrayContaining(['monochange', 'monochange:npm']));
    expect(graph.nodes['js-app'].data.targets.publish).toMatchObject({
      dependsOn: [{ target: 'publish', projects: ['@acme/js-util'] }],
    });
    expect(graph.nodes['deno-tool'].data.targets.publish).toMatchObject({
      dependsOn: [{ target: 'publish', projects: ['deno-std', '@acme/js-util'] }],
    });
    const edges = (p: string) => deps[p].map((d) => `${d.target}:${d.type}`).sort();
    expect(edges('acme-cli')).toEqual(['acme-build:static', 'acme-core:static']);
    expect(edges('acme-testing')).toEqual(['acme-cli:static']);
    expect(edges('py-cli')).toEqual(['py-core:static']);
    expect(edges('go-app')).toEqual(['go-lib:static']);
    expect(edges('dart-app')).toEqual(['dart-models:static']);
    expect(edges('deno-tool')).toEqual(['@acme/js-util:static', 'deno-std:static']);
    // Nx's own package.json edges are still there.
    expect(edges('js-app')).toContain('@acme/js-util:static');
  });
});

describe('what a user sees when something is wrong', () => {
  it('a broken package manifest is reported with its clear message, and every project is still listed', () => {
    const ws = makeWorkspace('broken-manifest');
    writeFileSync(join(ws, 'python/core/pyproject.toml'), '[project\nname = "broken"\n');
    const r = nx(ws, 'show', 'projects', '--json');
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/@monochange\/nx: python\/core\/pyproject\.toml:1:\d+: invalid TOML.*package `py-core`.*Fix:/);
    expect(r.output).not.toMatch(/^\s+at .*\.js:\d+/m);
    expect(JSON.parse(r.stdout)).toEqual(expect.arrayContaining(['py-core', 'py-cli', 'acme-cli', 'go-app', 'js-app', 'deno-tool']));
  });

  it('a broken monochange.toml is one warning with the clear message, no stack trace, and the graph still works', () => {
    const ws = makeWorkspace('broken-config');
    writeFileSync(join(ws, 'monochange.toml'), '[package.web]\npath = "packages/js-util"\ntype = "npmm"\n');
    const r = nx(ws, 'show', 'projects');
    expect(r.status).toBe(0);
    expect(r.output).toMatch(/@monochange\/nx: monochange\.toml:3.*npmm/);
    expect(r.output.match(/npmm/g)).toHaveLength(1);
    expect(r.output).not.toMatch(/^\s+at .*\.js:\d+/m);
  });

  describe('a run-time dependency cycle', () => {
    let ws: string;
    beforeAll(() => {
      ws = makeWorkspace('cycle', {
        'package.json': '{ "name": "cycle-root", "private": true }',
        // Trusted publishing off: the trust preflight passes, so what is left to see is the cycle.
        'monochange.toml':
          '[ecosystems.cargo.publish]\ntrusted_publishing = false\n\n[package.a]\npath = "a"\ntype = "cargo"\n\n[package.b]\npath = "b"\ntype = "cargo"\n',
        'a/Cargo.toml': '[package]\nname = "a"\nversion = "1.0.0"\n\n[dependencies]\nb = { path = "../b", version = "1" }\n',
        'b/Cargo.toml': '[package]\nname = "b"\nversion = "1.0.0"\n\n[dependencies]\na = { path = "../a", version = "1" }\n',
      });
    });

    it('stops `nx run` before any task runs, showing the path', () => {
      const r = nx(ws, 'run', 'a:publish');
      expect(r.status).not.toBe(0);
      expect(r.output).toContain('circular dependency');
      expect(r.output).toContain('a:publish --> b:publish --> a:publish');
      expect(r.output).not.toMatch(/nx run b:publish/);
    });

    it('still refuses, with the path, when Nx is told to ignore cycles (as `nx release publish` always is)', () => {
      const r = nxWith({ NX_IGNORE_CYCLES: 'true' }, ws, 'run-many', '-t', 'nx-release-publish');
      expect(r.status).not.toBe(0);
      expect(r.output).toContain('a:nx-release-publish --> b:nx-release-publish --> a:nx-release-publish');
      // Nx breaks the cycle and runs one side first: that task refuses, and the other is never run.
      expect(r.output).toMatch(/package `[ab]` is on a publish dependency cycle \(a -> b -> a\): .* Fix: /);
      expect(r.output).toMatch(/Tasks not run because their dependencies failed/);
    });
  });
});

describe('package ids with an ecosystem prefix (`rust:keystore`)', () => {
  // A crate and a Dart package of one name, told apart by the prefix of their ids; the crate
  // depends on a second prefixed crate. Trusted publishing stays on: outside CI the publish
  // preflight refuses every package in scope before any task runs, which shows what it selected.
  // (Nx 23 itself runs `nx run rust:keystore:publish` on project `rust:keystore`, resolving the
  // name against its graph, but the run-wide preflight read project `rust`, target `keystore` and
  // skipped the run; and Nx reads `-p 'rust:*'` as `*`, every project.)
  const FILES: Record<string, string> = {
    'package.json': '{ "name": "keystore-root", "private": true }',
    'monochange.toml': [
      '[package."rust:keystore"]\npath = "keystore"\ntype = "cargo"\n',
      '[package."rust:keystore-macros"]\npath = "keystore-macros"\ntype = "cargo"\n',
      '[package."dart:keystore"]\npath = "dart/keystore"\ntype = "dart"\n',
    ].join('\n'),
    'keystore/Cargo.toml':
      '[package]\nname = "keystore"\nversion = "0.4.0"\nedition = "2021"\nlicense = "MIT"\ndescription = "Keys"\n\n[dependencies]\nkeystore-macros = { path = "../keystore-macros", version = "0.4.0" }\n',
    'keystore/src/lib.rs': '',
    'keystore-macros/Cargo.toml': '[package]\nname = "keystore-macros"\nversion = "0.4.0"\nedition = "2021"\nlicense = "MIT"\ndescription = "Key macros"\n',
    'keystore-macros/src/lib.rs': '',
    'dart/keystore/pubspec.yaml': 'name: keystore\nversion: 0.4.0\ndescription: Keys\nenvironment:\n  sdk: ^3.0.0\n',
  };
  let ws: string;
  beforeAll(() => {
    ws = makeWorkspace('prefixed-ids', FILES);
  });

  it('names their projects without `:` (the run hooks, reading only the argv, take `nx run a:b:c` for project `a`, target `b`)', () => {
    expect(showJson<string[]>(ws, 'show', 'projects').sort()).toEqual(['dart-keystore', 'rust-keystore', 'rust-keystore-macros']);
    type Project = { root: string; targets: Record<string, Record<string, unknown>> };
    const crate = showJson<Project>(ws, 'show', 'project', 'rust-keystore');
    expect(crate.root).toBe('keystore');
    expect(crate.targets.publish).toMatchObject({ dependsOn: [{ target: 'publish', projects: ['rust-keystore-macros'] }] });
  });

  it('`nx run rust-keystore:publish` is gated by the preflight for that crate and the crate it needs, by id', () => {
    rmSync(join(ws, '.monochange'), { recursive: true, force: true });
    const r = nxWith(NOT_CI, ws, 'run', 'rust-keystore:publish');
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('no verified CI identity');
    const artifact = JSON.parse(readFileSync(join(ws, '.monochange', 'publish-result.json'), 'utf8')) as {
      packages: Array<{ project: string; package: string }>;
    };
    expect(artifact.packages.map((p) => [p.project, p.package]).sort()).toEqual([
      ['rust-keystore', 'rust:keystore'],
      ['rust-keystore-macros', 'rust:keystore-macros'],
    ]);
  });

  describe('with the executors installed', () => {
    let stub: HttpStub;
    beforeAll(async () => {
      stub = await startHttpStub();
      stub.route('GET', /^\/api\/v1\/crates\/[^/]+$/, { status: 404, body: { errors: [{ detail: 'Not Found' }] } });
      installExecutors(ws, ['readiness']);
    });
    afterAll(() => stub.close());

    it('`nx run rust-keystore:readiness` checks the crate `rust:keystore`, and nothing else', async () => {
      rmSync(join(ws, '.monochange'), { recursive: true, force: true });
      const env = { ...NOT_CI, MONOCHANGE_CRATES_IO_API_URL: `${stub.url}/api/v1`, MONOCHANGE_CRATES_IO_INDEX_URL: stub.url };
      const r = await nxAsync(env, ws, 'run', 'rust-keystore:readiness');
      expect(r.output).toContain('rust-keystore (keystore) 0.4.0 → crates_io');
      expect(r.output).toContain('[package."rust:keystore".publish.trusted_publishing]');
      const artifact = JSON.parse(readFileSync(join(ws, '.monochange', 'readiness.json'), 'utf8')) as {
        packages: Array<{ project: string; package: string; name: string }>;
      };
      expect(artifact.packages.map((p) => [p.project, p.package, p.name])).toEqual([['rust-keystore', 'rust:keystore', 'keystore']]);
      expect(stub.requests.map((q) => q.path)).toEqual(['/api/v1/crates/keystore']);
    });
  });

  it('refuses two ids that would share a project name, naming both in monochange.toml', () => {
    const clash = makeWorkspace('prefixed-clash', {
      ...FILES,
      'monochange.toml': `${FILES['monochange.toml']}\n[package.rust-keystore]\npath = "other"\ntype = "cargo"\n`,
      'other/Cargo.toml': '[package]\nname = "rust-keystore"\nversion = "0.1.0"\nedition = "2021"\nlicense = "MIT"\ndescription = "Other"\n',
      'other/src/lib.rs': '',
    });
    const shown = nx(clash, 'show', 'projects', '--json');
    expect(shown.status).toBe(0);
    expect(shown.stderr).toMatch(/monochange\.toml: .*`rust:keystore`.*`rust-keystore`.*Fix: /);
    expect(shown.output).not.toMatch(/^\s+at .*\.js:\d+/m);
    const run = nxWith(NOT_CI, clash, 'run', 'rust-keystore:publish');
    expect(run.status).not.toBe(0);
    expect(run.output).toMatch(/`rust:keystore`.*`rust-keystore`/);
  });
});

/**
 * Makes `@monochange/nx:<executor>` resolvable in `ws`: a node_modules of links to the repository's
 * packages plus an `@monochange/nx` holding the named executors, compiled.
 */
function installExecutors(ws: string, executors: string[]): void {
  const pkg = join(tmp, `executors-${executors.join('-')}`);
  compilePluginEntry(
    join(pkg, 'dist'),
    executors.flatMap((e) => [`executors/${e}/executor.ts`, `executors/${e}/batch.ts`]),
  );
  const declared = (JSON.parse(readFileSync(join(REPO_ROOT, 'executors.json'), 'utf8')) as { executors: Record<string, unknown> }).executors;
  for (const e of executors) cpSync(join(REPO_ROOT, 'src', 'executors', e, 'schema.json'), join(pkg, 'dist', 'executors', e, 'schema.json'));
  writeFileSync(join(pkg, 'executors.json'), JSON.stringify({ executors: Object.fromEntries(executors.map((e) => [e, declared[e]])) }));
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@monochange/nx', version: '0.0.0', executors: './executors.json' }));
  const modules = join(ws, 'node_modules');
  rmSync(modules);
  mkdirSync(join(modules, '@monochange'), { recursive: true });
  for (const entry of readdirSync(REPO_NODE_MODULES)) {
    if (entry !== '@monochange') symlinkSync(join(REPO_NODE_MODULES, entry), join(modules, entry));
  }
  symlinkSync(pkg, join(modules, '@monochange', 'nx'), 'dir');
}
