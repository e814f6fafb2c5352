import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { refusedPortUrl, startHttpStub, type HttpStub } from '../../../test-utils/http-stub';
import { startNpmOidcProxy, type NpmOidcProxy } from '../../../test-utils/npm-oidc-proxy';
import { startOidcIssuer, type LoopbackOidcIssuer } from '../../../test-utils/oidc-issuer';
import { startVerdaccio, type VerdaccioServer } from '../../../test-utils/verdaccio';
import type { PackageConfig, SourceConfig } from '../config/types';
import { MonochangeError } from '../errors';
import type { Manifest, NpmData } from '../manifests/types';
import type { Env } from '../types';
import { createExecaRunner, type CommandResult, type CommandRunner, type CommandSpec } from '../util/command';
import { HttpClient } from '../util/http';
import { grant } from '../util/secret-env';
import { npmRegistry } from './npm';
import type { PlaceholderRequest, PublishRequest } from './types';

jest.setTimeout(120_000);

const tmpRoots: string[] = [];
function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tmpRoots.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tmpRoots) fs.rmSync(dir, { recursive: true, force: true });
});

function writePackage(dir: string, json: Record<string, unknown>): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(json, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'index.js'), 'module.exports = 1;\n');
}

function npmManifest(dir: string, json: Record<string, unknown>, manager: NpmData['manager'] = 'npm'): Manifest {
  return {
    ecosystem: 'npm',
    file: path.join(dir, 'package.json'),
    dir,
    name: String(json.name),
    version: json.version as string | undefined,
    private: false,
    dependencies: [],
    npm: { manager, json },
  };
}

function pkgConfig(id: string): PackageConfig {
  return {
    id,
    path: id,
    type: 'npm',
    publish: {
      enabled: true,
      mode: 'builtin',
      registry: 'npm',
      trustedPublishing: { enabled: false },
      attestations: { requireRegistryProvenance: false },
      placeholder: {},
      rateLimits: { enforce: false },
    },
  };
}

function publishRequest(root: string, manifest: Manifest, env: Env, overrides: Partial<PublishRequest> = {}): PublishRequest {
  return {
    root,
    pkg: pkgConfig(manifest.name),
    manifest,
    version: manifest.version ?? '0.0.0',
    dryRun: false,
    provenance: false,
    trustedPublishing: false,
    env,
    ...overrides,
  };
}

function placeholderRequest(root: string, manifest: Manifest, env: Env, overrides: Partial<PlaceholderRequest> = {}): PlaceholderRequest {
  return {
    root,
    pkg: pkgConfig(manifest.name),
    manifest,
    dryRun: false,
    trustedPublishing: false,
    env,
    readme: `# ${manifest.name}\n\nPlaceholder.\n`,
    ...overrides,
  };
}

/** Records every spec, then delegates to `inner` (or answers with `answer`). */
function recordingRunner(inner?: CommandRunner, answer?: (spec: CommandSpec) => Partial<CommandResult>) {
  const calls: CommandSpec[] = [];
  const runner: CommandRunner = {
    async run(spec) {
      calls.push(spec);
      if (inner) return inner.run(spec);
      return { exitCode: 0, stdout: '', stderr: '', ...answer?.(spec) };
    },
  };
  return { runner, calls };
}

/** A recording runner whose pack steps leave `<name>-<version>.tgz` in their destination. */
function packingRunner(answer?: (spec: CommandSpec) => Partial<CommandResult>) {
  return recordingRunner(undefined, (spec) => {
    if (spec.args[0] === 'pack') fs.writeFileSync(path.join(spec.args[spec.args.indexOf('--pack-destination') + 1], 'x-1.0.0.tgz'), 'not really a tarball');
    return spec.args[0] === 'pack' ? {} : (answer?.(spec) ?? {});
  });
}

/** Replaces the random temp dir of a pack/publish flow with `<tmp>`. */
function tmpless(arg: string): string {
  return arg.replace(/^.*monochange-(npm|pnpm|yarn|bun)-pack-[^/]+/, '<tmp>');
}

