import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultPublishSettings } from '../../config/resolve-publish';
import type { PackageConfig } from '../../config/types';
import type { Manifest } from '../../manifests/types';
import { createExecaRunner, type CommandRunner, type CommandSpec } from '../../util/command';
import type { PublishRequest } from '../types';
import { npmTarballName, prepareNpmUploads } from './batch-pack';

/** Real `npm pack` of several packages in one run: lifecycle scripts, tarball names, no credential. */
describe('prepareNpmUploads (real npm)', () => {
  let root: string;
  const env = { ...process.env, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token-not-for-scripts', ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:9/token' };

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-batch-pack-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  /** A package whose `prepack` records whether it saw the OIDC request token. */
  function npmPackage(dir: string, json: Record<string, unknown>): PublishRequest {
    const abs = path.join(root, dir);
    fs.mkdirSync(abs, { recursive: true });
    const scripts = {
      prepack: `node -e "require('fs').writeFileSync('prepack.txt', String(process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN))"`,
      ...(json.scripts as object),
    };
    const full: Record<string, unknown> = { version: '1.2.3', license: 'MIT', ...json, scripts };
    fs.writeFileSync(path.join(abs, 'package.json'), JSON.stringify(full));
    fs.writeFileSync(path.join(abs, 'index.js'), 'module.exports = 1;\n');
    const manifest: Manifest = {
      ecosystem: 'npm',
      name: String(full.name),
      version: String(full.version),
      private: false,
      dir: abs,
      file: path.join(abs, 'package.json'),
      dependencies: [],
      npm: { manager: 'npm', json: full },
    } as unknown as Manifest;
    const pkg = { id: dir, path: dir, type: 'npm', publish: defaultPublishSettings('npm') } as unknown as PackageConfig;
    return { root, pkg, manifest, version: String(full.version), dryRun: false, provenance: false, trustedPublishing: true, env };
  }

  function recording(runner: CommandRunner): CommandRunner & { specs: CommandSpec[] } {
    const specs: CommandSpec[] = [];
    return { specs, run: (spec, options) => (specs.push(spec), runner.run(spec, options)) };
  }

  it('packs every npm package in one npm run, scripts run without the OIDC variables, each gets its tarball', async () => {
    const reqs = [npmPackage('packages/a', { name: '@acme/a' }), npmPackage('packages/b', { name: 'acme-b', version: '2.0.0' })];
    const runner = recording(createExecaRunner(env));
    const prepared = await prepareNpmUploads(reqs, runner);
    try {
      expect(runner.specs).toHaveLength(1);
      expect(runner.specs[0].args).toEqual(['pack', reqs[0].manifest.dir, reqs[1].manifest.dir, '--pack-destination', expect.any(String)]);
      expect(prepared.uploads.map((u) => u?.artifact && path.basename(u.artifact))).toEqual(['acme-a-1.2.3.tgz', 'acme-b-2.0.0.tgz']);
      for (const u of prepared.uploads) expect(fs.statSync(u!.artifact!).size).toBeGreaterThan(0);
      expect(prepared.uploads[0]!.command).toMatch(/^npm pack --pack-destination \S+$/);
      for (const req of reqs) expect(fs.readFileSync(path.join(req.manifest.dir, 'prepack.txt'), 'utf8')).toBe('undefined');
    } finally {
      await prepared.dispose();
    }
    expect(fs.existsSync(path.dirname(prepared.uploads[0]!.artifact!))).toBe(false);
  });

  it('leaves out packages with a prepublishOnly script (they run it before their own pack)', async () => {
    const reqs = [
      npmPackage('packages/a', { name: 'acme-a' }),
      npmPackage('packages/b', { name: 'acme-b' }),
      npmPackage('packages/c', { name: 'acme-c', scripts: { prepublishOnly: 'echo only' } }),
    ];
    const runner = recording(createExecaRunner(env));
    const prepared = await prepareNpmUploads(reqs, runner);
    await prepared.dispose();
    expect(runner.specs[0].args.filter((a) => a.startsWith(root))).toEqual([reqs[0].manifest.dir, reqs[1].manifest.dir]);
    expect(prepared.uploads.map(Boolean)).toEqual([true, true, false]);
  });

  it('one failing prepack: nothing is prepared, so each package packs itself and its own failure is reported', async () => {
    const reqs = [npmPackage('packages/a', { name: 'acme-a' }), npmPackage('packages/b', { name: 'acme-b', scripts: { prepack: 'exit 3' } })];
    const prepared = await prepareNpmUploads(reqs, createExecaRunner(env));
    await prepared.dispose();
    expect(prepared.uploads).toEqual([undefined, undefined]);
  });

  it('npm names tarballs as npmTarballName says', () => {
    expect(npmTarballName('@scope/name', '1.0.0-rc.1')).toBe('scope-name-1.0.0-rc.1.tgz');
    expect(npmTarballName('plain', '3.0.0')).toBe('plain-3.0.0.tgz');
  });
});
