import fs from 'node:fs';
import path from 'node:path';
import { startRegistryWorld, type RegistryWorld } from '../test-utils/registry-world';
import { createNxWorkspace, nxEnv, type Workspace } from './support/nx-workspace';
import { packPlugin } from './support/plugin-tarball';
import { run } from './support/run';

/**
 * A new user's first hour with the packed plugin in their own Nx workspace (two npm libraries, a
 * crate, a Python package and a Go module at `go/`): nothing they run ends silently green, one
 * typo in monochange.toml does not break unrelated Nx commands, one name per package, dry runs
 * that answer as the real run would, and refusals that say each reason once.
 */
jest.setTimeout(600_000);

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
const repository = { type: 'git', url: 'git+https://github.com/acme/widgets.git' };

function files(): Record<string, string> {
  const build = (name: string) => ({ build: `node -e "console.log('built ${name}')"` });
  return {
    LICENSE: 'MIT License\n\nCopyright (c) 2026 Acme\n',
    'packages/core/package.json': json({
      name: '@acme/core',
      version: '1.2.0',
      description: 'Acme core',
      license: 'MIT',
      main: 'index.js',
      repository,
      scripts: build('core'),
    }),
    'packages/core/index.js': 'exports.answer = 42;\n',
    'packages/web/package.json': json({
      name: '@acme/web',
      version: '1.2.0',
      description: 'Acme web',
      license: 'MIT',
      main: 'index.js',
      repository,
      scripts: build('web'),
      dependencies: { '@acme/core': '^1.2.0' },
    }),
    'packages/web/index.js': "module.exports = require('@acme/core');\n",
    'crates/acme-types/Cargo.toml':
      '[package]\nname = "acme-types"\nversion = "1.2.0"\ndescription = "Acme types"\nlicense = "MIT"\nedition = "2021"\nrepository = "https://github.com/acme/widgets"\n',
    'crates/acme-types/src/lib.rs': 'pub fn answer() -> u32 {\n    42\n}\n',
    'python/acme-py/pyproject.toml':
      '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n[project]\nname = "acme-py"\nversion = "1.2.0"\ndescription = "Acme for Python"\nreadme = "README.md"\nlicense = "MIT"\nrequires-python = ">=3.9"\n',
    'python/acme-py/README.md': '# acme-py\n',
    'python/acme-py/src/acme_py/__init__.py': 'ANSWER = 42\n',
    'go/go.mod': 'module example.com/acme/widgets/go\n\ngo 1.22\n',
    'go/widgets.go': 'package widgets\n\nfunc Answer() int { return 42 }\n',
  };
}

