import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { npmRegistry } from '../../registries/npm';
import type { RegistryAdapter } from '../../registries/types';
import { githubEnv } from '../../trust/testing/fixtures';
import type { Ecosystem, RegistryId } from '../../types';
import type { CommandResult, CommandRunner } from '../../util/command';
import { clearToolVersionCache, installedNpmPackageVersion, parseToolVersion, toolChecks } from './tools';
import { fakeAdapter, makeContext, manifest, pkgConfig, recordingRunner, statuses, tempDir } from './testing/context';

const root = tempDir();
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
beforeEach(() => clearToolVersionCache());

const MISSING: Partial<CommandResult> = { exitCode: 127, spawnError: 'spawn ENOENT' };
const REPO_ROOT = path.resolve(__dirname, '../../../..');

/** PATH for the cases that answer `npm --version` themselves: no npm on it, so the answer is asked of the runner. */
const NO_NPM_PATH = path.join(root, 'no-npm-here');

function ctxFor(
  adapter: RegistryAdapter,
  type: Ecosystem,
  runner: CommandRunner,
  o: { trusted?: boolean; manager?: 'npm' | 'pnpm'; root?: string; path?: string } = {},
) {
  const pkg = pkgConfig({ id: 'p', type, registry: adapter.id, trustedPublishing: { enabled: o.trusted ?? true } });
  const m = manifest(path.join(root, 'p'), {
    ecosystem: type,
    name: 'p',
    version: '1.0.0',
    npm: type === 'npm' ? { manager: o.manager ?? 'npm', json: {} } : undefined,
  });
  return makeContext({ root: o.root ?? root, pkg, manifest: m, adapter, runner, env: githubEnv({ PATH: o.path ?? process.env.PATH }) });
}

const fake = (id: RegistryId, tool: string) => fakeAdapter(id, id, [tool]);

