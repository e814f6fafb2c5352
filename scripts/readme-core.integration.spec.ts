import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { transformFileSync } from '@swc/core';
import { startHttpStub, type HttpStub } from '../test-utils/http-stub';
import { publishResultSchema, readinessSchema } from '../src/core/run/artifact-schema';

/**
 * The README's "Use the core from a script" example, run as written: `node release.js` in a temp
 * workspace (npm `@acme/core` ← `@acme/web`) where `@monochange/nx` is installed as its package.json
 * lays it out (`exports["./core"]` → `dist/core`, compiled from src/), against a loopback npm registry.
 */
const root = path.resolve(__dirname, '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const HEADING = '## Use the core from a script\n';

function section(): string {
  const start = readme.indexOf(HEADING);
  if (start < 0) throw new Error(`README has no "${HEADING.trim()}" section`);
  const rest = readme.slice(start + HEADING.length);
  const next = rest.search(/^## /m);
  return next < 0 ? rest : rest.slice(0, next);
}

/** The package as installed: package.json, and src/ compiled to dist/ (what the build ships: no specs, fixtures or test helpers). */
function installPlugin(workspace: string): void {
  const target = path.join(workspace, 'node_modules', '@monochange', 'nx');
  const copy = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const from = path.join(dir, entry.name);
      const rel = path.relative(path.join(root, 'src'), from);
      if (entry.isDirectory()) {
        if (entry.name !== '__fixtures__' && entry.name !== 'testing') copy(from);
        continue;
      }
      if (entry.name.endsWith('.spec.ts') || entry.name.endsWith('.d.ts')) continue;
      const out = path.join(target, 'dist', entry.name.endsWith('.ts') ? rel.replace(/\.ts$/, '.js') : rel);
      fs.mkdirSync(path.dirname(out), { recursive: true });
      if (!entry.name.endsWith('.ts')) fs.copyFileSync(from, out);
      else {
        const { code } = transformFileSync(from, { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' }, swcrc: false });
        fs.writeFileSync(out, code);
      }
    }
  };
  copy(path.join(root, 'src'));
  fs.copyFileSync(path.join(root, 'package.json'), path.join(target, 'package.json'));
}

function writeWorkspace(workspace: string): void {
  const repository = { type: 'git', url: 'git+https://github.com/acme/widgets.git' };
  const npmPackage = (name: string, dependencies: Record<string, string> = {}) =>
    JSON.stringify({ name, version: '1.0.0', license: 'MIT', main: 'index.js', repository, publishConfig: { access: 'public' }, dependencies });
  const files: Record<string, string> = {
    'monochange.toml': [
      '[source]\nprovider = "github"\nowner = "acme"\nrepo = "widgets"\n',
      '[ecosystems.npm.publish]\ntrusted_publishing = false\n',
      '[package.core]\npath = "packages/core"\ntype = "npm"\n',
      '[package.web]\npath = "packages/web"\ntype = "npm"\n',
    ].join('\n'),
    'packages/core/package.json': npmPackage('@acme/core'),
    'packages/core/index.js': 'exports.answer = 42;\n',
    'packages/web/package.json': npmPackage('@acme/web', { '@acme/core': '^1.0.0' }),
    'packages/web/index.js': "module.exports = require('@acme/core');\n",
  };
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(workspace, rel)), { recursive: true });
    fs.writeFileSync(path.join(workspace, rel), text);
  }
}

describe('README: Use the core from a script', () => {
  let stub: HttpStub;
  let workspace: string;
  beforeAll(async () => {
    stub = await startHttpStub();
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-readme-core-'));
  });
  afterAll(async () => {
    await stub.close();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('shows one JavaScript example, and it runs: readiness, then a dry run of `web` with `core` first', async () => {
    const examples = [...section().matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(examples).toHaveLength(1);
    expect(section()).toContain('`node release.js`');
    writeWorkspace(workspace);
    installPlugin(workspace);
    fs.writeFileSync(path.join(workspace, 'release.js'), examples[0]);

    const { stdout } = await promisify(execFile)(process.execPath, ['release.js'], {
      cwd: workspace,
      // A plain shell: no CI identity; dependencies of the package from this repository's install.
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_PATH: path.join(root, 'node_modules'), MONOCHANGE_NPM_REGISTRY_URL: stub.url },
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    });

    const lines = stdout.trim().split('\n');
    expect(lines.slice(-2)).toEqual(['core: planned', 'web: planned']);
    expect(stdout).toContain('monochange: trust preflight passed for 2 package(s) (dry run)');
    const readiness = readinessSchema.parse(JSON.parse(fs.readFileSync(path.join(workspace, '.monochange/readiness.json'), 'utf8')));
    expect(readiness.packages.map((p) => [p.package, p.status])).toEqual([
      ['core', 'ready'],
      ['web', 'ready'],
    ]);
    const dryRun = publishResultSchema.parse(JSON.parse(fs.readFileSync(path.join(workspace, '.monochange/publish-result.dry-run.json'), 'utf8')));
    expect(dryRun.packages.map((p) => [p.package, p.status, p.dryRun])).toEqual([
      ['core', 'planned', true],
      ['web', 'planned', true],
    ]);
    expect(fs.existsSync(path.join(workspace, '.monochange/publish-result.json'))).toBe(false);
    // Nothing was uploaded: the registry saw lookups only.
    expect(stub.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });
});
