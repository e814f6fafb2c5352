import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startHttpStub, type HttpStub } from '../../../test-utils/http-stub';
import { isMonochangeError, type MonochangeError } from '../errors';
import { publishResultSchema } from '../run/artifact-schema';
import { QUOTA_RUN_ENV } from '../publish/quota-plan';
import { jsrRegistry } from '../registries/jsr';
import type { PublishRequest } from '../registries/types';
import type { Env } from '../types';
import { publishPackages } from './publish-packages';

/**
 * `publishPackages`: declared packages by id, without Nx. Real JSR adapter lookups against a
 * loopback registry stub; the upload is a counted stand-in (spy on the adapter's `publish`) that
 * stores the version on the stub, so lookups see it.
 */
describe('publishPackages', () => {
  let stub: HttpStub;
  let root: string;
  const stored = new Set<string>();
  let uploads: string[];
  let refuse: Set<string>;

  beforeAll(async () => {
    stub = await startHttpStub();
    stub.route('GET', /^\/@acme\/[^/]+\/meta\.json$/, (req) => {
      const name = req.path.split('/')[2];
      return stored.has(name) ? { body: { versions: { '1.0.0': {} } } } : { status: 404, body: {} };
    });
  });
  afterAll(() => stub.close());

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-api-publish-'));
    stored.clear();
    uploads = [];
    refuse = new Set();
    jest.spyOn(jsrRegistry, 'publish').mockImplementation(async (req: PublishRequest) => {
      const name = req.manifest.dir.split(path.sep).pop()!;
      await new Promise((r) => setTimeout(r, 10));
      if (refuse.has(name)) return { status: 'failed', message: `registry refused ${name}`, command: 'deno publish' };
      if (req.dryRun) return { status: 'planned', message: `would publish @acme/${name}`, command: 'deno publish --dry-run' };
      uploads.push(name);
      stored.add(name);
      return { status: 'published', message: `published @acme/${name} 1.0.0 to JSR`, command: 'deno publish' };
    });
  });
  afterEach(() => {
    jest.restoreAllMocks();
    fs.rmSync(root, { recursive: true, force: true });
  });

  /** Deno packages `<id>` at deno/<id>; `imports`: the ids each one imports (a publish dependency). */
  function workspace(imports: Record<string, string[]>, extra: Record<string, Record<string, unknown>> = {}, toml = ''): void {
    const lines = [`[ecosystems.deno.publish]\ntrusted_publishing = false\n${toml}`];
    for (const [id, deps] of Object.entries(imports)) {
      const dir = path.join(root, 'deno', id);
      fs.mkdirSync(dir, { recursive: true });
      const map = Object.fromEntries(deps.map((d) => [`@acme/${d}`, `jsr:@acme/${d}@^1.0.0`]));
      fs.writeFileSync(path.join(dir, 'deno.json'), JSON.stringify({ name: `@acme/${id}`, version: '1.0.0', exports: './mod.ts', imports: map, ...extra[id] }));
      lines.push(`[package.${id}]\npath = "deno/${id}"\ntype = "deno"\n`);
    }
    fs.writeFileSync(path.join(root, 'monochange.toml'), lines.join('\n'));
  }

  const env = (): Env => ({ PATH: process.env.PATH, MONOCHANGE_JSR_BASE_URL: stub.url });
  const quiet = { log: () => undefined };
  const artifact = (file = 'publish-result.json') => publishResultSchema.parse(JSON.parse(fs.readFileSync(path.join(root, '.monochange', file), 'utf8')));

  it('publishes the named packages and the packages they publish after, dependencies first; a later run uploads only what is new', async () => {
    workspace({ core: [], util: [], web: ['core'], cli: ['web', 'util'], docs: [] });
    const lines: string[] = [];
    const runEnv = env();
    const result = await publishPackages({ root, packages: ['cli'], env: runEnv, concurrency: 2, log: (l) => lines.push(l) });

    expect(result.ok).toBe(true);
    expect(result.packages).toEqual(['core', 'util', 'web', 'cli']);
    expect(uploads.sort()).toEqual(['cli', 'core', 'util', 'web']);
    expect(result.entries.map((e) => [e.package, e.status])).toEqual([
      ['cli', 'published'],
      ['core', 'published'],
      ['util', 'published'],
      ['web', 'published'],
    ]);
    const finished = result.outcomes.map((o) => o.packageId);
    expect(finished.indexOf('core')).toBeLessThan(finished.indexOf('web'));
    expect(finished.indexOf('web')).toBeLessThan(finished.indexOf('cli'));
    expect(finished.indexOf('util')).toBeLessThan(finished.indexOf('cli'));
    expect(lines).toContain('monochange: trust preflight passed for 4 package(s)');
    expect(lines.some((l) => l.includes('@acme/web'))).toBe(true);
    expect(result.artifact).toBe(path.join(root, '.monochange/publish-result.json'));
    // The caller's environment is left as it was (the run id of the quota plan goes to the run's own copy).
    expect(runEnv[QUOTA_RUN_ENV]).toBeUndefined();

    uploads = [];
    const again = await publishPackages({ root, env: env(), ...quiet });
    expect(uploads).toEqual(['docs']);
    expect(again.entries.map((e) => [e.package, e.status])).toEqual(
      ['cli', 'core', 'docs', 'util', 'web'].map((id) => [id, id === 'docs' ? 'published' : 'skipped_existing']),
    );
  });

  it('refuses an undeclared id before anything runs, naming it and the declared ones', async () => {
    workspace({ core: [], web: ['core'] });
    const error = await publishPackages({ root, packages: ['web', 'wbe'], env: env(), ...quiet }).catch((e: unknown) => e);
    expect(isMonochangeError(error)).toBe(true);
    expect((error as Error).message).toContain('`wbe`');
    expect((error as Error).message).toContain('core, web');
    expect((error as MonochangeError).details.code).toBe('api.unknown-package');
    expect(uploads).toEqual([]);
    expect(fs.existsSync(path.join(root, '.monochange'))).toBe(false);
  });

  it('runs the trust preflight over the whole run first: one package it refuses stops every upload', async () => {
    // `broken` has no version: the preflight cannot resolve it, so nothing is uploaded, not even `core`.
    workspace({ core: [], broken: ['core'] }, { broken: { version: undefined } });
    const error = await publishPackages({ root, env: env(), ...quiet }).catch((e: unknown) => e);
    expect(isMonochangeError(error)).toBe(true);
    expect((error as Error).message).toContain('broken');
    expect(uploads).toEqual([]);
    expect(artifact().packages.map((p) => [p.package, p.status])).toEqual([['broken', 'blocked']]);
  });

  it('does not attempt the dependents of a failed package; they are recorded blocked, naming it', async () => {
    workspace({ core: [], web: ['core'], cli: ['web'], docs: [] });
    refuse.add('core');
    const result = await publishPackages({ root, env: env(), ...quiet });
    expect(result.ok).toBe(false);
    expect(Object.fromEntries(result.outcomes.map((o) => [o.packageId, o.status]))).toEqual({
      core: 'failure',
      web: 'skipped',
      cli: 'skipped',
      docs: 'success',
    });
    expect(uploads).toEqual(['docs']);
    expect(result.entries.map((e) => [e.package, e.status, e.blockedBy])).toEqual([
      ['cli', 'blocked', 'core'],
      ['core', 'failed', undefined],
      ['docs', 'published', undefined],
      ['web', 'blocked', 'core'],
    ]);
  });

  it('a dry run uploads nothing and writes only the dry-run result', async () => {
    workspace({ core: [], web: ['core'] });
    const result = await publishPackages({ root, dryRun: true, env: env(), ...quiet });
    expect(result).toMatchObject({ ok: true, dryRun: true, artifact: path.join(root, '.monochange/publish-result.dry-run.json') });
    expect(jest.mocked(jsrRegistry.publish).mock.calls.every(([req]) => req.dryRun === true)).toBe(true);
    expect(uploads).toEqual([]);
    expect(result.entries.map((e) => [e.package, e.status, e.dryRun])).toEqual([
      ['core', 'planned', true],
      ['web', 'planned', true],
    ]);
    expect(fs.readdirSync(path.join(root, '.monochange'))).toEqual(['publish-result.dry-run.json']);
  });

  it('refuses packages on a dependency cycle before anything runs', async () => {
    workspace({ a: ['b'], b: ['a'], c: [] });
    const error = await publishPackages({ root, env: env(), ...quiet }).catch((e: unknown) => e);
    expect(isMonochangeError(error)).toBe(true);
    expect((error as Error).message).toContain('(a -> b -> a)');
    expect(jsrRegistry.publish).not.toHaveBeenCalled();
  });

  it("hands the preflight's quota plan to its own uploads: packages past JSR's window are not uploaded", async () => {
    const ids = Array.from({ length: 22 }, (_, i) => `p${String(i).padStart(2, '0')}`);
    workspace(Object.fromEntries(ids.map((id) => [id, []])));
    const result = await publishPackages({ root, env: env(), concurrency: 8, ...quiet });
    expect(uploads.sort()).toEqual(ids.slice(0, 20));
    const deferred = result.entries.filter((e) => e.status !== 'published');
    expect(deferred.map((e) => [e.package, e.status])).toEqual([
      ['p20', 'blocked'],
      ['p21', 'blocked'],
    ]);
    expect(deferred[0].message).toContain('publishPackages({ packages: ["p20","p21"] })');
  });
});