describe('tool checks', () => {
  it('tools.npm passes for npm 11.6.0 with trusted publishing', async () => {
    const [check] = await toolChecks(ctxFor(npmRegistry, 'npm', recordingRunner({ 'npm --version': { stdout: '11.6.0' } }), { path: NO_NPM_PATH }));
    expect(check).toMatchObject({ id: 'tools.npm', status: 'pass', message: expect.stringContaining('npm 11.6.0') });
  });

  it('tools.npm fails for npm 10.9.0 with trusted publishing, naming the version found', async () => {
    const [check] = await toolChecks(ctxFor(npmRegistry, 'npm', recordingRunner({ 'npm --version': { stdout: '10.9.0' } }), { path: NO_NPM_PATH }));
    expect(check).toMatchObject({ id: 'tools.npm', status: 'fail', message: expect.stringContaining('npm 10.9.0 found') });
    expect(check.message).toContain('>= 11.5.1');
  });

  it('tools.npm reads the real npm’s version from its install, without starting npm', async () => {
    const runner = recordingRunner();
    const [check] = await toolChecks(ctxFor(npmRegistry, 'npm', runner));
    const real = execFileSync('npm', ['--version'], { encoding: 'utf8' }).trim();
    expect(check).toMatchObject({ id: 'tools.npm', status: 'pass', message: expect.stringContaining(`npm ${real} found`) });
    // On a usual install (PATH's npm links to npm's bin/npm-cli.js) no npm process is started.
    if (installedNpmPackageVersion(process.env.PATH)) expect(runner.calls).toEqual([]);
  });

  it('tools.npm has no minimum when trusted publishing is off', async () => {
    const [check] = await toolChecks(
      ctxFor(npmRegistry, 'npm', recordingRunner({ 'npm --version': { stdout: '10.9.0' } }), { trusted: false, path: NO_NPM_PATH }),
    );
    expect(check.status).toBe('pass');
  });

  it('tools.pnpm fails when the workspace manager is missing', async () => {
    const runner = recordingRunner({ 'npm --version': { stdout: '11.6.0' }, 'pnpm --version': MISSING });
    const checks = await toolChecks(ctxFor(npmRegistry, 'npm', runner, { manager: 'pnpm' }));
    expect(checks.map((c) => `${c.id}:${c.status}`)).toEqual(['tools.npm:pass', 'tools.pnpm:fail']);
  });

  it('tools.pnpm passes when the workspace manager is installed', async () => {
    const runner = recordingRunner({ 'npm --version': { stdout: '11.6.0' }, 'pnpm --version': { stdout: '10.4.1' } });
    const checks = await toolChecks(ctxFor(npmRegistry, 'npm', runner, { manager: 'pnpm' }));
    expect(checks.map((c) => `${c.id}:${c.status}`)).toEqual(['tools.npm:pass', 'tools.pnpm:pass']);
    expect(checks[1].message).toBe('pnpm 10.4.1 found');
  });

  it('asks each tool for its version once per process (200 packages, one spawn)', async () => {
    const runner = recordingRunner({ 'npm --version': { stdout: '11.6.0' } });
    for (let i = 0; i < 5; i++) await toolChecks(ctxFor(npmRegistry, 'npm', runner, { path: NO_NPM_PATH }));
    expect(runner.calls.filter((c) => c.command === 'npm')).toHaveLength(1);
  });

  it('tools.cargo passes with the real cargo and fails when it is missing', async () => {
    const [found] = await toolChecks(ctxFor(fake('crates_io', 'cargo'), 'cargo', recordingRunner()));
    expect(found).toMatchObject({ id: 'tools.cargo', status: 'pass', message: expect.stringMatching(/^cargo \d+\.\d+\.\d+ found$/) });
    clearToolVersionCache();
    const [missing] = await toolChecks(ctxFor(fake('crates_io', 'cargo'), 'cargo', recordingRunner({ 'cargo --version': MISSING })));
    expect(missing).toMatchObject({ status: 'fail', fix: expect.stringContaining('rustup.rs') });
  });

  it('a tool whose `--version` fails is named with its exit code and error line', async () => {
    const broken = { exitCode: 1, stderr: 'info: syncing channel updates\nerror: toolchain stable is not installed' };
    const [check] = await toolChecks(ctxFor(fake('crates_io', 'cargo'), 'cargo', recordingRunner({ 'cargo --version': broken })));
    expect(check).toMatchObject({ id: 'tools.cargo', status: 'fail', message: '`cargo --version` failed (exit 1): error: toolchain stable is not installed' });
  });

  it("tools.deno passes with the workspace's node_modules/.bin/deno and fails when none is found", async () => {
    const runner = recordingRunner();
    const [found] = await toolChecks(ctxFor(fake('jsr', 'deno'), 'deno', runner, { root: REPO_ROOT }));
    expect(found).toMatchObject({ id: 'tools.deno', status: 'pass', message: expect.stringMatching(/^deno \d+\.\d+\.\d+ found$/) });
    expect(runner.calls[0].command).toBe(path.join(REPO_ROOT, 'node_modules/.bin/deno'));
    const [missing] = await toolChecks(ctxFor(fake('jsr', 'deno'), 'deno', recordingRunner({ 'deno --version': MISSING })));
    expect(missing).toMatchObject({ status: 'fail', fix: expect.stringContaining('setup-deno') });
  });

  it('tools.dart passes for a Dart SDK and fails when it is missing', async () => {
    const [found] = await toolChecks(
      ctxFor(fake('pub_dev', 'dart'), 'dart', recordingRunner({ 'dart --version': { stdout: 'Dart SDK version: 3.5.4 (stable) on "linux_x64"' } })),
    );
    expect(found).toMatchObject({ id: 'tools.dart', status: 'pass', message: 'dart 3.5.4 found' });
    clearToolVersionCache();
    expect(statuses(await toolChecks(ctxFor(fake('pub_dev', 'dart'), 'dart', recordingRunner({ 'dart --version': MISSING }))), 'tools.dart')).toEqual(['fail']);
  });

  it('tools.uv passes for uv and fails when it is missing', async () => {
    expect(statuses(await toolChecks(ctxFor(fake('pypi', 'uv'), 'python', recordingRunner({ 'uv --version': { stdout: 'uv 0.5.1' } }))), 'tools.uv')).toEqual([
      'pass',
    ]);
    clearToolVersionCache();
    const [missing] = await toolChecks(ctxFor(fake('pypi', 'uv'), 'python', recordingRunner({ 'uv --version': MISSING })));
    expect(missing).toMatchObject({ id: 'tools.uv', status: 'fail', fix: expect.stringContaining('setup-uv') });
  });

  it('tools.git passes with the real git and fails when it is missing', async () => {
    expect(statuses(await toolChecks(ctxFor(fake('go_proxy', 'git'), 'go', recordingRunner())), 'tools.git')).toEqual(['pass']);
    clearToolVersionCache();
    expect(statuses(await toolChecks(ctxFor(fake('go_proxy', 'git'), 'go', recordingRunner({ 'git --version': MISSING }))), 'tools.git')).toEqual(['fail']);
  });

  it('reads versions from the usual --version shapes', () => {
    expect(parseToolVersion('git version 2.39.5')).toBe('2.39.5');
    expect(parseToolVersion('cargo 1.95.0 (f2d3ce0bd 2026-03-21)')).toBe('1.95.0');
    expect(parseToolVersion('deno 2.9.6 (stable, release)\nv8 15.0')).toBe('2.9.6');
    expect(parseToolVersion('no digits here')).toBeUndefined();
  });
});