describe('the first hour with @monochange/nx in a fresh Nx workspace', () => {
  let world: RegistryWorld;
  let ws: Workspace;
  let config = '';
  const out: string[] = [];
  /** Runs nx and records the command and its output for the before/after record. */
  const nx = async (args: string[], env: NodeJS.ProcessEnv = nxEnv(world.env)) => {
    const result = await ws.nx(args, env);
    out.push(`$ nx ${args.join(' ')}  (exit ${result.code})\n${result.output}`);
    return result;
  };

  beforeAll(async () => {
    const tarball = packPlugin();
    world = await startRegistryWorld();
    ws = await createNxWorkspace({ tarball, files: files(), name: 'mc-first-hour' });
  });

  afterAll(async () => {
    const record = process.env.MONOCHANGE_E2E_RECORD;
    if (record) fs.writeFileSync(record, out.join('\n\n'));
    await world?.stop();
    ws?.remove();
  });

  it("item 7: the README's install route from a tarball: `npm i -D ./monochange-nx-0.1.0.tgz`", async () => {
    fs.copyFileSync(packPlugin(), path.join(ws.root, 'monochange-nx-0.1.0.tgz'));
    const [npm, ...args] = ['npm', 'i', '-D', './monochange-nx-0.1.0.tgz'];
    const install = await run(npm, [...args, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: ws.root,
      env: nxEnv(),
      timeoutMs: 600_000,
    });
    if (install.code !== 0) throw new Error(install.output);
    expect(JSON.parse(ws.read('package.json')).devDependencies['@monochange/nx']).toBe('file:monochange-nx-0.1.0.tgz');
    expect(fs.existsSync(path.join(ws.root, 'node_modules/@monochange/nx/executors.json'))).toBe(true);
  });

  it('item 2: with the plugin registered and no monochange.toml, publish and readiness fail with the fix', async () => {
    expect(fs.existsSync(path.join(ws.root, 'monochange.toml'))).toBe(false);
    const results = [];
    for (const target of ['publish', 'readiness', 'placeholder-publish']) results.push([target, await nx(['run-many', '-t', target])] as const);
    for (const [target, result] of results) {
      expect([target, result.code]).not.toEqual([target, 0]);
      expect(result.output).toContain('monochange.toml');
      expect(result.output).toContain('nx g @monochange/nx:init');
      expect(result.output).not.toContain('Pass --verbose to see the stacktrace');
    }
  });

  it('init declares the packages; a config with no package declared fails the run the same way', async () => {
    const init = await nx(['g', '@monochange/nx:init', '--no-interactive']);
    if (init.code !== 0) throw new Error(init.output);
    config = ws.read('monochange.toml');
    ws.write('monochange.toml', config.replace(/^\[package\.[\s\S]*$/m, ''));
    const result = await nx(['run-many', '-t', 'publish']);
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/no package/i);
    expect(result.output).toContain('[package.<id>]');
    ws.write('monochange.toml', config);
  });

  it('item 3: a typo in monochange.toml leaves other Nx commands working; our targets fail with the message', async () => {
    expect(config).toMatch(/^type = "npm"$/m);
    ws.write('monochange.toml', config.replace(/^type = "npm"$/m, 'tpye = "npm"'));
    try {
      const shown = await nx(['show', 'projects']);
      const build = await nx(['run', '@acme/core:build']);
      const publish = await nx(['run-many', '-t', 'publish']);
      const one = await nx(['run', '@acme/core:publish']);
      expect(shown.code).toBe(0);
      expect(shown.output).toContain('@acme/core');
      expect(shown.output.match(/tpye/g) ?? []).toHaveLength(1);
      expect(build.code).toBe(0);
      expect(build.output).toContain('built core');
      expect(one.code).not.toBe(0);
      expect(one.output).toContain('tpye');
      expect(publish.code).not.toBe(0);
      expect(publish.output).toContain('tpye');
      expect(publish.output).not.toContain('Failed to process project graph');
      expect(publish.output).not.toContain('Pass --verbose to see the stacktrace');
    } finally {
      ws.write('monochange.toml', config);
    }
  });

  it('item 4: one name per package: project names in tables, a Go module by its module path', async () => {
    const one = await nx(['run', 'go:readiness']);
    const all = await nx(['run-many', '-t', 'readiness']);
    const again = await nx(['run', 'go:readiness']);
    expect(one.output).not.toMatch(/go go unknown/);
    expect(one.output).toContain('example.com/acme/widgets/go');
    const summary = all.output.slice(all.output.indexOf('Publish readiness'));
    expect(summary).toMatch(/^@acme\/core\s/m);
    expect(summary).not.toMatch(/^core\s/m);
    // Item 6: the job's own reason (no verified CI identity) is said once for the run, with one fix.
    expect(all.output.match(/requires trusted publishing from a CI job/g) ?? []).toHaveLength(1);
    expect(all.output).toMatch(/^✖ no verified CI identity: 4 packages \(/m);
    expect(all.output).not.toMatch(/✖ identity\.provider/);
    // Item 5: after a run of every package, a run of one shows only that one.
    const table = again.output.slice(again.output.indexOf('Publish readiness'));
    expect(table).not.toContain('@acme/core');
  });

  it('item 5 and 6: publish --dry-run outside CI is refused as the real run is, grouped, and uploads nothing', async () => {
    const dry = await nx(['run-many', '-t', 'publish', '--dry-run']);
    const real = await nx(['run-many', '-t', 'publish']);
    expect(dry.code).not.toBe(0);
    expect(dry.output).not.toMatch(/would publish/);
    expect(dry.output).toContain('publishing refused');
    expect(dry.output).not.toContain('Pass --verbose to see the stacktrace');
    expect(JSON.parse(ws.read('.monochange/publish-result.dry-run.json')).packages.every((p: { status: string }) => p.status === 'blocked')).toBe(true);

    expect(real.code).not.toBe(0);
    expect(real.output).not.toContain('Pass --verbose to see the stacktrace');
    // One line per reason, naming how many packages it stops, with its fix once.
    expect(real.output).toMatch(/no verified CI identity: 4 packages \(/);
    expect(real.output.match(/requires trusted publishing from a CI job/g) ?? []).toHaveLength(1);
    expect(real.output.match(/fix: /g) ?? []).toHaveLength(real.output.match(/^✖ /gm)?.length ?? -1);
    expect(real.output).not.toMatch(/\S Fix:/);
    const artifact = JSON.parse(ws.read('.monochange/publish-result.json'));
    expect(artifact.packages.map((p: { project: string }) => p.project).sort()).toEqual(['@acme/core', '@acme/web', 'acme-py', 'acme-types', 'go']);
    expect(artifact.packages.every((p: { status: string }) => p.status === 'blocked')).toBe(true);
    expect(await world.uploads()).toEqual([]);
  });
});
