import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { readManifest } from '../src/core/manifests';
import type { Manifest } from '../src/core/manifests/types';
import { cratesIoRegistry } from '../src/core/registries/crates-io';
import { goProxyRegistry } from '../src/core/registries/go-proxy';
import { jsrRegistry } from '../src/core/registries/jsr';
import { npmRegistry } from '../src/core/registries/npm';
import { pubDevRegistry } from '../src/core/registries/pub-dev';
import { pypiRegistry } from '../src/core/registries/pypi';
import type { RegistryAdapter } from '../src/core/registries/types';
import type { Ecosystem } from '../src/core/types';
import { createExecaRunner } from '../src/core/util/command';
import { HttpClient } from '../src/core/util/http';
import { packageConfig, placeholderRequest, publishRequest } from '../test-utils/registry-request';
import { initGitRepo, startRegistryWorld, type RegistryWorld } from '../test-utils/registry-world';

/**
 * The registry world, exercised through the real adapters: every registry takes one publish and
 * then answers the adapter's lookup with it; npm goes through npm's own OIDC exchange.
 */
jest.setTimeout(60_000);

let world: RegistryWorld;
let root: string;
const http = new HttpClient({ retries: 0 });

/** The host's environment without anything of an outer CI or a developer's npm (npx sets npm_config_*). */
function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^(GITHUB_|ACTIONS_|RUNNER_|npm_|NPM_|MONOCHANGE_|CARGO_REGISTRY|UV_|JSR_|PUB_)/i.test(k) || k === 'CI') continue;
    out[k] = v;
  }
  return { ...out, ...extra };
}

function write(rel: string, text: string): void {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

async function publish(adapter: RegistryAdapter, id: string, dir: string, type: Ecosystem, env: Record<string, string>, version?: string) {
  const manifest = readManifest(root, { id, path: dir, type });
  const job = cleanEnv(env);
  const req = publishRequest(root, packageConfig(id, dir, type, adapter.id), manifest, version ?? manifest.version ?? '', job);
  const attempt = await adapter.publish(req, createExecaRunner(job));
  return { manifest, attempt };
}

const exists = (adapter: RegistryAdapter, manifest: Manifest, version: string | null) => adapter.versionExists(manifest, version, { env: world.env, http });

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'monochange-world-spec-'));
  world = await startRegistryWorld({ workspaceRoot: root });
});

