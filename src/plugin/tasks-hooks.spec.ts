import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PreTasksExecutionContext } from '@nx/devkit';
import { preTasksExecution } from './tasks-hooks';

/** The pre-task hook: what a run of other targets, a readiness run and a publish run each go through. */
describe('preTasksExecution', () => {
  let root: string;
  const saved = { ...process.env };
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-hook-'));
    // A plain shell: no CI identity of any kind.
    for (const key of Object.keys(process.env)) if (/^(GITHUB_|GITLAB_|CI$|ACTIONS_|NX_)/.test(key)) delete process.env[key];
  });
  afterEach(() => {
    process.env = { ...saved };
    fs.rmSync(root, { recursive: true, force: true });
  });

  const run = (...args: string[]) =>
    preTasksExecution(undefined, { workspaceRoot: root, argv: ['node', 'nx', ...args], nxJsonConfiguration: {} } as unknown as PreTasksExecutionContext);

  function declarePackage(): void {
    fs.mkdirSync(path.join(root, 'packages/web'), { recursive: true });
    fs.writeFileSync(path.join(root, 'packages/web/package.json'), JSON.stringify({ name: '@acme/web', version: '1.0.0' }));
    fs.writeFileSync(path.join(root, 'monochange.toml'), '[package.web]\npath = "packages/web"\ntype = "npm"\n');
  }

  it('a run of other targets passes untouched, even without monochange.toml, and still hands --parallel down', async () => {
    await expect(run('run-many', '-t', 'build', '--parallel=5')).resolves.toBeUndefined();
    expect(process.env.MONOCHANGE_NX_PARALLEL).toBe('5');
  });

  it('a run of our targets without monochange.toml fails with the fix', async () => {
    await expect(run('run-many', '-t', 'readiness')).rejects.toMatchObject({ details: { code: 'config.missing-file' } });
  });

  it('readiness in a plain shell passes the hook: no trust preflight for a run that publishes nothing', async () => {
    declarePackage();
    await expect(run('run-many', '-t', 'readiness')).resolves.toBeUndefined();
  });

  it('publish in a plain shell is refused by the trust preflight before any task runs', async () => {
    declarePackage();
    await expect(run('run-many', '-t', 'publish')).rejects.toMatchObject({ message: expect.stringMatching(/refused|identity|trust/i) });
  });
});
