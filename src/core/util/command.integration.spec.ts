import os from 'node:os';
import { childEnv, createExecaRunner, killActiveCommands, renderCommand, type CommandSpec } from './command';
import { grant, isSecretVariable } from './secret-env';

const node = process.execPath;

jest.setTimeout(60_000);

describe('renderCommand', () => {
  it('quotes what a shell would split and redacts secrets', () => {
    expect(renderCommand({ command: 'npm', args: ['publish', '--tag', 'next', 'a b', "it's"] })).toBe(`npm publish --tag next 'a b' 'it'\\''s'`);
    expect(renderCommand({ command: 'uv', args: ['publish', '--token', 'fake-uv-token-value'] }, { UV_PUBLISH_TOKEN: 'fake-uv-token-value' })).toBe(
      'uv publish --token ***',
    );
  });
});

describe('childEnv', () => {
  it('removes listed variables and the OIDC token, applies overrides', () => {
    const env = childEnv(
      { PATH: '/bin', NODE_AUTH_TOKEN: 'fake', MONOCHANGE_OIDC_TOKEN: 'fake-jwt', KEEP: 'x', DROP_ME: 'y' },
      { command: 'npm', args: [], cwd: '/', removeEnv: ['NODE_AUTH_TOKEN'], env: { EXTRA: '1', DROP_ME: undefined } },
    );
    expect(env).toEqual({ PATH: '/bin', KEEP: 'x', EXTRA: '1' });
  });
});

describe('childEnv credential policy', () => {
  const parent = {
    PATH: '/bin',
    GITHUB_ACTIONS: 'true',
    ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:9/token',
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'fake-request-token',
    NPM_ID_TOKEN: 'fake-npm-jwt',
    PYPI_ID_TOKEN: 'fake-pypi-jwt',
    SIGSTORE_ID_TOKEN: 'fake-sigstore-jwt',
    CUSTOM_AUDIENCE_ID_TOKEN: 'fake-custom-jwt',
    MONOCHANGE_ID_TOKEN: 'fake-mc-jwt',
    MONOCHANGE_OIDC_TOKEN: 'fake-mc-oidc',
    CARGO_REGISTRY_TOKEN: 'fake-cargo',
    CARGO_REGISTRIES_MIRROR_TOKEN: 'fake-mirror',
    CARGO_REGISTRIES_MIRROR_INDEX: 'sparse+https://mirror.example/',
    MONOCHANGE_NPM_REGISTRY_URL: 'http://127.0.0.1:4873',
  };
  const spec = (extra: Partial<CommandSpec> = {}): CommandSpec => ({ command: 'tool', args: [], cwd: '/', ...extra });

  it('withholds every OIDC and registry credential variable unless granted', () => {
    expect(childEnv(parent, spec())).toEqual({
      PATH: '/bin',
      GITHUB_ACTIONS: 'true',
      CARGO_REGISTRIES_MIRROR_INDEX: 'sparse+https://mirror.example/',
      MONOCHANGE_NPM_REGISTRY_URL: 'http://127.0.0.1:4873',
    });
  });

  it('passes exactly the granted variables', () => {
    const npm = childEnv(parent, spec({ credentials: grant('npm-oidc') }));
    expect(Object.keys(npm).filter(isSecretVariable).sort()).toEqual([
      'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
      'ACTIONS_ID_TOKEN_REQUEST_URL',
      'NPM_ID_TOKEN',
      'SIGSTORE_ID_TOKEN',
    ]);
    const pypi = childEnv(parent, spec({ credentials: grant('pypi-oidc') }));
    expect(Object.keys(pypi).filter(isSecretVariable).sort()).toEqual(['ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_URL', 'PYPI_ID_TOKEN']);
    const cargo = childEnv(parent, spec({ credentials: grant('cargo-token') }));
    expect(Object.keys(cargo).filter(isSecretVariable)).toEqual(['CARGO_REGISTRY_TOKEN']);
  });

  it('matches names without regard to case', () => {
    expect(childEnv({ actions_id_token_request_token: 'x', Path: '/bin' }, spec())).toEqual({ Path: '/bin' });
    expect(childEnv({ actions_id_token_request_token: 'x' }, spec({ credentials: ['ACTIONS_ID_TOKEN_REQUEST_TOKEN'] }))).toEqual({
      actions_id_token_request_token: 'x',
    });
  });

  it('refuses a spec that sets a credential variable it does not grant', () => {
    expect(() => childEnv({}, spec({ env: { CARGO_REGISTRIES_X_TOKEN: 'fake' } }))).toThrow(/CARGO_REGISTRIES_X_TOKEN without granting it/);
    expect(childEnv({}, spec({ env: { CARGO_REGISTRIES_X_TOKEN: 'fake' }, credentials: ['CARGO_REGISTRIES_X_TOKEN'] }))).toEqual({
      CARGO_REGISTRIES_X_TOKEN: 'fake',
    });
  });

  it('lets an override replace parent variables that differ only in case', () => {
    const env = childEnv({ NPM_CONFIG_USERCONFIG: '/home/me/.npmrc', npm_config_userconfig: '/other' }, spec({ env: { npm_config_userconfig: '/tmp/empty' } }));
    expect(env).toEqual({ npm_config_userconfig: '/tmp/empty' });
  });

  it('keeps the variables out of a real child process', async () => {
    const runner = createExecaRunner({ ...parent, PATH: process.env.PATH });
    const print = 'console.log(["ACTIONS_ID_TOKEN_REQUEST_TOKEN","NPM_ID_TOKEN","CARGO_REGISTRY_TOKEN"].map((k) => process.env[k] ?? "absent").join(" "))';
    const plain = await runner.run(spec({ command: node, args: ['-e', print], cwd: os.tmpdir() }));
    expect(plain.stdout).toBe('absent absent absent');
    const granted = await runner.run(spec({ command: node, args: ['-e', print], cwd: os.tmpdir(), credentials: grant('npm-oidc') }));
    expect(granted.stdout).toBe('fake-request-token fake-npm-jwt absent');
  }, 60_000);
});

