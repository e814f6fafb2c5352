import fs from 'node:fs';
import { cratesIoRegistry } from '../../registries/crates-io';
import { npmRegistry } from '../../registries/npm';
import type { PackageConfig } from '../../config/types';
import { rateLimitChecks } from './rate-limits';
import { makeContext, manifest, pkgConfig, tempDir, writeFiles } from './testing/context';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const ids = (n: number) => Array.from({ length: n }, (_, i) => `crate${String(i).padStart(2, '0')}`);

/** `count` declared crates on disk; the target is the last one. */
function setup(count: number, o: { enforce?: boolean; extraFiles?: Record<string, string>; privateIds?: string[] } = {}) {
  const root = tempDir('mc-rate-');
  dirs.push(root);
  const files: Record<string, string> = { ...o.extraFiles };
  const pkgs: PackageConfig[] = [];
  for (const id of ids(count)) {
    const publishLine = o.privateIds?.includes(id) ? 'publish = false\n' : '';
    files[`crates/${id}/Cargo.toml`] = `[package]\nname = "${id}"\nversion = "1.0.0"\ndescription = "d"\nlicense = "MIT"\n${publishLine}`;
    pkgs.push(pkgConfig({ id, type: 'cargo', path: `crates/${id}`, publish: { enforce: o.enforce } }));
  }
  writeFiles(root, files);
  const target = pkgs.pop()!;
  const m = manifest(`${root}/${target.path}`, { ecosystem: 'cargo', name: target.id, version: '1.0.0' });
  return makeContext({ root, pkg: target, manifest: m, adapter: cratesIoRegistry, packages: [...pkgs, pkgConfig({ id: 'web', type: 'npm' })] });
}

describe('rate-limit checks', () => {
  it('rate-limits.window passes when the crates.io publishes fit one window', async () => {
    const [check] = await rateLimitChecks(setup(10));
    expect(check).toMatchObject({ id: 'rate-limits.window', status: 'pass', message: '10 crates.io publish(es) in this run fit the window of 10 per 60s' });
  });

  it('rate-limits.window warns above the window, with the batch plan', async () => {
    const [check] = await rateLimitChecks(setup(23));
    expect(check).toMatchObject({
      status: 'warn',
      message:
        '23 crates.io publishes in this run need 3 batches under the 10 per 60s window (batch 1: 10 now; batch 2: 10 after 60 s; batch 3: 3 after 120 s); crate22 is in batch 3',
    });
  });

  it('rate-limits.window fails above the window when rate_limits.enforce = true', async () => {
    const [check] = await rateLimitChecks(setup(11, { enforce: true }));
    expect(check).toMatchObject({ status: 'fail', message: expect.stringContaining('`rate_limits.enforce = true` blocks') });
  });

  it('does not count private crates or versions the readiness artifact records as published', async () => {
    const artifact = {
      packages: [
        { package: 'crate00', version: '1.0.0', status: 'already_published' },
        { package: 'crate01', version: '0.9.0', status: 'already_published' },
      ],
    };
    const ctx = setup(12, { privateIds: ['crate02'], extraFiles: { '.monochange/readiness.json': JSON.stringify(artifact) } });
    const [check] = await rateLimitChecks(ctx);
    expect(check).toMatchObject({ status: 'pass', message: expect.stringMatching(/^10 crates\.io/) });
  });

  it('counts a crate whose manifest cannot be read as needing a publish', async () => {
    const ctx = setup(10, { extraFiles: {} });
    fs.writeFileSync(`${ctx.config.root}/crates/crate00/Cargo.toml`, 'not = [valid');
    ctx.config.packages.push(pkgConfig({ id: 'broken', type: 'cargo', path: 'crates/missing' }));
    const [check] = await rateLimitChecks(ctx);
    expect(check).toMatchObject({ status: 'warn', message: expect.stringMatching(/^11 crates\.io/) });
  });

  it('rate-limits.window passes for registries without a documented quota', async () => {
    const pkg = pkgConfig({ id: 'web', type: 'npm' });
    const ctx = makeContext({
      root: '/nonexistent',
      pkg,
      manifest: manifest('/nonexistent/web', { ecosystem: 'npm', name: 'web', version: '1.0.0' }),
      adapter: npmRegistry,
    });
    expect(await rateLimitChecks(ctx)).toEqual([{ id: 'rate-limits.window', status: 'pass', message: 'npm documents no precise publish quota' }]);
  });
});
