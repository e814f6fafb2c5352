import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { refusedPortUrl, startHttpStub, type HttpStub } from '../../../test-utils/http-stub';
import type { PackageConfig } from '../config/types';
import { MonochangeError } from '../errors';
import type { Manifest } from '../manifests/types';
import type { Env } from '../types';
import { createExecaRunner, type CommandResult, type CommandRunner, type CommandSpec } from '../util/command';
import { HttpClient } from '../util/http';
import { grant } from '../util/secret-env';
import { jsrRegistry, resolveDenoBinary } from './jsr';
import type { PlaceholderRequest, PublishRequest } from './types';

jest.setTimeout(60_000);

const REPO_DENO = fs.realpathSync(path.join(process.cwd(), 'node_modules', '.bin', 'deno'));

let tmp: string;
let denoEnv: Env;
let realRunner: CommandRunner;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'monochange-jsr-spec-'));
  denoEnv = { ...process.env, DENO_DIR: path.join(tmp, 'deno-dir') };
  realRunner = createExecaRunner(denoEnv);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A workspace root whose node_modules/.bin/deno is the repository's deno (as an npm install would leave it). */
function workspace(name: string): string {
  const root = path.join(tmp, name);
  fs.mkdirSync(path.join(root, 'node_modules', '.bin'), { recursive: true });
  fs.symlinkSync(REPO_DENO, path.join(root, 'node_modules', '.bin', 'deno'));
  return root;
}

function denoPackage(dir: string, json: Record<string, unknown>, mod: string): Manifest {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'deno.json'), `${JSON.stringify(json, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'mod.ts'), mod);
  return denoManifest(dir, String(json.name), json.version as string | undefined);
}

function denoManifest(dir: string, name: string, version?: string): Manifest {
  return { ecosystem: 'deno', file: path.join(dir, 'deno.json'), dir, name, version, private: false, dependencies: [], deno: { fileName: 'deno.json' } };
}

function pkgConfig(): PackageConfig {
  return {
    id: 'pkg',
    path: 'pkg',
    type: 'deno',
    publish: {
      enabled: true,
      mode: 'builtin',
      registry: 'jsr',
      trustedPublishing: { enabled: true },
      attestations: { requireRegistryProvenance: false },
      placeholder: {},
      rateLimits: { enforce: false },
    },
  };
}

function publishRequest(root: string, manifest: Manifest, overrides: Partial<PublishRequest> = {}): PublishRequest {
  return {
    root,
    pkg: pkgConfig(),
    manifest,
    version: manifest.version ?? '0.0.0',
    dryRun: true,
    provenance: false,
    trustedPublishing: true,
    env: {},
    ...overrides,
  };
}

function placeholderRequest(root: string, manifest: Manifest, overrides: Partial<PlaceholderRequest> = {}): PlaceholderRequest {
  return { root, pkg: pkgConfig(), manifest, dryRun: true, trustedPublishing: false, env: {}, readme: `# ${manifest.name}\n`, ...overrides };
}

/** Records specs (and the files of the cwd at call time), delegating to `inner` or answering `answer`. */
function recordingRunner(inner?: CommandRunner, answer?: Partial<CommandResult>) {
  const calls: Array<CommandSpec & { files: Record<string, string> }> = [];
  const runner: CommandRunner = {
    async run(spec) {
      const files: Record<string, string> = {};
      if (fs.existsSync(spec.cwd))
        for (const f of fs.readdirSync(spec.cwd)) if (fs.statSync(path.join(spec.cwd, f)).isFile()) files[f] = fs.readFileSync(path.join(spec.cwd, f), 'utf8');
      calls.push({ ...spec, files });
      return inner ? inner.run(spec) : { exitCode: 0, stdout: '', stderr: '', ...answer };
    },
  };
  return { runner, calls };
}

