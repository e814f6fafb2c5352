import fs from 'node:fs';
import path from 'node:path';
import { cratesIoRegistry } from '../../registries/crates-io';
import { npmRegistry } from '../../registries/npm';
import { pypiRegistry } from '../../registries/pypi';
import { githubEnv } from '../../trust/testing/fixtures';
import type { Env } from '../../types';
import { credentialChecks } from './credentials';
import { makeContext, manifest, pkgConfig, statuses, tempDir, writeFiles } from './testing/context';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const FAKE_TOKEN = 'npm_FAKEFAKEFAKEFAKEFAKEFAKEFAKE000';

function setup(files: Record<string, string>, env: Env, registry: 'npm' | 'pypi' | 'crates_io' = 'npm') {
  const root = tempDir();
  const home = tempDir('mc-home-');
  dirs.push(root, home);
  writeFiles(root, files);
  const type = registry === 'npm' ? 'npm' : registry === 'pypi' ? 'python' : 'cargo';
  const pkg = pkgConfig({ id: 'web', type, path: 'packages/web' });
  const m = manifest(path.join(root, 'packages/web'), { ecosystem: type, name: 'web', version: '1.0.0' });
  const adapter = registry === 'npm' ? npmRegistry : registry === 'pypi' ? pypiRegistry : cratesIoRegistry;
  return { ctx: makeContext({ root, pkg, manifest: m, adapter, env: { HOME: home, ...env } }), root, home };
}

describe('credential checks', () => {
  it('credentials.env-token passes without token variables', async () => {
    expect(statuses(await credentialChecks(setup({}, githubEnv()).ctx), 'credentials.env-token')).toEqual(['pass']);
  });

  it('credentials.env-token fails for an empty NODE_AUTH_TOKEN, naming the variable only', async () => {
    const [check] = (await credentialChecks(setup({}, githubEnv({ NODE_AUTH_TOKEN: '', NPM_TOKEN: FAKE_TOKEN })).ctx)).filter(
      (c) => c.id === 'credentials.env-token',
    );
    expect(check).toMatchObject({ status: 'fail', message: expect.stringContaining('`NODE_AUTH_TOKEN` and `NPM_TOKEN` are set') });
    expect(JSON.stringify(check)).not.toContain(FAKE_TOKEN);
  });

  it('credentials.env-token fails for UV_PUBLISH_TOKEN on PyPI', async () => {
    const checks = await credentialChecks(setup({}, githubEnv({ UV_PUBLISH_TOKEN: 'pypi-fake' }), 'pypi').ctx);
    expect(statuses(checks, 'credentials.env-token')).toEqual(['fail']);
    expect(statuses(checks, 'credentials.npmrc-token')).toEqual([]);
  });

  it('credentials.env-token passes with a note for CARGO_REGISTRY_TOKEN', async () => {
    const [check] = await credentialChecks(setup({}, githubEnv({ CARGO_REGISTRY_TOKEN: 'cio-fake' }), 'crates_io').ctx);
    expect(check).toMatchObject({ id: 'credentials.env-token', status: 'pass', message: expect.stringContaining('crates-io-auth-action') });
  });

  it('credentials.npmrc-token passes when .npmrc has only registry settings and tokens for other hosts', async () => {
    const { ctx } = setup({ '.npmrc': 'registry=https://registry.npmjs.org/\n//npm.pkg.github.com/:_authToken=ghp_fake\n' }, githubEnv());
    const [check] = (await credentialChecks(ctx)).filter((c) => c.id === 'credentials.npmrc-token');
    expect(check).toMatchObject({ status: 'pass', message: expect.stringContaining('1 for other registries') });
  });

  it('credentials.npmrc-token fails for a token in the package .npmrc, never printing it', async () => {
    const { ctx } = setup({ 'packages/web/.npmrc': `# setup\n//registry.npmjs.org/:_authToken=${FAKE_TOKEN}\n` }, githubEnv());
    const [check] = (await credentialChecks(ctx)).filter((c) => c.id === 'credentials.npmrc-token');
    expect(check).toMatchObject({ status: 'fail', message: expect.stringContaining('packages/web/.npmrc:2 (//registry.npmjs.org/:_authToken)') });
    expect(JSON.stringify(check)).not.toContain(FAKE_TOKEN);
  });

  it('credentials.npmrc-token fails for the user .npmrc named by npm_config_userconfig', async () => {
    const { ctx, home } = setup({}, githubEnv());
    const userrc = path.join(home, 'custom-npmrc');
    fs.writeFileSync(userrc, '//registry.npmjs.org/:_authToken=${NODE_AUTH_TOKEN}\n');
    ctx.env.npm_config_userconfig = userrc;
    ctx.env.NODE_AUTH_TOKEN = FAKE_TOKEN;
    const [check] = (await credentialChecks(ctx)).filter((c) => c.id === 'credentials.npmrc-token');
    expect(check).toMatchObject({
      status: 'fail',
      message: expect.stringContaining(`${userrc}:1 (//registry.npmjs.org/:_authToken, set from environment variable NODE_AUTH_TOKEN)`),
    });
    expect(JSON.stringify(check)).not.toContain(FAKE_TOKEN);
  });

  it('credentials.npmrc-token ignores a ${VAR} line whose variable is unset, and fails for _auth and _password lines', async () => {
    const unset = setup({ 'packages/web/.npmrc': '//registry.npmjs.org/:_authToken=${NODE_AUTH_TOKEN}\n' }, githubEnv());
    expect(statuses(await credentialChecks(unset.ctx), 'credentials.npmrc-token')).toEqual(['pass']);
    const { ctx } = setup({ '.npmrc': `_auth=${FAKE_TOKEN}\n//registry.npmjs.org/:_password=${FAKE_TOKEN}\n` }, githubEnv());
    const [check] = (await credentialChecks(ctx)).filter((c) => c.id === 'credentials.npmrc-token');
    expect(check).toMatchObject({ status: 'fail', message: expect.stringContaining('.npmrc:1 (_auth), .npmrc:2 (//registry.npmjs.org/:_password)') });
    expect(JSON.stringify(check)).not.toContain(FAKE_TOKEN);
  });
});
