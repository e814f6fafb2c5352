import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startHttpStub, type HttpStub } from '../../test-utils/http-stub';
import { isMonochangeError, type MonochangeError } from '../core/errors';
import { requireDeclaredPackages } from '../core/publish/declared-packages';
import { deferredByQuota, QUOTA_PLAN_PATH, QUOTA_RUN_ENV, writeQuotaPlan } from '../core/publish/quota-plan';
import { REGISTRIES } from '../core/registries';
import type { Env } from '../core/types';
import { parseNxArgv } from './nx-argv';
import { preflightPublishRun } from './publish-preflight';

/**
 * The run-wide quota plan, through the preflight the plugin runs before Nx starts any task: real
 * registry adapters look packages up on a loopback JSR / crates.io stub (through the run's
 * HttpClient); nothing is ever uploaded by the preflight.
 */
describe('preflightPublishRun: registry quotas', () => {
  const NX = ['/usr/bin/node', '/ws/node_modules/nx/bin/nx.js'];
  let root: string;
  let stub: HttpStub;
  /** JSR packages (`@acme/<id>`) and crates whose version 1.0.0 is already on the stub registry. */
  let published: Set<string>;
  let uploads: jest.SpyInstance[];

  beforeAll(async () => {
    stub = await startHttpStub();
    stub.route('GET', /^\/@acme\/[^/]+\/meta\.json$/, (req) => {
      const name = req.path.split('/')[2];
      return published.has(name) ? { body: { versions: { '1.0.0': {} } } } : { status: 404, body: {} };
    });
    stub.route('GET', /^\/api\/v1\/crates\/[^/]+$/, (req) => {
      const name = req.path.split('/').pop()!;
      return published.has(name) ? { body: { versions: [{ num: '1.0.0' }] } } : { status: 404, body: {} };
    });
  });
  afterAll(() => stub.close());

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-preflight-quota-'));
    published = new Set();
    stub.requests.length = 0;
    uploads = Object.values(REGISTRIES).flatMap((adapter) => [jest.spyOn(adapter, 'publish'), jest.spyOn(adapter, 'publishPlaceholder')]);
  });
  afterEach(() => {
    for (const spy of uploads) spy.mockRestore();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const ids = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(2, '0')}`);

  /** Deno packages `<id>` at deno/<id> (imports: other ids), crates at crates/<id>; trusted publishing off (no CI here). */
  function workspace(spec: { deno?: string[]; crates?: string[]; imports?: Record<string, string[]>; enforce?: { deno?: boolean; cargo?: boolean } }) {
    const toml: string[] = [];
    for (const [eco, enforce] of [
      ['deno', spec.enforce?.deno],
      ['cargo', spec.enforce?.cargo],
    ] as const) {
      toml.push(`[ecosystems.${eco}.publish]\ntrusted_publishing = false\nrate_limits = { enforce = ${enforce === true} }\n`);
    }
    for (const id of spec.deno ?? []) {
      const dir = path.join(root, 'deno', id);
      fs.mkdirSync(dir, { recursive: true });
      const imports = Object.fromEntries((spec.imports?.[id] ?? []).map((dep) => [`@acme/${dep}`, `jsr:@acme/${dep}@^1.0.0`]));
      fs.writeFileSync(path.join(dir, 'deno.json'), JSON.stringify({ name: `@acme/${id}`, version: '1.0.0', exports: './mod.ts', imports }));
      toml.push(`[package.${id}]\npath = "deno/${id}"\ntype = "deno"\n`);
    }
    for (const id of spec.crates ?? []) {
      const dir = path.join(root, 'crates', id);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'Cargo.toml'), `[package]\nname = "${id}"\nversion = "1.0.0"\nedition = "2021"\ndescription = "x"\nlicense = "MIT"\n`);
      toml.push(`[package.${id}]\npath = "crates/${id}"\ntype = "cargo"\n`);
    }
    fs.writeFileSync(path.join(root, 'monochange.toml'), toml.join('\n'));
  }

  const registryEnv = (): Env => ({ MONOCHANGE_JSR_BASE_URL: stub.url, MONOCHANGE_CRATES_IO_API_URL: `${stub.url}/api/v1` });
  const run = (args: string[], env: Env = registryEnv(), lines: string[] = []) =>
    preflightPublishRun({ root, argv: [...NX, ...args], env, publishTargets: ['publish', 'nx-release-publish'], log: (l) => lines.push(l) });
  const ask = (env: Env, packageId: string) => deferredByQuota(root, { packageId, registry: 'jsr', version: '1.0.0', env });
  const planFile = () => path.join(root, QUOTA_PLAN_PATH);
  const noUploads = () => {
    expect(uploads.filter((s) => s.mock.calls.length > 0)).toEqual([]);
    expect(stub.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  };

  it('rate_limits.enforce refuses the whole run before any upload, with the batch plan and the batch-1 command', async () => {
    workspace({ deno: ids('std', 22), enforce: { deno: true } });
    const env = registryEnv();
    const error = (await run(['run-many', '-t', 'publish'], env).catch((e: unknown) => e)) as MonochangeError;
    expect(isMonochangeError(error)).toBe(true);
    expect(error.details.code).toBe('rate-limits.enforced');
    expect(error.message).toContain('configured publish rate-limit enforcement blocked this run: publish jsr publish packages=22 batches=2 window=24h');
    expect(error.message).toContain(`batch 1/2 (now): ${ids('std', 20).join(', ')}; batch 2/2 (after 24h): std20, std21`);
    expect(error.message).toContain(
      'publish batch 1 now with `nx run-many -t publish --exclude=std20,std21`, then 24h later `nx run-many -t publish --projects=std20,std21`',
    );
    expect(stub.requests.filter((r) => r.path.endsWith('/meta.json'))).toHaveLength(22);
    noUploads();
    expect(env[QUOTA_RUN_ENV]).toBeUndefined();
    expect(fs.existsSync(planFile())).toBe(false);
  });

  it('JSR with 25 pending: the first 20 publish, the last 5 are deferred with the plan (already-published ones do not count)', async () => {
    const all = ids('std', 28);
    workspace({ deno: all });
    published = new Set(['std03', 'std10', 'std17'].map((id) => id));
    const env = registryEnv();
    const lines: string[] = [];
    const result = await run(['run-many', '-t', 'publish'], env, lines);
    noUploads();
    expect(result?.quota.pending).toHaveLength(25);
    const pending = all.filter((id) => !published.has(id));
    expect(result?.quota.deferred.map((d) => d.packageId)).toEqual(pending.slice(20));
    // A task of this run (same env) is told, just before uploading; the others upload.
    expect(env[QUOTA_RUN_ENV]).toBe(result?.runId);
    const answers = all.map((id) => [id, ask(env, id)?.batchIndex ?? null]);
    expect(answers.filter(([, b]) => b !== null)).toEqual(pending.slice(20).map((id) => [id, 2]));
    const message = ask(env, 'std27')!.message;
    expect(message).toContain('25 jsr publish operations need 2 batches under the current 24h window');
    expect(message).toContain(`batch 2/2 (after 24h): ${pending.slice(20).join(', ')}`);
    expect(message).toContain(`after 24h, run \`nx run-many -t publish --projects=${pending.slice(20).join(',')}\``);
    expect(lines).toContain('monochange: 25 jsr uploads exceed 20 per 24h: the first 20 publish now, 5 wait for a later window');
  });

  it('packages out of scope (--projects / --exclude) do not count', async () => {
    workspace({ deno: [...ids('std', 15), ...ids('x', 15)] });
    for (const [args, counted] of [
      [['run-many', '-t', 'publish', '--projects=std*'], 15],
      [['run-many', '-t', 'publish', '--exclude', 'x*'], 15],
      [['run-many', '-t', 'publish', '--projects=std*,x0*', '--exclude=x05,x06,x07,x08,x09'], 20],
    ] as const) {
      const result = await run([...args]);
      expect([args.join(' '), result?.quota.pending.length, result?.quota.deferred]).toEqual([args.join(' '), counted, []]);
    }
    // Everything selected: 30 pending, 10 deferred.
    expect((await run(['run-many', '-t', 'publish']))?.quota.deferred).toHaveLength(10);
  });

  it('`nx affected`: only the projects Nx found affected are gated and counted (none: nothing to check)', async () => {
    workspace({ deno: [...ids('std', 3), ...ids('x', 3)] });
    const lines: string[] = [];
    const affected = await preflightPublishRun({
      root,
      argv: [...NX, 'affected', '-t', 'publish'],
      env: registryEnv(),
      publishTargets: ['publish'],
      projects: ['x01'],
      log: (l) => lines.push(l),
    });
    expect(affected?.checked).toBe(1);
    expect(lines).toContain('monochange: trust preflight passed for 1 package(s)');
    expect(
      await preflightPublishRun({ root, argv: [...NX, 'affected', '-t', 'publish'], env: registryEnv(), publishTargets: ['publish'], projects: [] }),
    ).toBeUndefined();
    noUploads();
  });

  it('a run Nx Cloud would distribute to Nx Agents is refused before anything is distributed', async () => {
    workspace({ deno: ids('std', 2) });
    const refused = await run(['run-many', '-t', 'publish'], { ...registryEnv(), NX_CLOUD_DISTRIBUTED_EXECUTION: 'true' }).catch((e: MonochangeError) => e);
    expect(isMonochangeError(refused)).toBe(true);
    expect((refused as MonochangeError).details.code).toBe('nx-cloud.distributed');
    expect((refused as MonochangeError).message).toContain('Nx Agents');
    expect((refused as MonochangeError).details.fix).toContain('NX_CLOUD_DISTRIBUTED_EXECUTION');
    noUploads();
  });

  it('counts the dependencies Nx adds through dependsOn, and never defers a dependency of batch 1', async () => {
    // app imports the 21 libs: `--projects=app` still publishes them all first.
    const libs = ids('lib', 21);
    workspace({ deno: ['app', ...libs], imports: { app: libs } });
    const result = await run(['run-many', '-t', 'publish', '--projects=app']);
    expect(result?.quota.pending.map((p) => p.packageId)).toEqual([...libs, 'app']);
    expect(result?.quota.deferred.map((d) => d.packageId)).toEqual(['lib20', 'app']);
    // --excludeTaskDependencies: Nx runs only the selected task.
    expect((await run(['run-many', '-t', 'publish', '--projects=app', '--excludeTaskDependencies']))?.quota.pending).toHaveLength(1);
  });

  it('gates the dependencies Nx adds through dependsOn too: one that cannot be published refuses the run before any upload', async () => {
    workspace({ deno: ['app', 'lib'], imports: { app: ['lib'] } });
    // lib asks for trusted publishing, which a plain shell (no CI identity) cannot give.
    fs.appendFileSync(path.join(root, 'monochange.toml'), '\n[package.lib.publish]\ntrusted_publishing = true\n');
    const error = (await run(['run-many', '-t', 'publish', '--projects=app']).catch((e: unknown) => e)) as MonochangeError;
    expect(isMonochangeError(error)).toBe(true);
    expect(error.details.code).toBe('preflight.refused');
    expect(error.message).toContain('1 of 2 package(s)');
    expect(error.message).toMatch(/no verified CI identity: 1 package \(lib\)/);
    noUploads();
    // Nx runs only app's task: lib is not gated.
    await expect(run(['run-many', '-t', 'publish', '--projects=app', '--excludeTaskDependencies'])).resolves.toMatchObject({ checked: 1 });
  });

  it('a stale plan is never used: every real run replaces it, and an earlier run id is ignored', async () => {
    workspace({ deno: ids('std', 3) });
    // An earlier run deferred std01 (its file is still there, e.g. restored from a CI cache).
    writeQuotaPlan(root, 'earlier-run', {
      operation: 'publish',
      pending: [],
      windows: [],
      batches: [],
      notes: [],
      deferred: [{ packageId: 'std01', project: 'std01', registry: 'jsr', version: '1.0.0', batchIndex: 2, totalBatches: 2, message: 'old' }],
    });
    expect(ask({ [QUOTA_RUN_ENV]: 'earlier-run' }, 'std01')).toBeDefined();
    // A task without this run's id (not started by a gated run) or with another id ignores it.
    expect(ask({}, 'std01')).toBeUndefined();
    expect(ask({ [QUOTA_RUN_ENV]: 'another-run' }, 'std01')).toBeUndefined();
    // A dry run leaves the file alone (its tasks never ask); a real run replaces it.
    expect(await run(['run-many', '-t', 'publish', '--dry-run'])).toBeUndefined();
    expect(JSON.parse(fs.readFileSync(planFile(), 'utf8')).runId).toBe('earlier-run');
    const env = registryEnv();
    const result = await run(['run-many', '-t', 'publish'], env);
    const plan = JSON.parse(fs.readFileSync(planFile(), 'utf8'));
    expect(plan).toMatchObject({ runId: result?.runId, deferred: [] });
    expect(result?.runId).not.toBe('earlier-run');
    expect(ask(env, 'std01')).toBeUndefined();
    expect(ask({ [QUOTA_RUN_ENV]: 'earlier-run' }, 'std01')).toBeUndefined();
  });

  it('a refused run removes an earlier plan too', async () => {
    workspace({ deno: ids('std', 21), enforce: { deno: true } });
    writeQuotaPlan(root, 'earlier-run', { operation: 'publish', pending: [], windows: [], batches: [], notes: [], deferred: [] });
    await expect(run(['run-many', '-t', 'publish'])).rejects.toThrow('rate_limits.enforce = true');
    expect(fs.existsSync(planFile())).toBe(false);
  });

  it('crates.io with 15 pending and no enforce is not refused: its uploads are paced', async () => {
    workspace({ crates: ids('crate', 15) });
    const lines: string[] = [];
    const result = await run(['run-many', '-t', 'publish'], registryEnv(), lines);
    expect(result?.quota.refusal).toBeUndefined();
    expect(result?.quota.deferred).toEqual([]);
    expect(result?.quota.pending).toHaveLength(15);
    expect(lines).toContain('monochange: 15 crates_io uploads need 2 windows of 10 per 60s: they are paced (up to 60s of waiting)');
    noUploads();
  });

  it('`nx release publish`: the batch commands use its own form', async () => {
    workspace({ deno: ids('std', 21), enforce: { deno: true } });
    // Without nx.json `release.projects`, `nx release publish` reaches only package.json projects.
    fs.writeFileSync(path.join(root, 'nx.json'), JSON.stringify({ release: { projects: ['std*'] } }));
    await expect(run(['release', 'publish'])).rejects.toThrow(
      `publish batch 1 now with \`nx release publish --projects=${ids('std', 20).join(',')}\`, then 24h later \`nx release publish --projects=std20\``,
    );
  });

  it('a dry run is refused as the real run is, records the refusals in the dry-run result, and leaves the quota plan alone', async () => {
    workspace({ deno: ['app', 'lib'] });
    fs.appendFileSync(path.join(root, 'monochange.toml'), '\n[package.lib.publish]\ntrusted_publishing = true\n');
    writeQuotaPlan(root, 'earlier-run', { operation: 'publish', batches: [], deferred: [], notes: [], pending: [], windows: [] } as never);
    const env = registryEnv();
    const error = (await run(['run-many', '-t', 'publish', '--dry-run'], env).catch((e: unknown) => e)) as MonochangeError;
    expect(error.details.code).toBe('preflight.refused');
    expect(error.message).toContain('dry run: the real run would be refused');
    const result = JSON.parse(fs.readFileSync(path.join(root, '.monochange/publish-result.dry-run.json'), 'utf8'));
    expect(result).toMatchObject({ dryRun: true, packages: [{ package: 'lib', status: 'blocked', reason: 'trust.identity-unverifiable', dryRun: true }] });
    expect(fs.existsSync(path.join(root, '.monochange/publish-result.json'))).toBe(false);
    expect(fs.existsSync(planFile())).toBe(true);
    expect(env[QUOTA_RUN_ENV]).toBeUndefined();
    noUploads();
  });

  it('a refused real run writes its refusals to publish-result.json', async () => {
    workspace({ deno: ['lib'] });
    fs.appendFileSync(path.join(root, 'monochange.toml'), '\n[package.lib.publish]\ntrusted_publishing = true\n');
    await expect(run(['run-many', '-t', 'publish'])).rejects.toThrow('the refusals are in .monochange/publish-result.json');
    const result = JSON.parse(fs.readFileSync(path.join(root, '.monochange/publish-result.json'), 'utf8'));
    expect(result.packages).toMatchObject([{ package: 'lib', project: 'lib', status: 'blocked' }]);
  });

  it('`nx release publish` gates only the projects Nx releases: without release.projects, those with a public package.json', async () => {
    workspace({ deno: ['kit'] });
    fs.appendFileSync(path.join(root, 'monochange.toml'), '\n[package.kit.publish]\ntrusted_publishing = true\n');
    const lines: string[] = [];
    // A plain shell cannot publish kit with trusted publishing, but Nx does not release it.
    await expect(run(['release', 'publish'], registryEnv(), lines)).resolves.toMatchObject({ checked: 0 });
    expect(lines.join('\n')).toContain('not in this run: kit. List them in `release.projects`');
    fs.writeFileSync(path.join(root, 'nx.json'), JSON.stringify({ release: { projects: ['kit'] } }));
    await expect(run(['release', 'publish'])).rejects.toThrow('no verified CI identity: 1 package (kit)');
  });
});

