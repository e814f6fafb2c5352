import fs from 'node:fs';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import type { TrustedPublishingSettings } from '../../config/types';
import { npmRegistry } from '../../registries/npm';
import { githubEnv } from '../../trust/testing/fixtures';
import type { Check, Env } from '../../types';
import type { CommandResult, CommandRunner } from '../../util/command';
import type { ReadinessContext } from '../types';
import { npmChecks } from './npm';
import { clearNpmWhoamiCache, npmTrustedPublisherChecks } from './npm-trusted-publisher';
import { makeContext, manifest, pkgConfig, recordingRunner, tempDir, writeFiles } from './testing/context';
import { clearToolVersionCache } from './tools';

const root = tempDir();
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
beforeEach(() => {
  clearNpmWhoamiCache();
  clearToolVersionCache();
});

const BASE = 'https://registry.npmjs.org';
const WHOAMI = `npm whoami --registry ${BASE}`;
const trustList = (name: string, base = BASE) => `npm trust list ${name} --json --registry ${base}`;
const ENEEDAUTH: Partial<CommandResult> = { exitCode: 1, stderr: 'npm error code ENEEDAUTH\nnpm error need auth This command requires you to be logged in.' };

/** Nothing reaches a real npm: an unanswered command fails loudly (and is recorded). */
const unexpected: CommandRunner = { run: async (spec) => ({ exitCode: 99, stdout: '', stderr: `unexpected command: ${spec.command} ${spec.args.join(' ')}` }) };

type Answers = Record<string, Partial<CommandResult>>;

interface Setup {
  name?: string;
  id?: string;
  env?: Env;
  trusted?: Partial<TrustedPublishingSettings>;
  exists?: boolean;
  anyVersionExists?: boolean;
  runner?: ReturnType<typeof recordingRunner>;
  answers?: Answers;
  /** A credential for the registry in npm's environment config, as a logged-in npm has (default true). */
  login?: boolean;
}

/** `npm_config_//host/:_authToken`: what `npm login` leaves for the registry, here as a variable. */
function loginVariable(env: Env): Env {
  const base = env.MONOCHANGE_NPM_REGISTRY_URL ?? BASE;
  return { [`npm_config_${base.replace(/^https?:/, '')}/:_authToken`]: 'npm-login-token-for-spec' };
}

function setup(o: Setup = {}) {
  const id = o.id ?? 'web';
  const name = o.name ?? '@acme/web';
  const dir = path.join(root, 'packages', id);
  const json = { name, version: '1.2.3', repository: { type: 'git', url: 'git+https://github.com/acme/widgets.git' } };
  writeFiles(root, { [`packages/${id}/package.json`]: JSON.stringify(json) });
  const runner = o.runner ?? recordingRunner({ 'npm --version': { stdout: '11.19.1' }, ...o.answers }, unexpected);
  const pkg = pkgConfig({ id, type: 'npm', path: `packages/${id}`, trustedPublishing: { enabled: true, ...o.trusted } });
  const m = manifest(dir, { ecosystem: 'npm', name, version: '1.2.3', npm: { manager: 'npm', json, repositoryUrl: json.repository.url } });
  const env = o.env ?? githubEnv();
  const withLogin = o.login === false ? env : { ...env, ...loginVariable(env) };
  const ctx: ReadinessContext = makeContext({ root, pkg, manifest: m, adapter: npmRegistry, env: withLogin, runner, exists: o.exists ?? false });
  ctx.state.anyVersionExists = o.anyVersionExists ?? true;
  ctx.packFiles = async () => ({ files: new Set(['package.json']) });
  return { ctx, runner, dir };
}

/** A plain shell: no CI identity, so the expected context comes from monochange.toml. */
const SHELL = { env: {}, trusted: { repository: 'acme/widgets', workflow: 'publish.yml' } };

const record = (fields: Record<string, unknown>) => JSON.stringify({ type: 'github', permissions: ['createPackage'], ...fields }, null, 2);
const trustCalls = (runner: ReturnType<typeof recordingRunner>) => runner.calls.filter((c) => c.args[0] === 'trust');
const whoamiCalls = (runner: ReturnType<typeof recordingRunner>) => runner.calls.filter((c) => c.args[0] === 'whoami');
const only = (checks: Check[]) => {
  const found = checks.filter((c) => c.id === 'npm.trusted-publisher');
  expect(found).toHaveLength(1);
  return found[0];
};