afterAll(async () => {
  await world?.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('the simulated job', () => {
  it('derives env and claims from one job, and lets a test make them disagree', async () => {
    const mint = async (env: Record<string, string>) => {
      const url = new URL(env.ACTIONS_ID_TOKEN_REQUEST_URL);
      url.searchParams.set('audience', 'monochange-nx');
      const res = await fetch(url, { headers: { authorization: `Bearer ${env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}` } });
      const token = ((await res.json()) as { value: string }).value;
      return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
    };
    const env = world.ciEnv();
    expect(env).toMatchObject({
      GITHUB_ACTIONS: 'true',
      CI: 'true',
      GITHUB_REPOSITORY: 'acme/widgets',
      GITHUB_WORKFLOW_REF: 'acme/widgets/.github/workflows/publish.yml@refs/tags/v1.0.0',
      GITHUB_REF_TYPE: 'tag',
      GITHUB_JOB: 'publish',
      CARGO_REGISTRY_TOKEN: 'cio-tp-fake-short-lived',
      MONOCHANGE_NPM_REGISTRY_URL: world.npm.url,
    });
    expect(env.GITHUB_ENVIRONMENT).toBeUndefined();
    expect(env.PATH.split(path.delimiter)[0]).toBe(world.standIns.binDir);
    expect(fs.readFileSync(env.npm_config_userconfig, 'utf8')).not.toMatch(/_authToken/);
    expect(await mint(env)).toMatchObject({
      aud: 'monochange-nx',
      iss: world.issuer.url,
      repository: 'acme/widgets',
      environment: 'release',
      ref: 'refs/tags/v1.0.0',
    });

    const moved = world.ciEnv({ job: { owner: 'other', ref: 'refs/heads/main', environment: null } });
    expect(moved.GITHUB_REPOSITORY).toBe('other/widgets');
    const movedClaims = await mint(moved);
    expect(movedClaims).toMatchObject({ repository: 'other/widgets', ref_type: 'branch' });
    expect(movedClaims.environment).toBeUndefined();

    const forged = world.ciEnv({ claims: { repository: 'evil/fork' }, env: { GITHUB_JOB: undefined } });
    expect(forged.GITHUB_REPOSITORY).toBe('acme/widgets');
    expect(forged.GITHUB_JOB).toBeUndefined();
    expect((await mint(forged)).repository).toBe('evil/fork');

    world.ciEnv(); // back to the agreeing job for the publishes below
    expect(world.sourceToml()).toBe(`[source]\nprovider = "github"\nowner = "acme"\nrepo = "widgets"\n\n[source.oidc]\nissuer = "${world.issuer.url}"\n`);
  });
});

describe('publishing through the adapters', () => {
  beforeAll(() => {
    write('.gitignore', 'target\n');
    write('npm/web/package.json', JSON.stringify({ name: '@acme/rw-web', version: '1.0.0', license: 'MIT' }));
    write('npm/web/index.js', 'module.exports = 1;\n');
    write('Cargo.toml', '[workspace]\nmembers = ["crates/core", "crates/cli"]\nresolver = "2"\n');
    const crate = (name: string, deps = '') =>
      `[package]\nname = "${name}"\nversion = "1.0.0"\nedition = "2021"\ndescription = "${name}"\nlicense = "MIT"\n${deps}`;
    write('crates/core/Cargo.toml', crate('rw-core'));
    write('crates/core/src/lib.rs', 'pub fn one() -> u32 { 1 }\n');
    write('crates/cli/Cargo.toml', crate('rw-cli', '\n[dependencies]\nrw-core = { version = "1.0.0", path = "../core" }\n'));
    write('crates/cli/src/lib.rs', 'pub fn two() -> u32 { rw_core::one() + 1 }\n');
    write('deno/lib/deno.json', JSON.stringify({ name: '@acme/rw-deno', version: '1.0.0', exports: './mod.ts' }));
    write('deno/lib/mod.ts', 'export const x = 1;\n');
    write('py/tool/pyproject.toml', '[project]\nname = "Rw_Tool"\nversion = "1.0.0"\n');
    write('dart/app/pubspec.yaml', 'name: rw_dart\nversion: 1.0.0\ndescription: stand-in\n');
    write('go/Mod/go.mod', 'module example.com/acme/Mod\n\ngo 1.22\n');
    write('go/Mod/mod.go', 'package mod\n');
  });

  it('npm: a real `npm publish` in the job authenticates by the OIDC exchange and lands in Verdaccio', async () => {
    const { manifest, attempt } = await publish(npmRegistry, 'web', 'npm/web', 'npm', world.ciEnv());
    expect(attempt).toMatchObject({ status: 'published' });
    expect(world.npm.proxy.exchanges).toEqual([{ name: '@acme/rw-web', ok: true }]);
    expect(await exists(npmRegistry, manifest, '1.0.0')).toBe(true);
  });

  it('npm: without a trusted-publisher record the exchange is refused and nothing is uploaded', async () => {
    write('npm/other/package.json', JSON.stringify({ name: 'rw-untrusted', version: '1.0.0', license: 'MIT' }));
    world.npm.setTrustedPublisher({ repository: 'someone/else', workflow: 'publish.yml' }, 'rw-untrusted');
    const { manifest, attempt } = await publish(npmRegistry, 'other', 'npm/other', 'npm', world.ciEnv());
    expect(attempt.status).toBe('failed');
    expect(world.npm.proxy.exchanges.at(-1)).toMatchObject({ name: 'rw-untrusted', ok: false });
    expect(await exists(npmRegistry, manifest, null)).toBe(false);
  });

  it('npm: an owner publishes a placeholder from a laptop with the token the proxy accepts', async () => {
    write('npm/placeholder/package.json', JSON.stringify({ name: 'rw-placeholder', version: '1.0.0', license: 'MIT' }));
    const manifest = readManifest(root, { id: 'ph', path: 'npm/placeholder', type: 'npm' });
    const env = cleanEnv(world.tokenEnv);
    const attempt = await npmRegistry.publishPlaceholder(
      placeholderRequest(root, packageConfig('ph', 'npm/placeholder', 'npm', 'npm'), manifest, env),
      createExecaRunner(env),
    );
    expect(attempt).toMatchObject({ status: 'published' });
    expect(await exists(npmRegistry, manifest, '0.0.0')).toBe(true);
  });

  it('crates.io: real `cargo publish` uploads, the dependent crate after its dependency', async () => {
    await execa('cargo', ['generate-lockfile', '--offline'], { cwd: root, env: cleanEnv(world.env), extendEnv: false });
    const core = await publish(cratesIoRegistry, 'core', 'crates/core', 'cargo', world.ciEnv());
    expect(core.attempt).toMatchObject({ status: 'published' });
    const cli = await publish(cratesIoRegistry, 'cli', 'crates/cli', 'cargo', world.ciEnv());
    expect(cli.attempt).toMatchObject({ status: 'published' });
    expect(await exists(cratesIoRegistry, cli.manifest, '1.0.0')).toBe(true);
    const [published] = world.crates.published().filter((c) => c.name === 'rw-cli');
    expect(published.deps).toEqual([expect.objectContaining({ name: 'rw-core', req: '^1.0.0', kind: 'normal' })]);
    const index = await fetch(`${world.crates.indexUrl}/rw/-c/rw-cli`).then((r) => r.text());
    expect(JSON.parse(index.trim())).toMatchObject({ name: 'rw-cli', vers: '1.0.0', cksum: published.cksum, yanked: false });
  }, 120_000);

  it('JSR: the deno stand-in publishes with the job OIDC token; a dry run registers nothing', async () => {
    const first = await publish(jsrRegistry, 'deno', 'deno/lib', 'deno', world.ciEnv());
    expect(first.attempt.status).toBe('published');
    const { manifest } = first;
    expect(await exists(jsrRegistry, manifest, '1.0.0')).toBe(true);
    expect(world.registries.uploads()).toEqual([
      expect.objectContaining({
        registry: 'jsr',
        name: '@acme/rw-deno',
        version: '1.0.0',
        auth: 'oidc',
        identity: expect.objectContaining({ repository: 'acme/widgets' }),
      }),
    ]);
    const again = await jsrRegistry.publish(
      publishRequest(root, packageConfig('deno', 'deno/lib', 'deno', 'jsr'), manifest, '1.0.0', cleanEnv(world.ciEnv()), { dryRun: true }),
      createExecaRunner(cleanEnv(world.ciEnv())),
    );
    expect(again.status).toBe('planned');
    expect(world.registries.uploads()).toHaveLength(1);
    const calls = world.standIns.calls().filter((c) => c.tool === 'deno');
    expect(calls.map((c) => c.argv)).toEqual([['publish'], ['publish', '--dry-run', '--allow-dirty']]);
    expect(calls[0].env).toMatchObject({ JSR_URL: `${world.registries.jsrUrl}/`, MONOCHANGE_OIDC_TOKEN: null });
  });

  it('PyPI: the uv stand-ins build and upload to the loopback upload URL', async () => {
    const { manifest, attempt } = await publish(pypiRegistry, 'tool', 'py/tool', 'python', world.ciEnv());
    expect(attempt).toMatchObject({ status: 'published' });
    expect(await exists(pypiRegistry, manifest, '1.0.0')).toBe(true);
    expect(world.registries.uploads().at(-1)).toMatchObject({ registry: 'pypi', name: 'rw-tool', version: '1.0.0', auth: 'oidc' });
    const upload = world.standIns.calls().find((c) => c.tool === 'uv' && c.argv[0] === 'publish');
    expect(upload?.argv).toEqual(expect.arrayContaining(['--trusted-publishing', 'always']));
  });

  it('pub.dev: the dart stand-in publishes to PUB_HOSTED_URL; a second publish is refused as existing', async () => {
    const { manifest, attempt } = await publish(pubDevRegistry, 'app', 'dart/app', 'dart', world.ciEnv());
    expect(attempt).toMatchObject({ status: 'published' });
    expect(await exists(pubDevRegistry, manifest, '1.0.0')).toBe(true);
    const again = await publish(pubDevRegistry, 'app', 'dart/app', 'dart', world.ciEnv());
    expect(again.attempt).toMatchObject({ status: 'failed', alreadyExists: true });
  });

  it('Go: the pushed tag is what the proxy serves', async () => {
    const head = initGitRepo(root, world.go.originUrl);
    expect(world.ciEnv().GITHUB_SHA).toBe(head);
    const before = readManifest(root, { id: 'mod', path: 'go/Mod', type: 'go' });
    expect(await exists(goProxyRegistry, before, '1.0.0')).toBe(false);
    const { manifest, attempt } = await publish(goProxyRegistry, 'mod', 'go/Mod', 'go', world.ciEnv(), '1.0.0');
    expect(attempt).toMatchObject({ status: 'published' });
    expect(attempt.message).toMatch(/the Go proxy serves example\.com\/acme\/Mod v1\.0\.0/);
    expect(await exists(goProxyRegistry, manifest, '1.0.0')).toBe(true);
    const base = `${world.go.url}/example.com/acme/!mod/@v`;
    expect(await fetch(`${base}/list`).then((r) => r.text())).toBe('v1.0.0\n');
    expect(await fetch(`${base}/v1.0.0.mod`).then((r) => r.text())).toContain('module example.com/acme/Mod');
    const zipResponse: Response = await fetch(`${base}/v1.0.0.zip`);
    const zip = Buffer.from(await zipResponse.arrayBuffer());
    expect(zip.subarray(0, 2).toString()).toBe('PK');
    expect(zip.includes(Buffer.from('example.com/acme/Mod@v1.0.0/mod.go'))).toBe(true);
  });

  it('stand-ins fail like the real tools without an id-token permission, and never leave loopback', async () => {
    write('deno/other/deno.json', JSON.stringify({ name: '@acme/rw-other', version: '1.0.0', exports: './mod.ts' }));
    const cwd = path.join(root, 'deno/other');
    const run = (env: Record<string, string | undefined>) =>
      execa('deno', ['publish'], {
        cwd,
        env: cleanEnv(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as Record<string, string>),
        extendEnv: false,
        reject: false,
      });
    const noIdToken = await run(world.ciEnv({ env: { ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined } }));
    expect(noIdToken.exitCode).toBe(1);
    expect(noIdToken.stderr).toMatch(/no OIDC token available/);
    const noOverride = await run({ ...world.ciEnv(), JSR_URL: undefined });
    expect(noOverride.exitCode).toBe(1);
    expect(noOverride.stderr).toMatch(/refuses to contact https:\/\/jsr\.io/);
    expect(world.registries.uploads().filter((u) => u.name === '@acme/rw-other')).toEqual([]);
  });

  it('uploads() lists each real upload once, in the order the registries took them', async () => {
    const uploads = await world.uploads();
    expect(uploads.map((u) => `${u.registry}:${u.name}@${u.version}`)).toEqual([
      'npm:@acme/rw-web@1.0.0',
      'npm:rw-placeholder@0.0.0',
      'crates_io:rw-core@1.0.0',
      'crates_io:rw-cli@1.0.0',
      'jsr:@acme/rw-deno@1.0.0',
      'pypi:rw-tool@1.0.0',
      'pub_dev:rw_dart@1.0.0',
      'go_proxy:example.com/acme/Mod@1.0.0',
    ]);
    const times = uploads.map((u) => u.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});

describe('stop()', () => {
  it('stops every server and removes every temp dir', async () => {
    const dirs = [...world.tempDirs];
    const urls = [world.npm.url, world.npm.verdaccio.url, world.issuer.url, world.go.url, world.crates.apiUrl, world.registries.jsrUrl];
    expect(dirs.every((d) => fs.existsSync(d))).toBe(true);
    await world.stop();
    expect(dirs.filter((d) => fs.existsSync(d))).toEqual([]);
    for (const url of urls) await expect(fetch(url)).rejects.toThrow();
  });
});