describe('requireDeclaredPackages: a run of our targets with nothing to run on fails with the fix', () => {
  const NX = ['/usr/bin/node', '/ws/node_modules/nx/bin/nx.js'];
  let root: string;
  beforeEach(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-preflight-empty-'))));
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));
  const check =
    (...args: string[]) =>
    () =>
      requireDeclaredPackages({
        root,
        runTargets: parseNxArgv([...NX, ...args]).targets,
        targets: ['publish', 'placeholder-publish', 'readiness', 'nx-release-publish'],
      });

  it('no monochange.toml: refused naming the file and `nx g @monochange/nx:init`; other targets are not ours to judge', () => {
    expect(check('run-many', '-t', 'publish')).toThrow(/no monochange\.toml.*`publish` has no package to run on.*nx g @monochange\/nx:init/s);
    expect(check('run', 'core:readiness')).toThrow('`readiness` has no package');
    expect(check('release', 'publish')).toThrow('`nx-release-publish`');
    expect(check('run-many', '-t', 'build')).not.toThrow();
  });

  it('a config declaring no package, or an invalid one, is refused with its own message', () => {
    fs.writeFileSync(path.join(root, 'monochange.toml'), '[source]\nprovider = "github"\nowner = "acme"\nrepo = "widgets"\n');
    expect(check('run-many', '-t', 'placeholder-publish')).toThrow(/no package is declared.*\[package\.<id>\]/s);
    fs.writeFileSync(path.join(root, 'monochange.toml'), '[package.core]\npath = "packages/core"\ntpye = "npm"\n');
    expect(check('run-many', '-t', 'publish')).toThrow('tpye');
  });
});