describe('npm.trusted-publisher', () => {
  it('npm.trusted-publisher passes when npm lists the expected GitHub publisher', async () => {
    const other = record({ id: 'old', file: 'release.yml', repository: 'acme/widgets' });
    const match = record({ id: 'tp-1', file: 'publish.yml', repository: 'acme/widgets' });
    const { ctx, runner, dir } = setup({ answers: { [WHOAMI]: { stdout: 'alice\n' }, [trustList('@acme/web')]: { stdout: `${other}\n${match}\n` } } });
    const check = only(await npmChecks(ctx));
    expect(check).toMatchObject({ status: 'pass' });
    expect(check.message).toBe(
      'npm lists a trusted publisher for @acme/web matching repository `acme/widgets`, workflow `publish.yml` (id tp-1); checked as npm user alice',
    );
    const [call] = trustCalls(runner);
    expect(call).toMatchObject({
      command: 'npm',
      args: ['trust', 'list', '@acme/web', '--json', '--registry', BASE],
      cwd: dir,
      env: { npm_config_logs_max: '0' },
    });
    expect(whoamiCalls(runner)[0]).toMatchObject({ cwd: root, env: { npm_config_logs_max: '0' } });
  });

  it('npm.trusted-publisher fails for a publisher of another workflow, repository or environment, naming what was found', async () => {
    const cases: Array<[string, string]> = [
      [
        record({ id: 'a', file: 'release.yml', repository: 'acme/widgets', environment: 'release' }),
        'repository `acme/widgets`, workflow `release.yml`, environment `release` (id a)',
      ],
      [
        record({ id: 'b', file: 'publish.yml', repository: 'acme/other', environment: 'release' }),
        'repository `acme/other`, workflow `publish.yml`, environment `release` (id b)',
      ],
      [
        record({ id: 'c', file: 'publish.yml', repository: 'acme/widgets', environment: 'staging' }),
        'repository `acme/widgets`, workflow `publish.yml`, environment `staging` (id c)',
      ],
      [record({ id: 'd', file: 'publish.yml', repository: 'acme/widgets' }), 'repository `acme/widgets`, workflow `publish.yml` (id d)'],
    ];
    for (const [stdout, found] of cases) {
      clearNpmWhoamiCache();
      const { ctx } = setup({ trusted: { environment: 'release' }, answers: { [WHOAMI]: { stdout: 'alice' }, [trustList('@acme/web')]: { stdout } } });
      const check = only(await npmTrustedPublisherChecks(ctx));
      expect([found, check.status]).toEqual([found, 'fail']);
      expect(check.message).toContain(`none for repository \`acme/widgets\`, workflow \`publish.yml\`, environment \`release\`: github ${found}`);
      expect(check.fix).toContain('`npm trust github @acme/web --file publish.yml --repo acme/widgets --env release --allow-publish --yes`');
      expect(check.fix).toContain('`npx nx run web:placeholder-publish --configureTrust`');
      expect(check.fix).toContain('npm trust revoke @acme/web --id <id>');
      expect(check.fix).toContain('[package.web.publish.trusted_publishing]');
    }
  });

  it('npm.trusted-publisher prints a scoped package id as a TOML table header that can be pasted', async () => {
    const stdout = record({ id: 'a', file: 'release.yml', repository: 'acme/widgets' });
    const { ctx } = setup({ id: '@acme/core', answers: { [WHOAMI]: { stdout: 'alice' }, [trustList('@acme/web')]: { stdout } } });
    const check = only(await npmTrustedPublisherChecks(ctx));
    const header = '[package."@acme/core".publish.trusted_publishing]';
    expect(check.fix).toContain(header);
    expect(parseToml(`${header}\nworkflow = "publish.yml"\n`)).toEqual({
      package: { '@acme/core': { publish: { trusted_publishing: { workflow: 'publish.yml' } } } },
    });
  });

  it('npm.trusted-publisher fails when npm lists no publisher', async () => {
    const { ctx } = setup({
      answers: { [WHOAMI]: { stdout: 'alice' }, [trustList('@acme/web')]: { stdout: '', stderr: 'No trust configurations found for package (@acme/web)' } },
    });
    const check = only(await npmTrustedPublisherChecks(ctx));
    expect(check).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(/^npm lists no trusted publisher for @acme\/web \(checked as npm user alice\)/),
    });
    expect(check.fix).toContain('`npm trust github @acme/web --file publish.yml --repo acme/widgets --allow-publish --yes`');
    expect(check.fix).not.toContain('revoke');
  });

  it('npm.trusted-publisher fails for a matching publisher that only allows staged publishing', async () => {
    const stdout = record({ id: 'st', file: 'publish.yml', repository: 'acme/widgets', permissions: ['createStagedPackage'] });
    const { ctx } = setup({ answers: { [WHOAMI]: { stdout: 'alice' }, [trustList('@acme/web')]: { stdout } } });
    const check = only(await npmTrustedPublisherChecks(ctx));
    expect(check).toMatchObject({ status: 'fail', message: expect.stringContaining('only allows `createStagedPackage`') });
    expect(check.fix).toContain('npm trust revoke @acme/web --id st');
  });

  it('npm.trusted-publisher uses the registry override for whoami, trust list and the fix', async () => {
    const base = 'http://127.0.0.1:4873';
    const { ctx, runner } = setup({
      env: githubEnv({ MONOCHANGE_NPM_REGISTRY_URL: base }),
      answers: { [`npm whoami --registry ${base}`]: { stdout: 'alice' }, [trustList('@acme/web', base)]: { stdout: '' } },
    });
    const check = only(await npmTrustedPublisherChecks(ctx));
    expect(check.status).toBe('fail');
    expect(check.fix).toContain(`--allow-publish --yes --registry ${base}\``);
    expect(runner.calls.map((c) => c.args.join(' '))).toEqual([
      'whoami --registry http://127.0.0.1:4873',
      '--version',
      'trust list @acme/web --json --registry http://127.0.0.1:4873',
    ]);
  });

  it('npm.trusted-publisher reports nothing in CI without an npm login', async () => {
    const { ctx, runner } = setup({ answers: { [WHOAMI]: ENEEDAUTH } });
    expect(ctx.identity.provider).toBe('github_actions');
    const checks = await npmChecks(ctx);
    expect(checks.filter((c) => c.id === 'npm.trusted-publisher')).toEqual([]);
    expect(checks.map((c) => c.id)).toEqual(['npm.repository-url', 'npm.access', 'npm.workspace-protocol', 'npm.entry-points']);
    expect(whoamiCalls(runner)).toHaveLength(1);
    expect(trustCalls(runner)).toEqual([]);
  });

  it('npm.trusted-publisher in CI without any npm credential: nothing reported and no `npm whoami` process', async () => {
    // HOME without an .npmrc: the machine's own npm login must not leak into the case.
    const { ctx, runner } = setup({ login: false, env: { ...githubEnv(), HOME: root }, answers: { [WHOAMI]: { stdout: 'alice' } } });
    const checks = await npmChecks(ctx);
    expect(checks.filter((c) => c.id === 'npm.trusted-publisher')).toEqual([]);
    expect(whoamiCalls(runner)).toEqual([]);
    expect(trustCalls(runner)).toEqual([]);
  });

  it('npm.trusted-publisher warns once in a plain shell without an npm login, with how to verify', async () => {
    const { ctx, runner } = setup({ ...SHELL, answers: { [WHOAMI]: ENEEDAUTH } });
    expect(ctx.identity.provider).toBe('unknown');
    const check = only(await npmChecks(ctx));
    expect(check.status).toBe('warn');
    expect(check.message).toContain('the npm trusted publisher of @acme/web was not verified: npm has no login for https://registry.npmjs.org');
    expect(check.message).toContain('ENEEDAUTH');
    expect(check.fix).toBe(
      'run `npm login` (as an owner of @acme/web) and re-run readiness, or check https://www.npmjs.com/package/@acme/web/access: it must list GitHub Actions with repository `acme/widgets`, workflow `publish.yml`',
    );
    expect(trustCalls(runner)).toEqual([]);
  });

  it('npm.trusted-publisher warns in a plain shell when npm cannot be asked who is logged in', async () => {
    const { ctx } = setup({
      ...SHELL,
      answers: { [WHOAMI]: { exitCode: 1, stdout: '{"error":{"code":"ECONNREFUSED","summary":"request to https://registry.npmjs.org/-/whoami failed"}}' } },
    });
    const check = only(await npmTrustedPublisherChecks(ctx));
    expect(check).toMatchObject({
      status: 'warn',
      message: expect.stringContaining('could not ask npm who is logged in to https://registry.npmjs.org: ECONNREFUSED: request to'),
    });
  });

  it('npm.trusted-publisher is not run for a version already published, a package not on the registry, or without trusted publishing', async () => {
    const answers = { [WHOAMI]: { stdout: 'alice' }, [trustList('@acme/web')]: { stdout: '' } };
    for (const o of [{ exists: true }, { anyVersionExists: false }, { trusted: { enabled: false } }]) {
      clearNpmWhoamiCache();
      const { ctx, runner } = setup({ ...o, answers });
      const checks = await npmChecks(ctx);
      expect([o, checks.filter((c) => c.id === 'npm.trusted-publisher')]).toEqual([o, []]);
      expect([o, trustCalls(runner), whoamiCalls(runner)]).toEqual([o, [], []]);
    }
    // Control: the same answers with the package on the registry do run it.
    const { ctx, runner } = setup({ answers });
    expect(only(await npmChecks(ctx)).status).toBe('fail');
    expect(trustCalls(runner)).toHaveLength(1);
  });

  it('asks npm whoami once for 50 packages (and again only for another npm config)', async () => {
    const answers: Answers = { 'npm --version': { stdout: '11.19.1' }, [WHOAMI]: { stdout: 'alice' } };
    for (let i = 0; i < 50; i++) answers[trustList(`@acme/p${i}`)] = { stdout: record({ file: 'publish.yml', repository: 'acme/widgets' }) };
    const runner = recordingRunner(answers, unexpected);
    const contexts = Array.from({ length: 50 }, (_, i) => setup({ id: `p${i}`, name: `@acme/p${i}`, runner }).ctx);
    const results = await Promise.all(contexts.map((ctx) => npmTrustedPublisherChecks(ctx)));
    expect(results.map((r) => only(r).status)).toEqual(Array(50).fill('pass'));
    expect(whoamiCalls(runner)).toHaveLength(1);
    expect(trustCalls(runner)).toHaveLength(50);
    expect(runner.calls.filter((c) => c.args[0] === '--version')).toHaveLength(1);

    await npmTrustedPublisherChecks(setup({ id: 'p0', name: '@acme/p0', runner, env: githubEnv({ npm_config_userconfig: '/tmp/other.npmrc' }) }).ctx);
    expect(whoamiCalls(runner)).toHaveLength(2);
  });

  it('npm.trusted-publisher warns when npm is too old to have `npm trust`, naming the version needed', async () => {
    const { ctx, runner } = setup({ answers: { 'npm --version': { stdout: '11.6.0' }, [WHOAMI]: { stdout: 'alice' } } });
    const check = only(await npmTrustedPublisherChecks(ctx));
    expect(check).toMatchObject({ status: 'warn', message: expect.stringContaining('npm 11.6.0 has no `npm trust` (npm >= 11.15.0 is needed') });
    expect(check.fix).toContain('npm install -g npm@^11.15.0');
    expect(trustCalls(runner)).toEqual([]);

    clearNpmWhoamiCache();
    clearToolVersionCache();
    const unknown = setup({
      answers: {
        'npm --version': { stdout: 'weird' },
        [WHOAMI]: { stdout: 'alice' },
        [trustList('@acme/web')]: { exitCode: 1, stderr: 'Unknown command: "trust"\n\nTo see a list of supported npm commands, run:\n  npm help' },
      },
    });
    expect(only(await npmTrustedPublisherChecks(unknown.ctx))).toMatchObject({
      status: 'warn',
      message: expect.stringContaining('has no `npm trust` (npm >= 11.15.0'),
    });
  });

  it('npm.trusted-publisher warns when `npm trust list` fails', async () => {
    const stdout = JSON.stringify({
      error: { code: 'E403', summary: 'Forbidden - GET https://registry.npmjs.org/-/package/@acme%2fweb/trust - two-factor authentication required' },
    });
    const { ctx } = setup({ answers: { [WHOAMI]: { stdout: 'alice' }, [trustList('@acme/web')]: { exitCode: 1, stdout, stderr: 'npm error code E403' } } });
    const check = only(await npmTrustedPublisherChecks(ctx));
    expect(check).toMatchObject({
      status: 'warn',
      message: expect.stringContaining('as npm user alice, `npm trust list @acme/web` failed (exit 1): E403: Forbidden'),
    });
    expect(check.fix).toContain('log in as an owner of @acme/web with 2FA');
  });

  it('never prints a token from the environment or from npm output', async () => {
    const npmToken = `npm_${'A1b2C3d4'.repeat(5)}`;
    const custom = 'plain-secret-value-42';
    const env = { NODE_AUTH_TOKEN: npmToken, MY_REGISTRY_TOKEN: custom };
    const leaky = `npm error 403 token ${npmToken} (${custom}) Authorization: Bearer ${npmToken}\nnpm error //registry.npmjs.org/:_authToken=${custom}`;
    const variants: Setup[] = [
      { env: githubEnv(env), answers: { [WHOAMI]: { stdout: 'alice' }, [trustList('@acme/web')]: { exitCode: 1, stderr: leaky } } },
      {
        env: githubEnv(env),
        answers: { [WHOAMI]: { stdout: 'alice' }, [trustList('@acme/web')]: { stdout: record({ file: 'other.yml', repository: custom }) } },
      },
      { ...SHELL, env, answers: { [WHOAMI]: { exitCode: 1, stderr: `npm error code E401\n${leaky}` } } },
      { ...SHELL, env, answers: { [WHOAMI]: { exitCode: 1, stdout: JSON.stringify({ error: { code: 'E500', summary: leaky } }) } } },
    ];
    for (const variant of variants) {
      clearNpmWhoamiCache();
      const checks = await npmTrustedPublisherChecks(setup(variant).ctx);
      const text = JSON.stringify(checks);
      expect(checks).toHaveLength(1);
      expect(text).not.toContain(npmToken);
      expect(text).not.toContain(custom);
    }
  });
});