async function packument(url: string, name: string): Promise<Record<string, any>> {
  const res = await fetch(`${url}/${name.replace('/', '%2F')}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, any>;
}

describe('npm registry adapter', () => {
  it('reads the base URL from MONOCHANGE_NPM_REGISTRY_URL without a trailing slash', () => {
    expect(npmRegistry.baseUrl({})).toBe('https://registry.npmjs.org');
    expect(npmRegistry.baseUrl({ MONOCHANGE_NPM_REGISTRY_URL: 'http://127.0.0.1:4873/' })).toBe('http://127.0.0.1:4873');
    expect(npmRegistry.baseUrl({ MONOCHANGE_NPM_REGISTRY_URL: '  ' })).toBe('https://registry.npmjs.org');
  });

  it('names the access page and the tools the package manager needs', () => {
    const m = npmManifest('/w/p', { name: '@acme/widget', version: '1.0.0' });
    expect(npmRegistry.setupUrl(m)).toBe('https://www.npmjs.com/package/@acme/widget/access');
    expect(npmRegistry.requiredTools(m)).toEqual(['npm']);
    expect(npmRegistry.requiredTools(npmManifest('/w/p', { name: 'x' }, 'pnpm'))).toEqual(['npm', 'pnpm']);
    expect(npmRegistry.requiredTools(npmManifest('/w/p', { name: 'x' }, 'bun'))).toEqual(['npm', 'bun']);
  });

  describe('lookups against a stub', () => {
    let stub: HttpStub;
    const http = new HttpClient({ retries: 0 });
    beforeAll(async () => {
      stub = await startHttpStub();
    });
    afterAll(() => stub.close());

    it('asks for the abbreviated document at the encoded scoped name', async () => {
      stub.route('GET', '/@acme/corgi', { body: { name: '@acme/corgi', versions: { '1.0.0': {} } } });
      const m = npmManifest('/w/p', { name: '@acme/corgi' });
      await expect(npmRegistry.versionExists(m, '1.0.0', { env: { MONOCHANGE_NPM_REGISTRY_URL: stub.url }, http })).resolves.toBe(true);
      const req = stub.requests.at(-1)!;
      expect(req.url).toBe('/@acme%2Fcorgi');
      expect(req.headers.accept).toBe('application/vnd.npm.install-v1+json');
    });

    it('reads 404 as absent', async () => {
      const m = npmManifest('/w/p', { name: 'nowhere' });
      await expect(npmRegistry.versionExists(m, '1.0.0', { env: { MONOCHANGE_NPM_REGISTRY_URL: stub.url }, http })).resolves.toBe(false);
      await expect(npmRegistry.versionExists(m, null, { env: { MONOCHANGE_NPM_REGISTRY_URL: stub.url }, http })).resolves.toBe(false);
    });

    it('fails clearly on HTTP 500, naming the registry and the URL', async () => {
      stub.route('GET', '/broken', { status: 500, body: 'upstream exploded' });
      const m = npmManifest('/w/p', { name: 'broken' });
      const error = await npmRegistry.versionExists(m, '1.0.0', { env: { MONOCHANGE_NPM_REGISTRY_URL: stub.url }, http }).catch((e) => e);
      expect(error).toBeInstanceOf(MonochangeError);
      expect(error.message).toContain('npm registry lookup failed');
      expect(error.message).toContain(`${stub.url}/broken`);
      expect(error.message).toContain('HTTP 500');
    });

    it('fails clearly on a body that is not JSON', async () => {
      stub.route('GET', '/garbled', { status: 200, body: '<html>not json' });
      const m = npmManifest('/w/p', { name: 'garbled' });
      const error = await npmRegistry.versionExists(m, '1.0.0', { env: { MONOCHANGE_NPM_REGISTRY_URL: stub.url }, http }).catch((e) => e);
      expect(error).toBeInstanceOf(MonochangeError);
      expect(error.message).toContain('npm registry lookup failed');
      expect(error.message).toContain(`${stub.url}/garbled`);
      expect(error.message).toContain('not valid JSON');
    });

    it('fails clearly when the registry refuses connections', async () => {
      const url = await refusedPortUrl();
      const m = npmManifest('/w/p', { name: '@acme/gone' });
      const error = await npmRegistry.versionExists(m, '1.0.0', { env: { MONOCHANGE_NPM_REGISTRY_URL: url }, http }).catch((e) => e);
      expect(error).toBeInstanceOf(MonochangeError);
      expect(error.message).toContain('npm registry lookup failed');
      expect(error.message).toContain(`${url}/@acme%2Fgone`);
      expect(error.message).toContain('connection refused');
    });
  });

  describe('with a real Verdaccio behind the OIDC token exchange', () => {
    let vd: VerdaccioServer;
    let issuer: LoopbackOidcIssuer;
    let proxy: NpmOidcProxy;
    let runner: CommandRunner;
    /** A GitHub Actions job: npm authenticates by the OIDC exchange only (the npmrc has no token for the proxy). */
    let env: Env;
    let url: string;
    const http = new HttpClient({ retries: 0 });
    const OWNER_TOKEN = 'fake-owner-token-for-npm-spec';
    let root: string;

    beforeAll(async () => {
      vd = await startVerdaccio({ packages: { '@locked/*': { access: '$all', publish: '$authenticated' } } });
      issuer = await startOidcIssuer();
      proxy = await startNpmOidcProxy({ upstream: vd.url, issuer: issuer.url, ownerTokens: [OWNER_TOKEN] });
      proxy.trust.set('*', { repository: 'acme/widgets', workflow: 'publish.yml', environment: 'release' });
      url = proxy.url;
      // Claims valid for an hour: a slow machine must not see them expire mid-suite.
      const claims = issuer.claims({ exp: Math.floor(Date.now() / 1000) + 3600 });
      env = { ...process.env, ...vd.env, MONOCHANGE_NPM_REGISTRY_URL: url, ...issuer.githubEnv(claims) };
      runner = createExecaRunner(env);
      root = tempDir('monochange-npm-spec-');
    });
    afterAll(async () => {
      await proxy?.close();
      await issuer?.close();
      await vd?.stop();
    });

    it('batch: two packages packed ahead by one npm run, then each uploads its own tarball (no pack of its own)', async () => {
      const reqs = ['batch-a', 'batch-b'].map((name) => {
        const dir = path.join(root, name);
        const json = { name, version: '1.0.0' };
        writePackage(dir, json);
        return publishRequest(root, npmManifest(dir, json), env);
      });
      const { runner: rec, calls } = recordingRunner(runner);
      const prepared = await npmRegistry.prepareUploads!(reqs, rec);
      try {
        expect(calls).toHaveLength(1);
        expect(calls[0].credentials).toBeUndefined();
        for (const [i, req] of reqs.entries()) {
          const upload = prepared.uploads[i]!;
          const attempt = await npmRegistry.publish({ ...req, prepared: upload }, rec);
          expect(attempt).toMatchObject({ status: 'published', message: `published ${req.manifest.name} 1.0.0 to npm` });
          const publish = calls[calls.length - 1];
          expect(publish.args.slice(0, 2)).toEqual(['publish', upload.artifact]);
          expect(publish.credentials).toEqual(grant('npm-oidc'));
          expect(attempt.command).toBe(`${upload.command} && npm publish ${upload.artifact} --ignore-scripts --access public --registry ${url}`);
          await expect(npmRegistry.versionExists(req.manifest, '1.0.0', { env, http })).resolves.toBe(true);
        }
        expect(calls.map((c) => c.args[0])).toEqual(['pack', 'publish', 'publish']);
      } finally {
        await prepared.dispose();
      }
    });

    it('publishes an unscoped package and then finds it (exact and any version)', async () => {
      const dir = path.join(root, 'plain');
      const json = { name: 'plain-widget', version: '1.0.0' };
      writePackage(dir, json);
      const m = npmManifest(dir, json);
      const ctx = { env, http };
      await expect(npmRegistry.versionExists(m, '1.0.0', ctx)).resolves.toBe(false);
      await expect(npmRegistry.versionExists(m, null, ctx)).resolves.toBe(false);

      const { runner: rec, calls } = recordingRunner(runner);
      const attempt = await npmRegistry.publish(publishRequest(root, m, env), rec);
      expect(attempt).toMatchObject({ status: 'published', message: 'published plain-widget 1.0.0 to npm' });
      expect(calls.map((c) => [c.command, ...c.args.map(tmpless)])).toEqual([
        ['npm', 'pack', '--pack-destination', '<tmp>'],
        ['npm', 'publish', '<tmp>/plain-widget-1.0.0.tgz', '--ignore-scripts', '--access', 'public', '--registry', url],
      ]);
      expect(calls[0].cwd).toBe(dir);
      expect(calls[0].credentials).toBeUndefined();
      // The upload runs from the temp dir (no project .npmrc) with empty user and global npmrc files.
      expect(calls[1].cwd).toBe(path.dirname(calls[1].args[1]));
      expect(calls[1].credentials).toEqual(grant('npm-oidc'));
      expect(calls[1].env).toEqual({
        npm_config_fetch_retries: '0',
        npm_config_userconfig: path.join(calls[1].cwd, 'empty-user-npmrc'),
        npm_config_globalconfig: path.join(calls[1].cwd, 'empty-global-npmrc'),
      });
      expect(fs.existsSync(calls[1].cwd)).toBe(false);
      expect(attempt.command).toBe(
        `npm pack --pack-destination ${calls[1].cwd} && npm publish ${calls[1].args[1]} --ignore-scripts --access public --registry ${url}`,
      );
      expect(proxy.exchanges).toContainEqual({ name: 'plain-widget', ok: true });

      await expect(npmRegistry.versionExists(m, '1.0.0', ctx)).resolves.toBe(true);
      await expect(npmRegistry.versionExists(m, '2.0.0', ctx)).resolves.toBe(false);
      await expect(npmRegistry.versionExists(m, null, ctx)).resolves.toBe(true);
    });

    it('publishes a scoped package, finds it, and reads a re-publish as already existing', async () => {
      const dir = path.join(root, 'scoped');
      const json = { name: '@acme/scoped', version: '1.0.0' };
      writePackage(dir, json);
      const m = npmManifest(dir, json);
      const ctx = { env, http };
      await expect(npmRegistry.versionExists(m, '1.0.0', ctx)).resolves.toBe(false);

      const first = await npmRegistry.publish(publishRequest(root, m, env), runner);
      expect(first.status).toBe('published');
      await expect(npmRegistry.versionExists(m, '1.0.0', ctx)).resolves.toBe(true);
      await expect(npmRegistry.versionExists(m, null, ctx)).resolves.toBe(true);

      const again = await npmRegistry.publish(publishRequest(root, m, env), runner);
      expect(again.status).toBe('failed');
      expect(again.alreadyExists).toBe(true);
      expect(again.authFailure).toBeUndefined();
      expect(again.message).toMatch(
        /^`npm pack --pack-destination \S+ && npm publish \S+acme-scoped-1\.0\.0\.tgz --ignore-scripts --access public --registry http:\/\/127\.0\.0\.1:\d+` failed \(exit 1\): /,
      );
      expect(again.message).toContain('previously published');
      expect(again.message).not.toContain('complete log');
      expect(npmRegistry.isAlreadyPublishedOutput(`${again.stderr}`)).toBe(true);
    });

    it('runs the dry run with --dry-run and uploads nothing', async () => {
      const dir = path.join(root, 'dry');
      const json = { name: '@acme/dry', version: '3.1.0' };
      writePackage(dir, json);
      const m = npmManifest(dir, json);
      const before = vd.storageListing();
      const { runner: rec, calls } = recordingRunner(runner);
      const attempt = await npmRegistry.publish(publishRequest(root, m, env, { dryRun: true }), rec);
      expect(attempt).toMatchObject({ status: 'planned', message: 'would publish @acme/dry 3.1.0 to npm' });
      expect(calls).toHaveLength(1);
      expect(calls[0].args).toEqual(['publish', '--access', 'public', '--registry', url, '--dry-run']);
      expect(calls[0].credentials).toBeUndefined();
      expect(vd.storageListing()).toEqual(before);
      await expect(npmRegistry.versionExists(m, null, { env, http })).resolves.toBe(false);
    });

    it('reports a registry that refuses the credentials as an authentication failure with what to fix', async () => {
      const dir = path.join(root, 'locked');
      const json = { name: '@locked/thing', version: '1.0.0' };
      writePackage(dir, json);
      const attempt = await npmRegistry.publish(publishRequest(root, npmManifest(dir, json), env), runner);
      expect(attempt.status).toBe('failed');
      expect(attempt.authFailure).toBe(true);
      expect(attempt.alreadyExists).toBeUndefined();
      expect(attempt.message).toMatch(/E40[13]|40[13]/);
      expect(attempt.message).toContain('trusted publisher');
      expect(attempt.message).toContain('11.5.1');
      expect(attempt.message).toContain('_authToken');
    });

    it('publishes a placeholder 0.0.0 from a temp dir that is removed afterwards', async () => {
      const dir = path.join(root, 'ph');
      const json = { name: '@acme/ph', version: '5.0.0' };
      writePackage(dir, json);
      const m = npmManifest(dir, json);
      const source: SourceConfig = {
        provider: 'github',
        owner: 'acme',
        repo: 'widgets',
        releases: { branches: ['main'], enforceForPublish: false, attestations: { requireGithubArtifactAttestations: false } },
      };
      const { runner: rec, calls } = recordingRunner(runner);
      const attempt = await npmRegistry.publishPlaceholder(placeholderRequest(root, m, env, { source, readme: '# @acme/ph\n\nComing soon.\n' }), rec);
      expect(attempt).toMatchObject({ status: 'published', message: 'published placeholder @acme/ph 0.0.0 to npm' });
      expect(calls).toHaveLength(1);
      const tempTarget = calls[0].args[1];
      expect(calls[0]).toMatchObject({ command: 'npm', cwd: dir, args: ['publish', tempTarget, '--ignore-scripts', '--access', 'public', '--registry', url] });
      expect(calls[0].credentials).toEqual(grant('npm-oidc'));
      expect(tempTarget.startsWith(os.tmpdir())).toBe(true);
      expect(fs.existsSync(tempTarget)).toBe(false);

      const doc = await packument(url, '@acme/ph');
      expect(Object.keys(doc.versions)).toEqual(['0.0.0']);
      expect(doc.versions['0.0.0']).toMatchObject({
        description: 'Placeholder package for @acme/ph',
        repository: { type: 'git', url: 'git+https://github.com/acme/widgets.git' },
      });
      expect(doc.readme).toContain('Coming soon.');
      await expect(npmRegistry.versionExists(m, null, { env, http })).resolves.toBe(true);
    });

    it('omits repository without [source] and uses the host of other providers', async () => {
      const dir = path.join(root, 'ph2');
      const json = { name: 'ph-plain', version: '1.0.0' };
      writePackage(dir, json);
      const attempt = await npmRegistry.publishPlaceholder(placeholderRequest(root, npmManifest(dir, json), env), runner);
      expect(attempt.status).toBe('published');
      const doc = await packument(url, 'ph-plain');
      expect(doc.versions['0.0.0'].repository).toBeUndefined();

      const dir3 = path.join(root, 'ph3');
      const json3 = { name: 'ph-gitea', version: '1.0.0' };
      writePackage(dir3, json3);
      const source: SourceConfig = {
        provider: 'gitea',
        owner: 'team',
        repo: 'tools',
        host: 'git.example.test',
        releases: { branches: ['main'], enforceForPublish: false, attestations: { requireGithubArtifactAttestations: false } },
      };
      expect((await npmRegistry.publishPlaceholder(placeholderRequest(root, npmManifest(dir3, json3), env, { source }), runner)).status).toBe('published');
      expect((await packument(url, 'ph-gitea')).versions['0.0.0'].repository).toEqual({ type: 'git', url: 'git+https://git.example.test/team/tools.git' });
    });

    it('plans a placeholder dry run without running anything or touching the registry', async () => {
      const dir = path.join(root, 'phdry');
      const json = { name: '@acme/phdry', version: '1.0.0' };
      writePackage(dir, json);
      const m = npmManifest(dir, json);
      const before = vd.storageListing();
      const { runner: rec, calls } = recordingRunner(runner);
      const attempt = await npmRegistry.publishPlaceholder(placeholderRequest(root, m, env, { dryRun: true }), rec);
      expect(attempt).toMatchObject({
        status: 'planned',
        message: 'would publish placeholder @acme/phdry 0.0.0 to npm',
        command: `npm publish '<tempdir>' --ignore-scripts --access public --registry ${url}`,
      });
      expect(calls).toHaveLength(0);
      expect(vd.storageListing()).toEqual(before);
      await expect(npmRegistry.versionExists(m, null, { env, http })).resolves.toBe(false);
    });

    it('runs the lifecycle scripts without the OIDC variables and uploads with them', async () => {
      const dir = path.join(root, 'scripted');
      const seen = tempDir('monochange-npm-scripts-seen-');
      const json = {
        name: '@acme/scripted',
        version: '1.0.0',
        files: ['index.js'],
        scripts: Object.fromEntries(['prepublishOnly', 'prepack', 'prepare', 'postpack'].map((event) => [event, `node record.js ${event}`])),
      };
      writePackage(dir, json);
      const record = (variable: string) => `${JSON.stringify(variable)}: process.env.${variable} ?? 'absent'`;
      fs.writeFileSync(
        path.join(dir, 'record.js'),
        `require('fs').writeFileSync(require('path').join(${JSON.stringify(seen)}, process.argv[2] + '.json'), JSON.stringify({ ${[
          'ACTIONS_ID_TOKEN_REQUEST_URL',
          'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
          'NPM_ID_TOKEN',
          'CARGO_REGISTRY_TOKEN',
        ]
          .map(record)
          .join(', ')} }));\n`,
      );
      // GitLab-style: npm takes NPM_ID_TOKEN as the ID token for the exchange (here one the loopback issuer signed).
      const idToken = await issuer.mint(issuer.claims({ aud: 'npm:127.0.0.1', exp: Math.floor(Date.now() / 1000) + 3600 }));
      const jobEnv = { ...env, NPM_ID_TOKEN: idToken, CARGO_REGISTRY_TOKEN: 'fake-cargo-token' };
      const { runner: rec, calls } = recordingRunner(createExecaRunner(jobEnv));
      const attempt = await npmRegistry.publish(publishRequest(root, npmManifest(dir, json), jobEnv), rec);

      expect(attempt).toMatchObject({ status: 'published', message: 'published @acme/scripted 1.0.0 to npm' });
      for (const event of ['prepublishOnly', 'prepack', 'prepare', 'postpack']) {
        expect([event, JSON.parse(fs.readFileSync(path.join(seen, `${event}.json`), 'utf8'))]).toEqual([
          event,
          { ACTIONS_ID_TOKEN_REQUEST_URL: 'absent', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'absent', NPM_ID_TOKEN: 'absent', CARGO_REGISTRY_TOKEN: 'absent' },
        ]);
      }
      expect(calls.map((c) => [c.args[0], c.credentials])).toEqual([
        ['run', undefined],
        ['pack', undefined],
        ['publish', grant('npm-oidc')],
      ]);
      // The upload step did get the ID token: the exchange happened and the version is in Verdaccio.
      expect(proxy.exchanges).toContainEqual({ name: '@acme/scripted', ok: true });
      expect(Object.keys((await packument(url, '@acme/scripted')).versions)).toEqual(['1.0.0']);
    });

    it('never falls back to a token in the user or global npmrc; placeholders still use them', async () => {
      const dir = path.join(root, 'fallback');
      const json = { name: 'no-fallback', version: '1.0.0' };
      writePackage(dir, json);
      const configDir = tempDir('monochange-npmrc-');
      const [userrc, globalrc] = ['user', 'global'].map((name) => path.join(configDir, `${name}.npmrc`));
      for (const file of [userrc, globalrc]) fs.writeFileSync(file, `//127.0.0.1:${proxy.port}/:_authToken=${OWNER_TOKEN}\n`);
      // A laptop (no OIDC variables) with the owner's token in both the user and the global npmrc.
      const laptop: Env = { ...process.env, ...vd.env, MONOCHANGE_NPM_REGISTRY_URL: url, npm_config_userconfig: userrc, npm_config_globalconfig: globalrc };
      const attempt = await npmRegistry.publish(publishRequest(root, npmManifest(dir, json), laptop), createExecaRunner(laptop));
      expect(attempt).toMatchObject({ status: 'failed', authFailure: true });
      expect(attempt.message).toContain('ENEEDAUTH');
      expect(proxy.uploads.filter((u) => u.name === 'no-fallback')).toEqual([]);

      const placeholder = await npmRegistry.publishPlaceholder(placeholderRequest(root, npmManifest(dir, json), laptop), createExecaRunner(laptop));
      expect(placeholder.status).toBe('published');
      expect(proxy.uploads.filter((u) => u.name === 'no-fallback')).toEqual([expect.objectContaining({ version: '0.0.0', status: 201 })]);
    });

    describe('pnpm workspace', () => {
      let pnpmBin: string | undefined;
      let skipReason = '';
      let pnpmEnv: Env;

      beforeAll(async () => {
        // pnpm is not installed on these machines: use one on PATH, else fetch pnpm 10 from the npm
        // registry into a temp dir (a couple of seconds); without network the real run is skipped.
        const shell = createExecaRunner(process.env);
        const onPath = await shell.run({ command: 'pnpm', args: ['--version'], cwd: root });
        const toolDir = tempDir('monochange-pnpm-tool-');
        if (onPath.exitCode === 0 && !onPath.spawnError) {
          pnpmBin = 'pnpm';
        } else {
          const install = await shell.run({
            command: 'npm',
            args: ['install', '--prefix', toolDir, '--no-save', '--no-audit', '--no-fund', '--registry', 'https://registry.npmjs.org', 'pnpm@10'],
            cwd: toolDir,
            env: { npm_config_cache: path.join(toolDir, 'cache'), npm_config_userconfig: path.join(toolDir, 'npmrc-none') },
          });
          if (install.exitCode === 0) pnpmBin = path.join(toolDir, 'node_modules', '.bin', 'pnpm');
          else skipReason = `pnpm is not on PATH and \`npm install pnpm@10\` failed: ${install.stderr.split('\n').slice(-3).join(' ')}`;
        }
        const xdg = path.join(toolDir, 'xdg');
        pnpmEnv = {
          ...env,
          PATH: pnpmBin && pnpmBin !== 'pnpm' ? `${path.dirname(pnpmBin)}${path.delimiter}${process.env.PATH}` : (process.env.PATH ?? ''),
          XDG_DATA_HOME: path.join(xdg, 'data'),
          XDG_CACHE_HOME: path.join(xdg, 'cache'),
          XDG_STATE_HOME: path.join(xdg, 'state'),
          XDG_CONFIG_HOME: path.join(xdg, 'config'),
          npm_config_store_dir: path.join(xdg, 'store'),
        };
      });

      it('packs with pnpm (argv) before npm publishes the tarball', async () => {
        const { runner: rec, calls } = recordingRunner(undefined, (spec) => {
          if (spec.command === 'pnpm') fs.writeFileSync(path.join(spec.args[2], 'acme-b-2.0.0.tgz'), 'not really a tarball');
          return {};
        });
        const m = npmManifest('/w/packages/b', { name: '@acme/b', version: '2.0.0' }, 'pnpm');
        const attempt = await npmRegistry.publish(
          publishRequest('/w', m, { MONOCHANGE_NPM_REGISTRY_URL: 'http://127.0.0.1:9' }, { provenance: true, dryRun: true }),
          rec,
        );
        expect(calls.map((c) => [c.command, ...c.args.map((a) => a.replace(/^.*monochange-pnpm-pack-[^/]+/, '<tmp>'))])).toEqual([
          ['pnpm', 'pack', '--pack-destination', '<tmp>'],
          [
            'npm',
            'publish',
            '<tmp>/acme-b-2.0.0.tgz',
            '--ignore-scripts',
            '--access',
            'public',
            '--provenance',
            '--registry',
            'http://127.0.0.1:9',
            '--dry-run',
          ],
        ]);
        expect(calls.every((c) => c.cwd === '/w/packages/b')).toBe(true);
        expect(calls.every((c) => c.credentials === undefined)).toBe(true); // a dry run is granted nothing
        expect(attempt.status).toBe('planned');
        expect(attempt.command).toMatch(
          /^pnpm pack --pack-destination \S+ && npm publish \S+acme-b-2\.0\.0\.tgz --ignore-scripts --access public --provenance/,
        );
        expect(fs.existsSync(calls[0].args[2])).toBe(false);
      });

      it('uses yarn and bun pack commands for those workspaces', async () => {
        for (const [manager, expected] of [
          ['yarn', ['yarn', 'pack', '--out']],
          ['bun', ['bun', 'pm', 'pack', '--destination']],
        ] as const) {
          const { runner: rec, calls } = recordingRunner(undefined, () => ({ exitCode: 1, stderr: 'error: nope' }));
          const m = npmManifest('/w/p', { name: 'x', version: '1.0.0' }, manager);
          const attempt = await npmRegistry.publish(publishRequest('/w', m, {}), rec);
          expect([calls[0].command, ...calls[0].args].slice(0, expected.length)).toEqual(expected);
          expect(calls).toHaveLength(1);
          expect(attempt.status).toBe('failed');
          expect(attempt.message).toContain('error: nope');
        }
      });

      it('reports a missing package manager as a failed attempt naming it', async () => {
        const { runner: rec } = recordingRunner(undefined, () => ({ exitCode: 127, spawnError: 'spawn pnpm ENOENT' }));
        const m = npmManifest('/w/p', { name: 'x', version: '1.0.0' }, 'pnpm');
        const attempt = await npmRegistry.publish(publishRequest('/w', m, {}), rec);
        expect(attempt.status).toBe('failed');
        expect(attempt.message).toContain('spawn pnpm ENOENT');
        expect(attempt.message).toContain('install pnpm');
      });

      it('publishes for real with workspace:^ rewritten to the version range', async () => {
        if (!pnpmBin) {
          console.warn(`skipping the real pnpm publish: ${skipReason}`);
          return;
        }
        const ws = tempDir('monochange-pnpm-ws-');
        fs.writeFileSync(path.join(ws, 'package.json'), JSON.stringify({ name: 'ws-root', private: true }));
        fs.writeFileSync(path.join(ws, 'pnpm-workspace.yaml'), "packages:\n  - 'packages/*'\n");
        writePackage(path.join(ws, 'packages/a'), { name: '@acme/pn-a', version: '1.2.3' });
        const bJson = { name: '@acme/pn-b', version: '2.0.0', dependencies: { '@acme/pn-a': 'workspace:^' } };
        writePackage(path.join(ws, 'packages/b'), bJson);
        const pnpmRunner = createExecaRunner(pnpmEnv);
        const install = await pnpmRunner.run({ command: pnpmBin, args: ['install', '--offline'], cwd: ws });
        expect(install.stderr + install.stdout).not.toMatch(/ERR_PNPM/);
        expect(install.exitCode).toBe(0);

        const m = npmManifest(path.join(ws, 'packages/b'), bJson, 'pnpm');
        const attempt = await npmRegistry.publish(publishRequest(ws, m, pnpmEnv), pnpmRunner);
        expect(attempt.message).toBe('published @acme/pn-b 2.0.0 to npm');
        expect(attempt.status).toBe('published');
        const doc = await packument(url, '@acme/pn-b');
        expect(doc.versions['2.0.0'].dependencies).toEqual({ '@acme/pn-a': '^1.2.3' });
      });
    });
  });

  describe('output handling with a recording runner', () => {
    it('redacts tokens from the output and the message', async () => {
      const secret = 'fake-secret-value-123456';
      const { runner } = packingRunner(() => ({
        exitCode: 1,
        stdout: `npm notice using //registry/:_authToken=abc123456\nNODE_AUTH_TOKEN=${secret}`,
        stderr: `npm error code E401\nnpm error 401 Unauthorized - PUT https://registry.npmjs.org/x - bad token ${secret} _authToken=abc123456`,
      }));
      const m = npmManifest('/w/p', { name: 'x', version: '1.0.0' });
      const attempt = await npmRegistry.publish(publishRequest('/w', m, { NODE_AUTH_TOKEN: secret }), runner);
      const everything = JSON.stringify(attempt);
      expect(everything).not.toContain(secret);
      expect(everything).not.toContain('abc123456');
      expect(attempt.stderr).toContain('_authToken=***');
      expect(attempt.authFailure).toBe(true);
      expect(attempt.message).toContain('401 Unauthorized');
    });

    it('adds --provenance when asked and reports a missing npm clearly', async () => {
      const { runner, calls } = packingRunner(() => ({ exitCode: 127, spawnError: 'spawn npm ENOENT' }));
      const m = npmManifest('/w/p', { name: 'x', version: '1.0.0' });
      const env = { NODE_AUTH_TOKEN: '', 'npm_config_//registry.npmjs.org/:_authToken': 'fake', NPM_CONFIG_USERCONFIG: '/home/me/.npmrc', PATH: '/bin' };
      const attempt = await npmRegistry.publish(publishRequest('/w', m, env, { provenance: true, trustedPublishing: true }), runner);
      expect(calls[0]).toMatchObject({ command: 'npm', args: ['pack', '--pack-destination', expect.any(String)], cwd: '/w/p' });
      expect(calls[1].args.map(tmpless)).toEqual([
        'publish',
        '<tmp>/x-1.0.0.tgz',
        '--ignore-scripts',
        '--access',
        'public',
        '--provenance',
        '--registry',
        'https://registry.npmjs.org',
      ]);
      expect(calls[1].env).toMatchObject({ npm_config_fetch_retries: '0' }); // our lookup-guarded retry replaces npm's blind ones
      // npm credentials from the environment are dropped too: the OIDC exchange is the upload's only credential.
      expect(calls[1].removeEnv?.sort()).toEqual(['NODE_AUTH_TOKEN', 'npm_config_//registry.npmjs.org/:_authToken']);
      expect(attempt.status).toBe('failed');
      expect(attempt.message).toContain('could not start: spawn npm ENOENT');
    });

    it('reports a failing pack step without running the upload', async () => {
      const { runner, calls } = recordingRunner(undefined, () => ({ exitCode: 1, stderr: 'npm error code ELIFECYCLE\nnpm error prepack: build failed' }));
      const m = npmManifest('/w/p', { name: 'x', version: '1.0.0' });
      const attempt = await npmRegistry.publish(publishRequest('/w', m, {}), runner);
      expect(calls).toHaveLength(1);
      expect(attempt.status).toBe('failed');
      expect(attempt.message).toMatch(/^`npm pack --pack-destination \S+` failed \(exit 1\): code ELIFECYCLE \| prepack: build failed$/);
    });

    it('runs prepublishOnly (which npm skips for a tarball) before packing, granted nothing', async () => {
      const { runner, calls } = packingRunner();
      const m = npmManifest('/w/p', { name: 'x', version: '1.0.0', scripts: { prepublishOnly: 'tsc' } });
      const attempt = await npmRegistry.publish(publishRequest('/w', m, {}), runner);
      expect(attempt.status).toBe('published');
      expect(calls.map((c) => [c.command, ...c.args.slice(0, 2)])).toEqual([
        ['npm', 'run', 'prepublishOnly'],
        ['npm', 'pack', '--pack-destination'],
        ['npm', 'publish', calls[2].args[1]],
      ]);
      expect(calls.map((c) => c.credentials)).toEqual([undefined, undefined, grant('npm-oidc')]);
      expect(attempt.command).toMatch(/^npm run prepublishOnly && npm pack --pack-destination \S+ && npm publish /);
    });

    it('publishes a pnpm tarball for real from the temp dir with only the OIDC grant', async () => {
      const { runner, calls } = recordingRunner(undefined, (spec) => {
        if (spec.command === 'pnpm') fs.writeFileSync(path.join(spec.args[2], 'x-1.0.0.tgz'), 'not really a tarball');
        return {};
      });
      const m = npmManifest('/w/p', { name: 'x', version: '1.0.0', scripts: { prepublishOnly: 'tsc' } }, 'pnpm');
      const attempt = await npmRegistry.publish(publishRequest('/w', m, {}), runner);
      expect(attempt.status).toBe('published');
      expect(calls.map((c) => [c.command, c.args[0], c.credentials])).toEqual([
        ['pnpm', 'pack', undefined],
        ['npm', 'publish', grant('npm-oidc')],
      ]);
      expect(calls[1].cwd).toBe(calls[0].args[2]);
    });
  });
});
