import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startHttpStub, type HttpStub } from '../../../../test-utils/http-stub';
import type { CiIdentity } from '../../ci/types';
import type { PackageConfig } from '../../config/types';
import { MonochangeError } from '../../errors';
import { createExecaRunner, type CommandResult, type CommandRunner, type CommandSpec } from '../../util/command';
import {
  configureNpmTrust,
  listNpmTrust,
  matchesNpmTrust,
  npmTrustGithubCommand,
  npmTrustListCommand,
  parseNpmTrustJson,
  renderNpmTrustCommand,
} from './trust';
import { configureNpmTrustFor, npmTrustCommandFor } from './trust-for-package';

jest.setTimeout(60_000);

function scriptedRunner(answers: Array<Partial<CommandResult>>) {
  const calls: CommandSpec[] = [];
  const runner: CommandRunner = {
    async run(spec) {
      calls.push(spec);
      return { exitCode: 0, stdout: '', stderr: '', ...answers[calls.length - 1] };
    },
  };
  return { runner, calls };
}

const record = (env?: string) =>
  JSON.stringify(
    { id: 'abc', type: 'github', file: 'publish.yml', repository: 'acme/widgets', ...(env ? { environment: env } : {}), permissions: ['createPackage'] },
    null,
    2,
  );

describe('npm trust commands', () => {
  it('builds the list argv with --json and the registry', () => {
    expect(npmTrustListCommand('@acme/a', 'http://127.0.0.1:4873')).toEqual([
      'npm',
      'trust',
      'list',
      '@acme/a',
      '--json',
      '--registry',
      'http://127.0.0.1:4873',
    ]);
    expect(npmTrustListCommand('a')).toEqual(['npm', 'trust', 'list', 'a', '--json', '--registry', 'https://registry.npmjs.org']);
  });

  it('builds the github argv with --allow-publish --yes and optional --env', () => {
    expect(
      npmTrustGithubCommand({ name: '@acme/a', workflow: 'publish.yml', repository: 'acme/widgets', environment: 'release', base: 'http://127.0.0.1:1' }),
    ).toEqual([
      'npm',
      'trust',
      'github',
      '@acme/a',
      '--file',
      'publish.yml',
      '--repo',
      'acme/widgets',
      '--env',
      'release',
      '--allow-publish',
      '--yes',
      '--registry',
      'http://127.0.0.1:1',
    ]);
    expect(npmTrustGithubCommand({ name: 'a', workflow: 'release.yaml', repository: 'o/r', dryRun: true })).toEqual([
      'npm',
      'trust',
      'github',
      'a',
      '--file',
      'release.yaml',
      '--repo',
      'o/r',
      '--allow-publish',
      '--yes',
      '--registry',
      'https://registry.npmjs.org',
      '--dry-run',
    ]);
  });

  it('renders the command for messages, with --registry only for other registries', () => {
    expect(renderNpmTrustCommand({ name: '@acme/a', workflow: 'publish.yml', repository: 'acme/widgets', environment: 'publisher' })).toBe(
      'npm trust github @acme/a --file publish.yml --repo acme/widgets --env publisher --allow-publish --yes',
    );
    expect(renderNpmTrustCommand({ name: 'a', workflow: 'publish.yml', repository: 'o/r', base: 'https://registry.npmjs.org/' })).toBe(
      'npm trust github a --file publish.yml --repo o/r --allow-publish --yes',
    );
    expect(renderNpmTrustCommand({ name: 'a', workflow: 'publish.yml', repository: 'o/r', base: 'http://127.0.0.1:9' })).toBe(
      'npm trust github a --file publish.yml --repo o/r --allow-publish --yes --registry http://127.0.0.1:9',
    );
    expect(npmTrustCommandFor({ name: 'a' }, { repository: 'o/r', workflow: 'p.yml' }, { MONOCHANGE_NPM_REGISTRY_URL: 'http://127.0.0.1:5/' })).toBe(
      'npm trust github a --file p.yml --repo o/r --allow-publish --yes --registry http://127.0.0.1:5',
    );
  });

  it('refuses a workflow path or a malformed repository with a clear error', () => {
    expect(() => npmTrustGithubCommand({ name: 'a', workflow: '.github/workflows/publish.yml', repository: 'o/r' })).toThrow(MonochangeError);
    expect(() => npmTrustGithubCommand({ name: 'a', workflow: 'publish.yml', repository: 'just-a-name' })).toThrow(/owner\/repo/);
  });

  it('parses concatenated objects, arrays, registry bodies and empty output', () => {
    expect(parseNpmTrustJson('')).toEqual([]);
    expect(parseNpmTrustJson(`${record()}\n\n${record('release')}\n`)).toEqual([
      { id: 'abc', type: 'github', file: 'publish.yml', repository: 'acme/widgets', permissions: ['createPackage'] },
      { id: 'abc', type: 'github', file: 'publish.yml', repository: 'acme/widgets', environment: 'release', permissions: ['createPackage'] },
    ]);
    expect(parseNpmTrustJson(`[${record()}]`)).toHaveLength(1);
    expect(
      parseNpmTrustJson(
        JSON.stringify([{ id: 'x', type: 'github', claims: { repository: 'o/r', workflow_ref: { file: 'p.yml' }, environment: 'e' }, permissions: [] }]),
      ),
    ).toEqual([{ id: 'x', type: 'github', file: 'p.yml', repository: 'o/r', environment: 'e', permissions: [] }]);
    expect(parseNpmTrustJson('{"package":"a","file":"p.yml","repository":"o/r \\"}\\"","permissions":["createPackage"]}')[0].repository).toBe('o/r "}"');
  });

  it('matches repository, workflow and environment exactly', () => {
    const r = { type: 'github', file: 'publish.yml', repository: 'acme/widgets', permissions: [] };
    expect(matchesNpmTrust(r, { workflow: 'publish.yml', repository: 'acme/widgets' })).toBe(true);
    expect(matchesNpmTrust(r, { workflow: 'publish.yml', repository: 'acme/widgets', environment: 'release' })).toBe(false);
    expect(matchesNpmTrust({ ...r, environment: 'release' }, { workflow: 'publish.yml', repository: 'acme/widgets' })).toBe(false);
    expect(matchesNpmTrust(r, { workflow: 'release.yml', repository: 'acme/widgets' })).toBe(false);
    expect(matchesNpmTrust({ ...r, type: 'gitlab' }, { workflow: 'publish.yml', repository: 'acme/widgets' })).toBe(false);
  });

  describe('configure with a recording runner', () => {
    const options = { name: '@acme/a', workflow: 'publish.yml', repository: 'acme/widgets', environment: 'release', base: 'http://127.0.0.1:1', cwd: '/w' };

    it('does nothing when the publisher is already listed', async () => {
      const { runner, calls } = scriptedRunner([{ stdout: record('release') }]);
      const result = await configureNpmTrust(runner, options);
      expect(result.changed).toBe(false);
      expect(calls.map((c) => c.args[1])).toEqual(['list']);
    });

    it('lists, adds the missing publisher, and lists again', async () => {
      const { runner, calls } = scriptedRunner([{ stdout: record() }, { stdout: '{}' }, { stdout: `${record()}\n${record('release')}` }]);
      const result = await configureNpmTrust(runner, options);
      expect(result.changed).toBe(true);
      expect(result.before).toHaveLength(1);
      expect(result.after).toHaveLength(2);
      expect(calls.map((c) => [c.command, ...c.args])).toEqual([
        npmTrustListCommand('@acme/a', 'http://127.0.0.1:1'),
        npmTrustGithubCommand(options),
        npmTrustListCommand('@acme/a', 'http://127.0.0.1:1'),
      ]);
      expect(calls.every((c) => c.cwd === '/w')).toBe(true);
    });

    it('fails when the publisher is still missing after adding it', async () => {
      const { runner } = scriptedRunner([{ stdout: '' }, { stdout: '' }, { stdout: record() }]);
      await expect(configureNpmTrust(runner, options)).rejects.toThrow(
        /does not show a GitHub publisher for acme\/widgets publish\.yml \(environment release\)/,
      );
    });

    it('turns a failing npm into a MonochangeError with the npm error line', async () => {
      const { runner } = scriptedRunner([
        { exitCode: 1, stderr: 'npm error code E401\nnpm error 401 Unauthorized - GET http://127.0.0.1:1/-/package/@acme%2fa/trust' },
      ]);
      const error = await listNpmTrust(runner, options).catch((e) => e);
      expect(error).toBeInstanceOf(MonochangeError);
      expect(error.message).toContain('`npm trust list @acme/a --json --registry http://127.0.0.1:1` failed (exit 1): code E401 | 401 Unauthorized');
      expect(error.message).toContain('npm login');
    });

    it('configureNpmTrustFor resolves the expected context and never throws', async () => {
      const pkg: PackageConfig = {
        id: 'a',
        path: 'packages/a',
        type: 'npm',
        publish: {
          enabled: true,
          mode: 'builtin',
          registry: 'npm',
          trustedPublishing: { enabled: true, repository: 'acme/widgets', workflow: 'publish.yml', environment: 'release' },
          attestations: { requireRegistryProvenance: false },
          placeholder: {},
          rateLimits: { enforce: false },
        },
      };
      const identity: CiIdentity = { provider: 'unknown', label: 'unknown CI provider', oidcAvailable: false, verifiable: false };
      const ok = scriptedRunner([{ stdout: record('release') }]);
      await expect(configureNpmTrustFor({ name: '@acme/a', dir: '/w/a' }, pkg, {}, identity, ok.runner, {})).resolves.toEqual({
        ok: true,
        message: 'npm trusted publisher of @acme/a already set: acme/widgets publish.yml (environment release)',
      });
      const bad = scriptedRunner([{ exitCode: 1, stderr: 'npm error code E403' }]);
      const failed = await configureNpmTrustFor({ name: '@acme/a', dir: '/w/a' }, pkg, {}, identity, bad.runner, {});
      expect(failed.ok).toBe(false);
      expect(failed.message).toContain('E403');
      const noContext = { ...pkg, publish: { ...pkg.publish, trustedPublishing: { enabled: true } } };
      const unresolved = await configureNpmTrustFor({ name: '@acme/a', dir: '/w/a' }, noContext, {}, identity, ok.runner, {});
      expect(unresolved.ok).toBe(false);
      expect(unresolved.message).toContain('repository');
    });
  });

  describe('with the real npm CLI', () => {
    let stub: HttpStub;
    let tmp: string;
    let runner: CommandRunner;
    let npmEnv: Record<string, string>;
    const stored: unknown[] = [];

    beforeAll(async () => {
      stub = await startHttpStub();
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'monochange-npm-trust-'));
      const npmrc = path.join(tmp, '.npmrc');
      fs.writeFileSync(npmrc, `//127.0.0.1:${stub.port}/:_authToken=fake-test-token\n`);
      npmEnv = { npm_config_userconfig: npmrc, npm_config_cache: path.join(tmp, 'cache'), npm_config_update_notifier: 'false' };
      runner = createExecaRunner({ ...process.env, ...npmEnv });
      // What npm's trust commands call: GET and POST /-/package/<name>/trust.
      stub.route('GET', '/-/package/@acme/a/trust', () => ({ body: stored }));
      stub.route('POST', '/-/package/@acme/a/trust', (req) => {
        const [body] = JSON.parse(req.body.toString()) as Array<Record<string, unknown>>;
        const created = { id: `id-${stored.length + 1}`, ...body };
        stored.push(created);
        return { status: 201, body: [created] };
      });
    });
    afterAll(async () => {
      await stub.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('`npm trust github … --dry-run` runs offline and echoes the configuration', async () => {
      const argv = npmTrustGithubCommand({ name: '@acme/a', workflow: 'publish.yml', repository: 'acme/widgets', environment: 'release', dryRun: true });
      const result = await runner.run({ command: argv[0], args: argv.slice(1), cwd: tmp });
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toContain('package: @acme/a');
      expect(result.stdout).toContain('repository: acme/widgets');
      expect(result.stdout).toContain('file: publish.yml');
      expect(result.stdout).toContain('environment: release');
    });

    it('lists, adds and verifies a publisher through npm against a loopback registry', async () => {
      const options = { name: '@acme/a', workflow: 'publish.yml', repository: 'acme/widgets', environment: 'release', base: stub.url, cwd: tmp };
      await expect(listNpmTrust(runner, options)).resolves.toEqual([]);
      const result = await configureNpmTrust(runner, options);
      expect(result.changed).toBe(true);
      expect(result.before).toEqual([]);
      expect(result.after).toEqual([
        {
          package: '@acme/a',
          id: 'id-1',
          type: 'github',
          file: 'publish.yml',
          repository: 'acme/widgets',
          environment: 'release',
          permissions: ['createPackage'],
        },
      ]);
      const posts = stub.requests.filter((r) => r.method === 'POST');
      expect(posts).toHaveLength(1);
      expect(posts[0].headers.authorization).toBe('Bearer fake-test-token');
      expect(JSON.parse(posts[0].body.toString())).toEqual([
        {
          type: 'github',
          claims: { repository: 'acme/widgets', workflow_ref: { file: 'publish.yml' }, environment: 'release' },
          permissions: ['createPackage'],
        },
      ]);
      // A second run finds it and changes nothing.
      const again = await configureNpmTrust(runner, options);
      expect(again.changed).toBe(false);
      expect(stub.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    });
  });
});
