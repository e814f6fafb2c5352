import fs from 'node:fs';
import path from 'node:path';
import { startHttpStub, type HttpStub } from '../../../../test-utils/http-stub';
import type { ManifestDependency } from '../../manifests/types';
import { cratesIoRegistry } from '../../registries/crates-io';
import { githubEnv } from '../../trust/testing/fixtures';
import { cargoChecks, cargoRange } from './cargo';
import { makeContext, manifest, pkgConfig, statuses, tempDir, writeFiles } from './testing/context';

let stub: HttpStub;
const root = tempDir();

const crate = (name: string, version: string, extra = '') =>
  `[package]\nname = "${name}"\nversion = "${version}"\ndescription = "d"\nlicense = "MIT"\n${extra}`;

beforeAll(async () => {
  stub = await startHttpStub();
  stub.route('GET', '/api/v1/crates/helper', { body: { versions: [{ num: '2.0.0' }] } });
  stub.route('GET', '/api/v1/crates/util', { body: { versions: [{ num: '0.3.0' }] } });
  writeFiles(root, {
    'crates/core/Cargo.toml': crate('core', '1.0.0'),
    'crates/util/Cargo.toml': crate('util', '0.3.1'),
    'crates/helper/Cargo.toml': crate('helper', '2.0.0'),
  });
});
afterAll(async () => {
  await stub.close();
  fs.rmSync(root, { recursive: true, force: true });
});

const dep = (name: string, fields: Partial<ManifestDependency> = {}): ManifestDependency => ({ name, kind: 'normal', field: 'dependencies', ...fields });

function setup(dependencies: ManifestDependency[], cargo: { description?: string; license?: string } = { description: 'An app', license: 'MIT' }) {
  const pkg = pkgConfig({ id: 'app', type: 'cargo', path: 'crates/app' });
  const packages = [
    pkgConfig({ id: 'core', type: 'cargo', path: 'crates/core' }),
    pkgConfig({ id: 'util', type: 'cargo', path: 'crates/util', publish: { enabled: false } }),
  ];
  const m = manifest(path.join(root, 'crates/app'), { ecosystem: 'cargo', name: 'app', version: '1.0.0', dependencies, cargo: { publish: true, ...cargo } });
  return makeContext({
    root,
    pkg,
    manifest: m,
    adapter: cratesIoRegistry,
    packages,
    env: githubEnv({ MONOCHANGE_CRATES_IO_API_URL: `${stub.url}/api/v1`, MONOCHANGE_CRATES_IO_INDEX_URL: `${stub.url}/index` }),
  });
}

describe('cargo checks', () => {
  it('cargo.metadata passes with description and license', async () => {
    expect(statuses(await cargoChecks(setup([])), 'cargo.metadata')).toEqual(['pass']);
  });

  it('cargo.metadata fails once per missing field, naming the Cargo.toml key crates.io requires', async () => {
    const checks = (await cargoChecks(setup([], {}))).filter((c) => c.id === 'cargo.metadata');
    expect(checks.map((c) => c.message)).toEqual([
      'app 1.0.0 is not ready to publish to crates_io: package.description is required for crates.io',
      'app 1.0.0 is not ready to publish to crates_io: package.license or package.license-file is required for crates.io',
    ]);
  });

  it('cargo.path-dependency passes when path dependencies carry versions (path-only dev-dependencies are stripped by cargo)', async () => {
    const checks = await cargoChecks(
      setup([dep('core', { path: '../core', versionReq: '1.0' }), dep('bench-utils', { kind: 'dev', field: 'dev-dependencies', path: '../bench' })]),
    );
    expect(statuses(checks, 'cargo.path-dependency')).toEqual(['pass']);
  });

  it('cargo.path-dependency fails for a path dependency without a version', async () => {
    const [check] = (await cargoChecks(setup([dep('core', { path: '../core' })]))).filter((c) => c.id === 'cargo.path-dependency');
    expect(check).toMatchObject({ status: 'fail', message: expect.stringContaining('`core` has `path = "../core"` but no `version`') });
  });

  it('cargo.dependency-unpublished passes for a crate of this publish set and a path crate already on crates.io', async () => {
    stub.requests.length = 0;
    const checks = (
      await cargoChecks(
        setup([dep('core', { path: '../core', versionReq: '1.0' }), dep('helper', { path: '../helper', versionReq: '2' }), dep('serde', { versionReq: '1' })]),
      )
    ).filter((c) => c.id === 'cargo.dependency-unpublished');
    expect(checks.map((c) => c.status)).toEqual(['pass', 'pass']);
    expect(checks[0].message).toContain('published by this run (package `core`, 1.0.0)');
    expect(stub.requests.map((r) => r.path)).toEqual(['/api/v1/crates/helper']);
  });

  it('cargo.dependency-unpublished fails for a declared crate that is neither published at the version nor in the publish set', async () => {
    const [check] = (await cargoChecks(setup([dep('util', { path: '../util', versionReq: '0.3' })]))).filter((c) => c.id === 'cargo.dependency-unpublished');
    expect(check).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('util 0.3.1 is not on crates.io and package `util` is not published by this run'),
    });
  });

  it('reads cargo requirements as semver ranges', () => {
    expect(cargoRange('1.2')).toBe('>=1.2.0 <2.0.0-0');
    expect(cargoRange('>=1, <2')).toBe('>=1.0.0 <2.0.0-0');
    expect(cargoRange('=0.3.1')).toBe('0.3.1');
    expect(cargoRange('not a version')).toBeUndefined();
  });
});
