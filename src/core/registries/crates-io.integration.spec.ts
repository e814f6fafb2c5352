import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { startCratesRegistry, type CratesRegistryStub } from '../../../test-utils/crates-index';
import { refusedPortUrl, startHttpStub, type HttpStub } from '../../../test-utils/http-stub';
import { packageConfig, placeholderRequest, publishRequest } from '../../../test-utils/registry-request';
import { isMonochangeError } from '../errors';
import type { CargoData, Manifest } from '../manifests/types';
import type { Env } from '../types';
import { createExecaRunner, type CommandRunner, type CommandSpec } from '../util/command';
import { HttpClient } from '../util/http';
import { cargoReadinessBlockers, cratesIoRegistry, sparseIndexPath } from './crates-io';

const http = new HttpClient({ retries: 0 });

// Real cargo builds on a slow two-core machine.
jest.setTimeout(120_000);

function crateManifest(dir: string, name: string, version: string, cargo: Partial<CargoData> = {}): Manifest {
  return {
    ecosystem: 'cargo',
    file: path.join(dir, 'Cargo.toml'),
    dir,
    name,
    version,
    private: false,
    dependencies: [],
    cargo: { publish: true, description: 'A tiny crate', license: 'MIT', edition: '2021', ...cargo },
  };
}

async function writeCrate(dir: string, name: string, version: string): Promise<void> {
  await mkdir(path.join(dir, 'src'), { recursive: true });
  await writeFile(
    path.join(dir, 'Cargo.toml'),
    `[package]\nname = "${name}"\nversion = "${version}"\nedition = "2021"\ndescription = "A tiny crate"\nlicense = "MIT"\n\n[workspace]\n`,
  );
  await writeFile(path.join(dir, 'src', 'lib.rs'), 'pub fn answer() -> u32 { 42 }\n');
}

