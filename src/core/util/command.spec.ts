import os from 'node:os';
import { childEnv, createExecaRunner, killActiveCommands, renderCommand } from './command';

const node = process.execPath;

describe('renderCommand', () => {
  it('quotes what a shell would split and redacts secrets', () => {
    expect(renderCommand({ command: 'npm', args: ['publish', '--tag', 'next', 'a b', "it's"] })).toBe(`npm publish --tag next 'a b' 'it'\\''s'`);
    expect(renderCommand({ command: 'uv', args: ['publish', '--token', 'fake-uv-token-value'] }, { UV_PUBLISH_TOKEN: 'fake-uv-token-value' })).toBe('uv publish --token ***');
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