describe('JSR registry adapter', () => {
  it('reads the base URL from MONOCHANGE_JSR_BASE_URL', () => {
    expect(jsrRegistry.baseUrl({})).toBe('https://jsr.io');
    expect(jsrRegistry.baseUrl({ MONOCHANGE_JSR_BASE_URL: 'http://127.0.0.1:8/' })).toBe('http://127.0.0.1:8');
  });

  it('has the package page as setup URL and needs deno', () => {
    const m = denoManifest('/w/p', '@acme/pkg', '1.0.0');
    expect(jsrRegistry.setupUrl(m)).toBe('https://jsr.io/@acme/pkg');
    expect(jsrRegistry.requiredTools(m)).toEqual(['deno']);
    expect(jsrRegistry.registryName(m)).toBe('@acme/pkg');
  });

  it('refuses a name without a scope, naming the manifest and the fix', async () => {
    const m = denoManifest('/w/p', 'unscoped', '1.0.0');
    const error = (() => {
      try {
        jsrRegistry.registryName(m);
      } catch (e) {
        return e as MonochangeError;
      }
    })();
    expect(error).toBeInstanceOf(MonochangeError);
    expect(error!.message).toContain('/w/p/deno.json');
    expect(error!.message).toContain('"unscoped"');
    expect(error!.message).toContain('"@<scope>/<name>"');
    const http = new HttpClient({ retries: 0, fetch: () => Promise.reject(new Error('must not be called')) });
    await expect(jsrRegistry.versionExists(m, '1.0.0', { env: {}, http })).rejects.toThrow(/@scope\/name/);
    await expect(jsrRegistry.publish(publishRequest('/w', m), recordingRunner().runner)).rejects.toThrow(MonochangeError);
  });

  it('prefers the workspace deno binary, else deno from PATH', () => {
    const root = workspace('binary');
    expect(resolveDenoBinary(root)).toBe(path.join(root, 'node_modules', '.bin', 'deno'));
    expect(resolveDenoBinary(path.join(tmp, 'no-such-root'))).toBe('deno');
  });

  describe('lookups against a loopback meta.json', () => {
    let stub: HttpStub;
    const http = new HttpClient({ retries: 0 });
    let env: Env;
    beforeAll(async () => {
      stub = await startHttpStub();
      env = { MONOCHANGE_JSR_BASE_URL: stub.url };
      stub.route('GET', '/@acme/present/meta.json', {
        body: { scope: 'acme', name: 'present', latest: '1.0.0', versions: { '1.0.0': {}, '0.9.0': { yanked: true } } },
      });
      stub.route('GET', '/@acme/broken/meta.json', { status: 500, body: 'database on fire' });
      stub.route('GET', '/@acme/garbled/meta.json', { status: 200, body: '{"versions": {' });
      stub.route('GET', '/@acme/empty/meta.json', { body: { scope: 'acme', name: 'empty', versions: {} } });
    });
    afterAll(() => stub.close());

    it('finds an exact version and any version, with the name unencoded in the path', async () => {
      const m = denoManifest('/w/p', '@acme/present');
      await expect(jsrRegistry.versionExists(m, '1.0.0', { env, http })).resolves.toBe(true);
      expect(stub.requests.at(-1)!.url).toBe('/@acme/present/meta.json');
      await expect(jsrRegistry.versionExists(m, '2.0.0', { env, http })).resolves.toBe(false);
      await expect(jsrRegistry.versionExists(m, null, { env, http })).resolves.toBe(true);
      await expect(jsrRegistry.versionExists(denoManifest('/w/p', '@acme/empty'), null, { env, http })).resolves.toBe(false);
    });

    it('reads 404 as absent', async () => {
      const m = denoManifest('/w/p', '@acme/absent');
      await expect(jsrRegistry.versionExists(m, '1.0.0', { env, http })).resolves.toBe(false);
      await expect(jsrRegistry.versionExists(m, null, { env, http })).resolves.toBe(false);
    });

    it('fails clearly on HTTP 500 and on a body that is not JSON', async () => {
      const e500 = await jsrRegistry.versionExists(denoManifest('/w/p', '@acme/broken'), '1.0.0', { env, http }).catch((e) => e);
      expect(e500).toBeInstanceOf(MonochangeError);
      expect(e500.message).toContain(`JSR lookup failed: GET ${stub.url}/@acme/broken/meta.json answered HTTP 500`);
      const bad = await jsrRegistry.versionExists(denoManifest('/w/p', '@acme/garbled'), '1.0.0', { env, http }).catch((e) => e);
      expect(bad).toBeInstanceOf(MonochangeError);
      expect(bad.message).toContain(`${stub.url}/@acme/garbled/meta.json`);
      expect(bad.message).toContain('not valid JSON');
    });

    it('fails clearly when the registry refuses connections', async () => {
      const url = await refusedPortUrl();
      const error = await jsrRegistry.versionExists(denoManifest('/w/p', '@acme/x'), '1.0.0', { env: { MONOCHANGE_JSR_BASE_URL: url }, http }).catch((e) => e);
      expect(error).toBeInstanceOf(MonochangeError);
      expect(error.message).toContain(`JSR lookup failed: GET ${url}/@acme/x/meta.json: connection refused`);
    });
  });

  describe('publish', () => {
    it('dry-runs a clean package for real, even in a dirty git tree', async () => {
      const root = workspace('ok');
      execFileSync('git', ['init', '-q', root]);
      const m = denoPackage(
        path.join(root, 'pkg'),
        { name: '@acme/ok', version: '1.0.0', license: 'MIT', exports: './mod.ts' },
        'export function add(a: number, b: number): number {\n  return a + b;\n}\n',
      );
      const attempt = await jsrRegistry.publish(publishRequest(root, m, { env: denoEnv }), realRunner);
      expect(`${attempt.stderr}${attempt.stdout}`).toContain('Dry run complete');
      expect(attempt).toMatchObject({ status: 'planned', message: 'would publish @acme/ok 1.0.0 to JSR', command: 'deno publish --dry-run --allow-dirty' });
    });

    it('fails the dry run of a package with a slow type, with the diagnostic', async () => {
      const root = workspace('slow');
      const m = denoPackage(
        path.join(root, 'pkg'),
        { name: '@acme/slow', version: '1.0.0', license: 'MIT', exports: './mod.ts' },
        'export function add(a: number, b: number) {\n  return a + b;\n}\n',
      );
      const attempt = await jsrRegistry.publish(publishRequest(root, m, { env: denoEnv }), realRunner);
      expect(attempt.status).toBe('failed');
      expect(attempt.stderr).toContain('missing-explicit-return-type');
      expect(attempt.message).toMatch(/^`deno publish --dry-run --allow-dirty` failed \(exit 1\): error\[missing-explicit-return-type\]/);
      expect(attempt.alreadyExists).toBeUndefined();
      expect(attempt.authFailure).toBeUndefined();
    });

    it('runs plain `deno publish` in the package dir, with JSR_URL when the base URL is overridden', async () => {
      const root = workspace('argv');
      const m = denoManifest(path.join(root, 'pkg'), '@acme/argv', '1.2.0');
      const { runner, calls } = recordingRunner(undefined, { stdout: 'Successfully published @acme/argv@1.2.0' });
      const attempt = await jsrRegistry.publish(publishRequest(root, m, { dryRun: false, provenance: true }), runner);
      expect(attempt).toMatchObject({ status: 'published', message: 'published @acme/argv 1.2.0 to JSR', command: 'deno publish' });
      expect(calls[0]).toMatchObject({ command: path.join(root, 'node_modules', '.bin', 'deno'), args: ['publish'], cwd: m.dir });
      expect(calls[0].env?.JSR_URL).toBeUndefined();

      const overridden = recordingRunner();
      const attempt2 = await jsrRegistry.publish(
        publishRequest(root, m, { dryRun: false, env: { MONOCHANGE_JSR_BASE_URL: 'http://127.0.0.1:7/' } }),
        overridden.runner,
      );
      expect(overridden.calls[0].env?.JSR_URL).toBe('http://127.0.0.1:7/');
      expect(attempt2.command).toBe('JSR_URL=http://127.0.0.1:7/ deno publish');
    });

    it('grants deno publish the GitHub OIDC request variables (deno exchanges them itself), a dry run nothing', async () => {
      const m = denoManifest('/w/pkg', '@acme/grant', '1.0.0');
      const { runner, calls } = recordingRunner(undefined, { stdout: 'Successfully published @acme/grant@1.0.0' });
      await jsrRegistry.publish(publishRequest('/w', m, { dryRun: false }), runner);
      await jsrRegistry.publish(publishRequest('/w', m, { dryRun: true }), runner);
      expect(calls.map((c) => [c.args.join(' '), c.credentials])).toEqual([
        ['publish', grant('jsr-oidc')],
        ['publish --dry-run --allow-dirty', undefined],
      ]);
    });

    it('reads deno skipping an existing version (exit 0) as already existing, not published', async () => {
      const m = denoManifest('/w/pkg', '@acme/again', '1.0.0');
      const { runner } = recordingRunner(undefined, { stdout: 'Warning: Skipping, already published @acme/again@1.0.0' });
      const attempt = await jsrRegistry.publish(publishRequest('/w', m, { dryRun: false }), runner);
      expect(attempt.status).toBe('failed');
      expect(attempt.alreadyExists).toBe(true);
      expect(attempt.message).toContain('Skipping, already published');
      expect(jsrRegistry.isAlreadyPublishedOutput('error: Failed to publish @acme/again@1.0.0: Version already published (duplicateVersionPublish)')).toBe(
        true,
      );
      expect(jsrRegistry.isAlreadyPublishedOutput('error: Failed to publish: missing license')).toBe(false);
    });

    it('marks an authorization refusal as an auth failure with what to fix', async () => {
      const m = denoManifest('/w/pkg', '@acme/denied', '1.0.0');
      const { runner } = recordingRunner(undefined, {
        exitCode: 1,
        stderr: 'error: Failed to publish @acme/denied@1.0.0\n\nCaused by:\n    403 Forbidden (actorNotAuthorized): The actor is not authorized',
      });
      const attempt = await jsrRegistry.publish(publishRequest('/w', m, { dryRun: false }), runner);
      expect(attempt.authFailure).toBe(true);
      expect(attempt.message).toContain('id-token: write');
    });
  });

  describe('placeholder', () => {
    it('dry-runs deno publish for real in a temp dir that is removed, reporting the real command', async () => {
      const root = workspace('ph');
      const m = denoPackage(
        path.join(root, 'pkg'),
        { name: '@acme/ph', version: '3.0.0', license: 'Apache-2.0', exports: './mod.ts' },
        'export const x = 1;\n',
      );
      const { runner, calls } = recordingRunner(realRunner);
      const attempt = await jsrRegistry.publishPlaceholder(placeholderRequest(root, m, { env: denoEnv, readme: '# @acme/ph\n\nSoon.\n' }), runner);
      expect(attempt).toMatchObject({ status: 'planned', message: 'would publish placeholder @acme/ph 0.0.0 to JSR', command: 'deno publish' });
      expect(`${attempt.stdout}${attempt.stderr}`).toContain('Simulating publish of @acme/ph@0.0.0');
      expect(calls).toHaveLength(1);
      expect(calls[0].args).toEqual(['publish', '--dry-run', '--allow-dirty']);
      expect(calls[0].cwd.startsWith(os.tmpdir())).toBe(true);
      expect(fs.existsSync(calls[0].cwd)).toBe(false);
      expect(JSON.parse(calls[0].files['deno.json'])).toEqual({ name: '@acme/ph', version: '0.0.0', exports: { '.': './mod.ts' }, license: 'Apache-2.0' });
      expect(calls[0].files['mod.ts']).toBe('export {};\n');
      expect(calls[0].files['README.md']).toBe('# @acme/ph\n\nSoon.\n');
    });

    it('copies a LICENSE file from the workspace root when the package has no license field, and publishes for real with `deno publish`', async () => {
      const root = workspace('ph-license');
      fs.writeFileSync(path.join(root, 'LICENSE'), 'MIT License\n');
      const m = denoPackage(path.join(root, 'pkg'), { name: '@acme/phl', version: '1.0.0', exports: './mod.ts' }, 'export const x = 1;\n');
      const { runner, calls } = recordingRunner(undefined, { stdout: 'Successfully published @acme/phl@0.0.0' });
      const attempt = await jsrRegistry.publishPlaceholder(
        placeholderRequest(root, m, { dryRun: false, env: { MONOCHANGE_JSR_BASE_URL: 'http://127.0.0.1:7' } }),
        runner,
      );
      expect(attempt).toMatchObject({ status: 'published', message: 'published placeholder @acme/phl 0.0.0 to JSR' });
      expect(calls[0].args).toEqual(['publish']);
      expect(calls[0].env?.JSR_URL).toBe('http://127.0.0.1:7/');
      expect(calls[0].files.LICENSE).toBe('MIT License\n');
      expect(JSON.parse(calls[0].files['deno.json']).license).toBeUndefined();
      expect(fs.existsSync(calls[0].cwd)).toBe(false);
    });

    it('refuses a placeholder without any license, naming the manifest', async () => {
      const root = path.join(tmp, 'no-license');
      const m = denoPackage(path.join(root, 'pkg'), { name: '@acme/nol', version: '1.0.0', exports: './mod.ts' }, 'export const x = 1;\n');
      const { runner, calls } = recordingRunner();
      const error = await jsrRegistry.publishPlaceholder(placeholderRequest(root, m), runner).catch((e) => e);
      expect(error).toBeInstanceOf(MonochangeError);
      expect(error.message).toContain(path.join(root, 'pkg', 'deno.json'));
      expect(error.message).toContain('"license"');
      expect(calls).toHaveLength(0);
    });
  });
});