/** File names inside a .crate (a gzipped tar): enough to see what was packaged. */
function tarEntries(crate: Buffer): string[] {
  const tar = gunzipSync(crate);
  const names: string[] = [];
  for (let offset = 0; offset + 512 <= tar.length;) {
    const header = tar.subarray(offset, offset + 512);
    const name = header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    if (!name) break;
    const prefix = header.subarray(345, 500).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(header.subarray(124, 136).toString('utf8').replace(/\0.*$/s, '').trim() || '0', 8);
    names.push(prefix ? `${prefix}/${name}` : name);
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return names;
}

describe('crates.io lookups', () => {
  let stub: HttpStub;
  let refused: string;
  const env = (): Env => ({ MONOCHANGE_CRATES_IO_API_URL: `${stub.url}/api/v1`, MONOCHANGE_CRATES_IO_INDEX_URL: `${stub.url}/index` });
  const manifest = crateManifest('/nowhere', 'Serde_Thing', '1.0.0');
  const exists = (version: string | null, e: Env = env()) => cratesIoRegistry.versionExists(manifest, version, { env: e, http });

  beforeAll(async () => {
    stub = await startHttpStub();
    refused = await refusedPortUrl();
  });
  afterAll(() => stub.close());

  it('reads versions[].num from the API, encoding the name', async () => {
    stub.route('GET', '/api/v1/crates/Serde_Thing', { body: { versions: [{ num: '0.9.0' }, { num: '1.0.0' }] } });
    await expect(exists('1.0.0')).resolves.toBe(true);
    await expect(exists('1.0.1')).resolves.toBe(false);
    await expect(exists(null)).resolves.toBe(true);
  });

  it('reads 404 as absent without asking the index', async () => {
    stub.route('GET', '/api/v1/crates/Serde_Thing', { status: 404, body: { errors: [{ detail: 'Not Found' }] } });
    const before = stub.requests.length;
    await expect(exists('1.0.0')).resolves.toBe(false);
    await expect(exists(null)).resolves.toBe(false);
    expect(stub.requests.slice(before).every((r) => r.path.startsWith('/api/'))).toBe(true);
  });

  it('falls back to the sparse index (lower-cased path) when the API answers 500', async () => {
    stub.route('GET', '/api/v1/crates/Serde_Thing', { status: 500, body: 'boom' });
    stub.route('GET', '/index/se/rd/serde_thing', {
      body: '{"name":"Serde_Thing","vers":"1.0.0","deps":[]}\n{"name":"Serde_Thing","vers":"1.1.0","deps":[]}\n',
    });
    await expect(exists('1.1.0')).resolves.toBe(true);
    await expect(exists('2.0.0')).resolves.toBe(false);
    await expect(exists(null)).resolves.toBe(true);
    stub.route('GET', '/index/se/rd/serde_thing', { status: 404, body: 'not found' });
    await expect(exists('1.0.0')).resolves.toBe(false);
    await expect(exists(null)).resolves.toBe(false);
  });

  it('reports both failures together when the API and the index fail', async () => {
    stub.route('GET', '/api/v1/crates/Serde_Thing', { status: 503, body: 'down' });
    stub.route('GET', '/index/se/rd/serde_thing', { status: 502, body: 'bad gateway' });
    const error = await exists('1.0.0').catch((e: unknown) => e);
    expect(isMonochangeError(error)).toBe(true);
    expect((error as Error).message).toContain(`crates.io lookup failed: GET ${stub.url}/api/v1/crates/Serde_Thing answered HTTP 503`);
    expect((error as Error).message).toContain(`crates.io index fallback failed: GET ${stub.url}/index/se/rd/serde_thing answered HTTP 502`);
  });

  it('treats malformed JSON from the API as an error, never as absent', async () => {
    stub.route('GET', '/api/v1/crates/Serde_Thing', { body: '{"versions": [' });
    await expect(exists('1.0.0')).rejects.toThrow(/crates\.io lookup decode failed: GET .*\/api\/v1\/crates\/Serde_Thing/);
    stub.route('GET', '/api/v1/crates/Serde_Thing', { body: { crate: {} } });
    await expect(exists('1.0.0')).rejects.toThrow(/without a `versions` list/);
  });

  it('treats a malformed index line as an error', async () => {
    stub.route('GET', '/api/v1/crates/Serde_Thing', { status: 500, body: 'boom' });
    stub.route('GET', '/index/se/rd/serde_thing', { body: 'not json\n' });
    await expect(exists('1.0.0')).rejects.toThrow(/crates\.io index decode failed: GET .*serde_thing line 1/);
  });

  it('falls back to the index when the API refuses connections, and names both when both do', async () => {
    stub.route('GET', '/index/se/rd/serde_thing', { body: '{"name":"Serde_Thing","vers":"1.0.0"}\n' });
    const apiDown = { MONOCHANGE_CRATES_IO_API_URL: `${refused}/api/v1`, MONOCHANGE_CRATES_IO_INDEX_URL: `${stub.url}/index` };
    await expect(exists('1.0.0', apiDown)).resolves.toBe(true);
    const bothDown = { MONOCHANGE_CRATES_IO_API_URL: `${refused}/api/v1`, MONOCHANGE_CRATES_IO_INDEX_URL: `${refused}/index` };
    const error = (await exists('1.0.0', bothDown).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain(`crates.io lookup failed: GET ${refused}/api/v1/crates/Serde_Thing: connection refused`);
    expect(error.message).toContain(`crates.io index fallback failed: GET ${refused}/index/se/rd/serde_thing: connection refused`);
  });

  it('uses the default URLs and strips a trailing slash or sparse+ prefix from overrides', () => {
    expect(cratesIoRegistry.baseUrl({})).toBe('https://crates.io/api/v1');
    expect(cratesIoRegistry.baseUrl({ MONOCHANGE_CRATES_IO_API_URL: 'http://127.0.0.1:1/api/v1/' })).toBe('http://127.0.0.1:1/api/v1');
    expect(cratesIoRegistry.baseUrlEnv).toBe('MONOCHANGE_CRATES_IO_API_URL');
  });
});

describe('sparseIndexPath', () => {
  it.each([
    ['a', '1/a'],
    ['ab', '2/ab'],
    ['abc', '3/a/abc'],
    ['Serde', 'se/rd/serde'],
    ['tiny-crate', 'ti/ny/tiny-crate'],
  ])('%s → %s', (name, expected) => expect(sparseIndexPath(name)).toBe(expected));
});

describe('cargoReadinessBlockers', () => {
  const m = (cargo: Partial<CargoData>) => crateManifest('/x', 'c', '1.0.0', cargo);
  it('passes a crate with description and license (or license-file)', () => {
    expect(cargoReadinessBlockers(m({}))).toEqual([]);
    expect(cargoReadinessBlockers(m({ license: undefined, licenseFile: 'LICENSE' }))).toEqual([]);
    expect(cargoReadinessBlockers(m({ publish: ['crates-io', 'mirror'] }))).toEqual([]);
  });
  it('lists every blocker, each naming its Cargo.toml key: publish off or without crates-io, no description, no license, no [package]', () => {
    expect(cargoReadinessBlockers(m({ publish: false, description: ' ', license: undefined }))).toEqual([
      'package.publish is false',
      'package.description is required for crates.io',
      'package.license or package.license-file is required for crates.io',
    ]);
    expect(cargoReadinessBlockers(m({ publish: ['internal'] }))).toEqual(['package.publish does not include crates-io']);
    expect(cargoReadinessBlockers(m({ missingPackage: true }))).toEqual(['Cargo manifest is missing [package]']);
  });
});

describe('crates.io publishing with real cargo against a loopback registry', () => {
  let registry: CratesRegistryStub;
  let tmp: string;
  let cargoHome: string;
  let runner: ReturnType<typeof createExecaRunner>;
  const TOKEN = 'fake-cargo-token-not-real';

  beforeAll(async () => {
    registry = await startCratesRegistry();
    tmp = await mkdtemp(path.join(os.tmpdir(), 'mc-crates-spec-'));
    cargoHome = path.join(tmp, 'cargo-home');
    await mkdir(cargoHome);
    // CARGO_HOME in a temp dir: nothing touches ~/.cargo; the rustup proxy still finds its toolchain.
    runner = createExecaRunner({ ...process.env, CARGO_HOME: cargoHome, CARGO_REGISTRY_TOKEN: undefined, CARGO_TERM_COLOR: 'never' });
  });
  afterAll(async () => {
    await registry.close();
    await rm(tmp, { recursive: true, force: true });
  });

  const crate = async (name: string, version = '0.1.0') => {
    const dir = path.join(tmp, name);
    await writeCrate(dir, name, version);
    return { dir, manifest: crateManifest(dir, name, version), pkg: packageConfig(name, name, 'cargo', 'crates_io') };
  };

  it('dry run runs `cargo publish --dry-run` against the overridden index and uploads nothing', async () => {
    const { dir, manifest, pkg } = await crate('tiny-dry');
    const attempt = await cratesIoRegistry.publish(publishRequest(tmp, pkg, manifest, '0.1.0', registry.env(), { dryRun: true }), runner);
    expect(attempt.status).toBe('planned');
    expect(attempt.command).toBe(
      `CARGO_REGISTRIES_MONOCHANGE_OVERRIDE_INDEX=sparse+${registry.indexUrl}/ cargo publish --locked --manifest-path ${path.join(dir, 'Cargo.toml')} --registry monochange-override --dry-run`,
    );
    expect(attempt.stderr).toContain('aborting upload due to dry run');
    expect(registry.putCount()).toBe(0);
    expect(registry.stub.requests.some((r) => r.path === '/index/config.json')).toBe(true);
  });

  it('uploads for real with the token, then sees the version and refuses a second upload', async () => {
    const { manifest, pkg } = await crate('tiny-real');
    const env = { ...registry.env(), CARGO_REGISTRY_TOKEN: TOKEN };
    const attempt = await cratesIoRegistry.publish(publishRequest(tmp, pkg, manifest, '0.1.0', env), runner);
    expect(attempt).toMatchObject({ status: 'published', message: 'published tiny-real 0.1.0 to crates.io' });
    expect(attempt.command).toMatch(
      / cargo publish --locked .* --dry-run && CARGO_REGISTRIES_MONOCHANGE_OVERRIDE_INDEX=\S+ cargo publish --no-verify --locked /,
    );
    expect(attempt.command).not.toContain('--token');
    expect(attempt.command).not.toContain(TOKEN);
    expect(`${attempt.stdout}${attempt.stderr}`).not.toContain(TOKEN);
    expect(registry.putCount()).toBe(1);
    expect(registry.uploads[0]).toMatchObject({ name: 'tiny-real', vers: '0.1.0', authorization: TOKEN });
    await expect(cratesIoRegistry.versionExists(manifest, '0.1.0', { env, http })).resolves.toBe(true);

    const again = await cratesIoRegistry.publish(publishRequest(tmp, pkg, manifest, '0.1.0', env), runner);
    expect(again.status).toBe('failed');
    expect(again.alreadyExists).toBe(true);
    expect(again.authFailure).toBeUndefined();
    expect(cratesIoRegistry.isAlreadyPublishedOutput(`${again.stdout}\n${again.stderr}`)).toBe(true);
    expect(registry.putCount()).toBe(1);
  });

  it('batch: one verify run for a workspace whose crate depends on an unpublished one, granted nothing; then uploads only', async () => {
    const ws = path.join(tmp, 'batch-ws');
    const member = async (name: string, deps = '') => {
      await mkdir(path.join(ws, name, 'src'), { recursive: true });
      await writeFile(
        path.join(ws, name, 'Cargo.toml'),
        `[package]\nname = "${name}"\nversion = "0.3.0"\nedition = "2021"\ndescription = "A tiny crate"\nlicense = "MIT"\npublish = ["monochange-override"]\n${deps}`,
      );
      await writeFile(path.join(ws, name, 'src', 'lib.rs'), 'pub fn answer() -> u32 { 42 }\n');
      return { manifest: crateManifest(path.join(ws, name), name, '0.3.0'), pkg: packageConfig(name, name, 'cargo', 'crates_io') };
    };
    await mkdir(ws, { recursive: true });
    await writeFile(path.join(ws, 'Cargo.toml'), '[workspace]\nmembers = ["batch-a", "batch-b"]\nresolver = "2"\n');
    const a = await member('batch-a');
    const b = await member('batch-b', `\n[dependencies]\nbatch-a = { path = "../batch-a", version = "0.3.0", registry = "monochange-override" }\n`);
    const env = { ...registry.env(), CARGO_REGISTRY_TOKEN: TOKEN };
    await runner.run({
      command: 'cargo',
      args: ['generate-lockfile', '--manifest-path', path.join(ws, 'Cargo.toml')],
      cwd: ws,
      env: registry.env() as Record<string, string>,
    });
    const calls: CommandSpec[] = [];
    const recording = { run: (spec: CommandSpec) => (calls.push(spec), runner.run(spec)) };
    const reqs = [a, b].map((c) => publishRequest(tmp, c.pkg, c.manifest, '0.3.0', env));
    const putsBefore = registry.putCount();
    const prepared = await cratesIoRegistry.prepareUploads!(reqs, recording);
    expect(calls).toHaveLength(1);
    expect(calls[0].args).toEqual(expect.arrayContaining(['-p', 'batch-a', '-p', 'batch-b', '--dry-run']));
    expect(calls[0].credentials).toBeUndefined();
    expect(registry.putCount()).toBe(putsBefore);
    for (const [i, req] of reqs.entries()) {
      const attempt = await cratesIoRegistry.publish({ ...req, prepared: prepared.uploads[i] }, recording);
      expect(attempt).toMatchObject({ status: 'published' });
      expect(attempt.command).toMatch(
        /-p batch-a -p batch-b --registry monochange-override --dry-run && CARGO_REGISTRIES_MONOCHANGE_OVERRIDE_INDEX=\S+ cargo publish --no-verify /,
      );
    }
    expect(calls.slice(1).map((c) => c.args.slice(0, 2))).toEqual([
      ['publish', '--no-verify'],
      ['publish', '--no-verify'],
    ]);
    expect(registry.uploads.slice(-2).map((u) => u.name)).toEqual(['batch-a', 'batch-b']);
    await prepared.dispose();
  });

  it('batch: a crate that fails the shared verify leaves every crate to verify itself', async () => {
    const one = await crate('solo-one', '0.4.0');
    const two = await crate('solo-two', '0.4.0');
    const env = { ...registry.env(), CARGO_REGISTRY_TOKEN: TOKEN };
    // Two crates that are not in one workspace: the shared run cannot select both.
    const prepared = await cratesIoRegistry.prepareUploads!(
      [one, two].map((c) => publishRequest(tmp, c.pkg, c.manifest, '0.4.0', env)),
      runner,
    );
    expect(prepared.uploads).toEqual([undefined, undefined]);
    await prepared.dispose();
  });

  it('runs build.rs without the token or OIDC variables, and uploads with the token by environment only', async () => {
    const name = 'tiny-buildrs';
    const dir = path.join(tmp, name);
    await writeCrate(dir, name, '0.1.0');
    const seen = path.join(tmp, 'buildrs-seen.txt');
    const variables = ['CARGO_REGISTRY_TOKEN', 'CARGO_REGISTRIES_MONOCHANGE_OVERRIDE_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'];
    await writeFile(
      path.join(dir, 'build.rs'),
      [
        'use std::io::Write;',
        'fn main() {',
        '    println!("cargo:rerun-if-changed=build.rs");',
        `    let mut out = std::fs::OpenOptions::new().create(true).append(true).open(${JSON.stringify(seen)}).unwrap();`,
        `    for key in [${variables.map((v) => JSON.stringify(v)).join(', ')}] {`,
        '        write!(out, "{}={} ", key, std::env::var(key).unwrap_or_else(|_| "absent".to_string())).unwrap();',
        '    }',
        '    writeln!(out).unwrap();',
        '}',
        '',
      ].join('\n'),
    );
    const jobEnv: Env = {
      ...process.env,
      CARGO_HOME: cargoHome,
      CARGO_TERM_COLOR: 'never',
      ...registry.env(),
      CARGO_REGISTRY_TOKEN: TOKEN,
      ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:9/token?api-version=2.0',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'fake-actions-request-token',
    };
    const calls: CommandSpec[] = [];
    const real = createExecaRunner(jobEnv);
    const recording: CommandRunner = { run: (spec, options) => (calls.push(spec), real.run(spec, options)) };
    const attempt = await cratesIoRegistry.publish(
      publishRequest(tmp, packageConfig(name, name, 'cargo', 'crates_io'), crateManifest(dir, name, '0.1.0'), '0.1.0', jobEnv),
      recording,
    );

    expect(attempt).toMatchObject({ status: 'published', message: 'published tiny-buildrs 0.1.0 to crates.io' });
    // build.rs ran once, in the verification build, and saw none of the credentials.
    expect((await readFile(seen, 'utf8')).trim().split('\n')).toEqual([variables.map((v) => `${v}=absent`).join(' ')]);
    expect(registry.uploads.find((u) => u.name === name)).toMatchObject({ vers: '0.1.0', authorization: TOKEN });
    expect(calls.map((c) => [c.args.includes('--dry-run') ? 'verify' : 'upload', c.credentials])).toEqual([
      ['verify', undefined],
      ['upload', ['CARGO_REGISTRIES_MONOCHANGE_OVERRIDE_TOKEN']],
    ]);
    expect(calls.flatMap((c) => c.args).some((arg) => arg.includes(TOKEN) || arg.startsWith('--token'))).toBe(false);
    expect(JSON.stringify(attempt)).not.toContain(TOKEN);
  });

  it('refuses a real upload to an overridden index without a token, before running cargo', async () => {
    const { manifest, pkg } = await crate('tiny-notoken');
    const puts = registry.putCount();
    const attempt = await cratesIoRegistry.publish(publishRequest(tmp, pkg, manifest, '0.1.0', registry.env()), runner);
    expect(attempt).toMatchObject({ status: 'failed', authFailure: true });
    expect(attempt.message).toContain('set CARGO_REGISTRY_TOKEN');
    expect(attempt.message).toContain('CARGO_REGISTRIES_MONOCHANGE_OVERRIDE_TOKEN, never on the command line');
    expect(registry.putCount()).toBe(puts);
  });

  it('flags an upload the registry rejects with 403 as an auth failure with a fix', async () => {
    const { manifest, pkg } = await crate('tiny-forbidden');
    registry.rejectUploads({ status: 403, body: { errors: [{ detail: "this crate exists but you don't seem to be an owner" }] } });
    try {
      const attempt = await cratesIoRegistry.publish(publishRequest(tmp, pkg, manifest, '0.1.0', { ...registry.env(), CARGO_REGISTRY_TOKEN: TOKEN }), runner);
      expect(attempt.status).toBe('failed');
      expect(attempt.authFailure).toBe(true);
      expect(attempt.message).toContain('https://crates.io/crates/tiny-forbidden');
    } finally {
      registry.rejectUploads(undefined);
    }
  });

  it('refuses to publish when only one of the two URLs is overridden', async () => {
    const { manifest, pkg } = await crate('tiny-half');
    await expect(
      cratesIoRegistry.publish(publishRequest(tmp, pkg, manifest, '0.1.0', { MONOCHANGE_CRATES_IO_INDEX_URL: registry.indexUrl }, { dryRun: true }), runner),
    ).rejects.toThrow(/MONOCHANGE_CRATES_IO_INDEX_URL is set but MONOCHANGE_CRATES_IO_API_URL is not/);
  });

  it('placeholder dry run packages a 0.0.0 crate with real cargo, uploads nothing and removes its temp dir', async () => {
    const dir = path.join(tmp, 'pkg-holder');
    await mkdir(dir);
    const manifest = crateManifest(dir, 'holder-dry', '1.0.0', { description: undefined });
    const puts = registry.putCount();
    const attempt = await cratesIoRegistry.publishPlaceholder(
      placeholderRequest(tmp, packageConfig('holder-dry', 'pkg-holder', 'cargo', 'crates_io'), manifest, registry.env(), { dryRun: true }),
      runner,
    );
    expect(attempt.status).toBe('planned');
    expect(attempt.message).toBe('would publish placeholder holder-dry 0.0.0 to crates.io (`cargo publish --dry-run` passed)');
    expect(attempt.stderr).toContain('Packaging holder-dry v0.0.0');
    const tempManifest = attempt.command?.match(/--manifest-path (\S+)/)?.[1] ?? '';
    expect(tempManifest).toMatch(/Cargo\.toml$/);
    expect(existsSync(path.dirname(tempManifest))).toBe(false);
    expect(registry.putCount()).toBe(puts);
  });

  it('placeholder upload sends the 0.0.0 crate with license file, readme and repository', async () => {
    const dir = path.join(tmp, 'pkg-holder-real');
    await mkdir(dir);
    await writeFile(path.join(dir, 'LICENSE-CUSTOM'), 'Custom licence text\n');
    const manifest = crateManifest(dir, 'holder-real', '1.0.0', { license: undefined, licenseFile: 'LICENSE-CUSTOM', description: 'Real description' });
    const attempt = await cratesIoRegistry.publishPlaceholder(
      placeholderRequest(tmp, packageConfig('holder-real', 'pkg-holder-real', 'cargo', 'crates_io'), manifest, {
        ...registry.env(),
        CARGO_REGISTRY_TOKEN: TOKEN,
      }),
      runner,
    );
    expect(attempt).toMatchObject({ status: 'published', message: 'published placeholder holder-real 0.0.0 to crates.io' });
    const upload = registry.uploads.find((u) => u.name === 'holder-real');
    expect(upload?.metadata).toMatchObject({
      vers: '0.0.0',
      description: 'Real description',
      license_file: 'LICENSE',
      readme: expect.stringContaining('placeholder release'),
      repository: 'https://github.com/example-org/example-repo',
    });
    expect(tarEntries(upload!.crateBytes)).toEqual(
      expect.arrayContaining(['holder-real-0.0.0/LICENSE', 'holder-real-0.0.0/src/lib.rs', 'holder-real-0.0.0/README.md']),
    );
    await expect(cratesIoRegistry.versionExists(manifest, null, { env: registry.env(), http })).resolves.toBe(true);
  });

  it('placeholder without any license is refused with a fix, before running anything', async () => {
    const manifest = crateManifest(path.join(tmp, 'nolicense'), 'holder-nolicense', '1.0.0', { license: undefined });
    const calls: string[] = [];
    const recording = { run: async (spec: { command: string }) => (calls.push(spec.command), { exitCode: 0, stdout: '', stderr: '' }) };
    const error = await cratesIoRegistry
      .publishPlaceholder(placeholderRequest(tmp, packageConfig('nolicense', 'nolicense', 'cargo', 'crates_io'), manifest, {}, { dryRun: true }), recording)
      .catch((e: unknown) => e);
    expect(isMonochangeError(error)).toBe(true);
    expect((error as Error).message).toContain('`nolicense` placeholder publishing requires `package.license` or `package.license-file`');
    expect((error as Error).message).toContain('Fix: add `license =');
    expect(calls).toEqual([]);
  });
});

describe('crates.io adapter details', () => {
  it('setup URL, tools and "already exists" answers', () => {
    const m = crateManifest('/x', 'my crate', '1.0.0');
    expect(cratesIoRegistry.setupUrl(m)).toBe('https://crates.io/crates/my%20crate');
    expect(cratesIoRegistry.requiredTools(m)).toEqual(['cargo']);
    expect(cratesIoRegistry.isAlreadyPublishedOutput('error: crate version `1.0.0` is already uploaded')).toBe(true);
    expect(cratesIoRegistry.isAlreadyPublishedOutput('error: crate tiny@0.1.0 already exists on crates.io index')).toBe(true);
    expect(cratesIoRegistry.isAlreadyPublishedOutput('error: failed to verify package tarball')).toBe(false);
  });

  it('release command without overrides targets crates.io with an absolute manifest path', async () => {
    const seen: Array<{ command: string; args: string[]; cwd: string }> = [];
    const recording = { run: async (spec: { command: string; args: string[]; cwd: string }) => (seen.push(spec), { exitCode: 0, stdout: '', stderr: '' }) };
    const m = crateManifest('/work/crates/core', 'core', '1.2.3');
    const attempt = await cratesIoRegistry.publish(
      publishRequest('/work', packageConfig('core', 'crates/core', 'cargo', 'crates_io'), m, '1.2.3', {}),
      recording,
    );
    expect(attempt.status).toBe('published');
    expect(seen).toEqual([
      { command: 'cargo', args: ['publish', '--locked', '--manifest-path', '/work/crates/core/Cargo.toml', '--dry-run'], cwd: '/work/crates/core', env: {} },
      {
        command: 'cargo',
        args: ['publish', '--no-verify', '--locked', '--manifest-path', '/work/crates/core/Cargo.toml'],
        cwd: '/work/crates/core',
        env: {},
        credentials: ['CARGO_REGISTRY_TOKEN'],
      },
    ]);
  });
});