describe('createExecaRunner', () => {
  const runner = createExecaRunner({ PATH: process.env.PATH, SHOWN: 'visible', HIDDEN: 'secret-ish' });

  it('captures exit code and trimmed output, with the child environment only', async () => {
    const result = await runner.run({
      command: node,
      args: ['-e', 'console.log(process.env.SHOWN, process.env.HIDDEN ?? "none", process.env.EXTRA); console.error("warn"); process.exit(3)'],
      cwd: os.tmpdir(),
      env: { EXTRA: 'extra' },
      removeEnv: ['HIDDEN'],
    });
    expect(result).toEqual({ exitCode: 3, stdout: 'visible none extra', stderr: 'warn', spawnError: undefined, interrupted: undefined });
  });

  it('reports a program that cannot start as a spawn error, not a crash', async () => {
    const result = await runner.run({ command: 'monochange-no-such-program', args: [], cwd: os.tmpdir() });
    expect(result.spawnError).toMatch(/ENOENT/);
    expect(result.exitCode).toBe(127);
  });

  it('marks a command stopped by an abort signal as interrupted', async () => {
    const controller = new AbortController();
    const running = runner.run({ command: node, args: ['-e', 'setTimeout(() => {}, 60000)'], cwd: os.tmpdir() }, { signal: controller.signal });
    controller.abort();
    const result = await running;
    expect(result.interrupted).toBe(true);
    expect(result.spawnError).toBeUndefined();
  });

  it('stops running commands through killActiveCommands (the interrupt handler)', async () => {
    const running = runner.run({ command: node, args: ['-e', 'console.log("up"); setTimeout(() => {}, 60000)'], cwd: os.tmpdir() });
    // Wait until the child is registered and running.
    for (let i = 0; i < 200 && killActiveCommands('SIGTERM') === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const result = await running;
    expect(result.interrupted).toBe(true);
    expect(killActiveCommands()).toBe(0);
  });
});
