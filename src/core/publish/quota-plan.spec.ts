import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fakeRegistry, fakeTarget, type FakeRegistry } from '../../../test-utils/publish-fakes';
import { isMonochangeError } from '../errors';
import type { RegistryId } from '../types';
import { HttpClient } from '../util/http';
import {
  clearQuotaPlan,
  deferredByQuota,
  newQuotaRunId,
  planRunQuotas,
  publishOrder,
  QUOTA_PLAN_PATH,
  QUOTA_RUN_ENV,
  writeQuotaPlan,
  type RunQuotaPlan,
} from './quota-plan';
import type { PackageTarget } from '../run/target';

const ctx = { root: '/ws', env: {}, http: new HttpClient({ retries: 0 }) };

/** `count` packages `<prefix>-<i>` (zero-padded, so id order is numeric order) on one registry behind `adapter`. */
function targets(
  adapter: FakeRegistry,
  registry: RegistryId,
  count: number,
  prefix: string,
  opts: { enforce?: boolean; deps?: Record<string, string[]> } = {},
): PackageTarget[] {
  return Array.from({ length: count }, (_, i) => {
    const id = `${prefix}-${String(i).padStart(2, '0')}`;
    const t = fakeTarget(adapter, { id, name: id });
    t.pkg.publish.registry = registry;
    t.pkg.publish.rateLimits.enforce = opts.enforce ?? false;
    t.pkg.path = `packages/${id}`;
    t.project = `proj-${id}`;
    t.manifest = {
      ...t.manifest,
      dir: `/ws/packages/${id}`,
      file: `/ws/packages/${id}/package.json`,
      dependencies: (opts.deps?.[id] ?? []).map((name) => ({ name, kind: 'normal' as const, field: 'dependencies' })),
    };
    return t;
  });
}

describe('planRunQuotas', () => {
  it('with enforce, refuses the whole run with the batch plan, and uploads nothing', async () => {
    const jsr = fakeRegistry({ id: 'jsr', lookups: [false] });
    const plan = await planRunQuotas(ctx, targets(jsr, 'jsr', 23, 'deno', { enforce: true }), { configFile: '/ws/monochange.toml' });
    expect(jsr.lookups).toHaveLength(23);
    expect(jsr.uploads).toHaveLength(0);
    expect(plan.deferred).toEqual([]);
    const error = plan.refusal!;
    expect(isMonochangeError(error)).toBe(true);
    expect(error.details).toMatchObject({ code: 'rate-limits.enforced', key: 'publish.rate_limits.enforce', file: '/ws/monochange.toml' });
    expect(error.message).toContain('publishing refused before any upload');
    expect(error.message).toContain('configured publish rate-limit enforcement blocked this run: publish jsr publish packages=23 batches=2 window=24h');
    expect(error.message).toContain('batch 2/2 (after 24h): deno-20, deno-21, deno-22');
    // The fix publishes batch 1 now (everything but the later batches) and names the next batch's command.
    expect(error.message).toContain('publish batch 1 now with `nx run-many -t publish --exclude=proj-deno-20,proj-deno-21,proj-deno-22`');
    expect(error.message).toContain('then 24h later `nx run-many -t publish --projects=proj-deno-20,proj-deno-21,proj-deno-22`');
  });

  it('without enforce, a daily window lets the first `limit` publish and defers the rest with the plan', async () => {
    const jsr = fakeRegistry({ id: 'jsr', lookups: [false] });
    const plan = await planRunQuotas(ctx, targets(jsr, 'jsr', 25, 'deno'));
    expect(plan.refusal).toBeUndefined();
    expect(plan.pending).toHaveLength(25);
    expect(plan.deferred.map((d) => d.packageId)).toEqual(['deno-20', 'deno-21', 'deno-22', 'deno-23', 'deno-24']);
    expect(plan.deferred[0]).toMatchObject({ registry: 'jsr', version: '1.0.0', batchIndex: 2, totalBatches: 2, project: 'proj-deno-20' });
    expect(plan.deferred[0].message).toContain('25 jsr publish operations need 2 batches under the current 24h window');
    expect(plan.deferred[0].message).toContain('batch 2/2 (after 24h): deno-20, deno-21, deno-22, deno-23, deno-24');
    expect(plan.deferred[0].message).toContain(
      'after 24h, run `nx run-many -t publish --projects=proj-deno-20,proj-deno-21,proj-deno-22,proj-deno-23,proj-deno-24`',
    );
    expect(plan.notes).toEqual(['25 jsr uploads exceed 20 per 24h: the first 20 publish now, 5 wait for a later window']);
    expect(jsr.uploads).toHaveLength(0);
  });

  it('does not count versions already on the registry', async () => {
    // 25 packages, the first 6 looked up are already published: 19 pending fit the window.
    const jsr = fakeRegistry({ id: 'jsr', lookups: [true, true, true, true, true, true, false] });
    const plan = await planRunQuotas(ctx, targets(jsr, 'jsr', 25, 'deno', { enforce: true }));
    expect(plan.pending).toHaveLength(19);
    expect(plan.refusal).toBeUndefined();
    expect(plan.deferred).toEqual([]);
  });

  it('paces crates.io (60 s window) without enforce: 15 pending are neither refused nor deferred', async () => {
    const crates = fakeRegistry({ id: 'crates_io', lookups: [false] });
    const plan = await planRunQuotas(ctx, targets(crates, 'crates_io', 15, 'crate'));
    expect(plan.refusal).toBeUndefined();
    expect(plan.deferred).toEqual([]);
    expect(plan.windows).toEqual([expect.objectContaining({ registry: 'crates_io', pending: 15, batchesRequired: 2, fitsSingleWindow: false })]);
    expect(plan.notes).toEqual(['15 crates_io uploads need 2 windows of 10 per 60s: they are paced (up to 60s of waiting)']);
  });

  it('crates.io with enforce is refused like any other registry', async () => {
    const crates = fakeRegistry({ id: 'crates_io', lookups: [false] });
    const plan = await planRunQuotas(ctx, targets(crates, 'crates_io', 11, 'crate', { enforce: true }));
    expect(plan.refusal?.message).toContain('publish crates_io publish packages=11 batches=2 window=60s');
    expect(plan.refusal?.message).toContain('then 60s later `nx run-many -t publish --projects=proj-crate-10`');
  });

  it('enforcement is per registry: an enforced registry that fits does not refuse another that is paced', async () => {
    const jsr = fakeRegistry({ id: 'jsr', lookups: [false] });
    const crates = fakeRegistry({ id: 'crates_io', lookups: [false] });
    const plan = await planRunQuotas(ctx, [...targets(jsr, 'jsr', 3, 'deno', { enforce: true }), ...targets(crates, 'crates_io', 12, 'crate')]);
    expect(plan.refusal).toBeUndefined();
    expect(plan.pending).toHaveLength(15);
  });

  it('ignores registries without a quota (no lookup), private, disabled and external packages', async () => {
    const npm = fakeRegistry({ id: 'npm', lookups: [false] });
    const jsr = fakeRegistry({ id: 'jsr', lookups: [false] });
    const deno = targets(jsr, 'jsr', 24, 'deno');
    deno[0].manifest = { ...deno[0].manifest, private: true };
    deno[1].pkg.publish.enabled = false;
    deno[2].pkg.publish.mode = 'external';
    const plan = await planRunQuotas(ctx, [...targets(npm, 'npm', 40, 'web'), ...deno]);
    expect(npm.lookups).toHaveLength(0);
    expect(plan.pending).toHaveLength(21);
    expect(plan.deferred.map((d) => d.packageId)).toEqual(['deno-23']);
  });

  it('counts a package whose lookup failed as pending (never under-counts), with a note', async () => {
    const jsr = fakeRegistry({ id: 'jsr', lookups: [new Error('JSR lookup failed: HTTP 503')] });
    const plan = await planRunQuotas(ctx, targets(jsr, 'jsr', 21, 'deno'));
    expect(plan.pending).toHaveLength(21);
    expect(plan.deferred).toHaveLength(1);
    expect(plan.notes[0]).toEqual(
      expect.stringMatching(/^21 jsr package\(s\) counted as pending because their lookup failed \(deno-00, .*deno-20\): .*JSR lookup failed: HTTP 503/),
    );
  });

  it('placeholder runs ask whether any version exists and plan 0.0.0 uploads', async () => {
    const jsr = fakeRegistry({ id: 'jsr', lookups: [false] });
    const plan = await planRunQuotas(ctx, targets(jsr, 'jsr', 21, 'deno', { enforce: true }), { operation: 'placeholder_publish' });
    expect(new Set(jsr.lookups)).toEqual(new Set([null]));
    expect(plan.pending[0].version).toBe('0.0.0');
    expect(plan.refusal?.message).toContain('placeholder publish jsr placeholder_publish packages=21 batches=2 window=24h');
  });

  it('defers dependents with their dependencies: batch 1 never needs a package of a later batch', async () => {
    const jsr = fakeRegistry({ id: 'jsr', lookups: [false] });
    // deno-00 (smallest id) needs every other package: it publishes last, so it is the one deferred.
    const all = targets(jsr, 'jsr', 21, 'deno', { deps: { 'deno-00': Array.from({ length: 20 }, (_, i) => `deno-${String(i + 1).padStart(2, '0')}`) } });
    const plan = await planRunQuotas(ctx, all);
    expect(plan.pending[20].packageId).toBe('deno-00');
    expect(plan.deferred.map((d) => d.packageId)).toEqual(['deno-00']);
  });
});

describe('publishOrder', () => {
  it('puts dependencies first, ties by id, and a cycle last', () => {
    const npm = fakeRegistry();
    const list = targets(npm, 'npm', 5, 'p', { deps: { 'p-00': ['p-03'], 'p-03': ['p-04'], 'p-01': ['p-02'], 'p-02': ['p-01'] } });
    const order = publishOrder('/ws', list);
    const ids = [...order.entries()].sort((a, b) => a[1] - b[1]).map(([id]) => id);
    expect(ids).toEqual(['p-04', 'p-03', 'p-00', 'p-01', 'p-02']);
  });
});

describe('the plan file and deferredByQuota', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-quota-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  async function deferredPlan(): Promise<RunQuotaPlan> {
    return planRunQuotas(ctx, targets(fakeRegistry({ id: 'jsr', lookups: [false] }), 'jsr', 22, 'deno'));
  }

  it('answers for the deferred packages of the same run only', async () => {
    const runId = newQuotaRunId();
    writeQuotaPlan(root, runId, await deferredPlan());
    const env = { [QUOTA_RUN_ENV]: runId };
    const ask = (packageId: string, extra: Partial<Parameters<typeof deferredByQuota>[1]> = {}) =>
      deferredByQuota(root, { packageId, registry: 'jsr', version: '1.0.0', env, ...extra });
    expect(ask('deno-21')).toMatchObject({ packageId: 'deno-21', batchIndex: 2, totalBatches: 2 });
    expect(ask('deno-21')!.message).toContain('batch 2/2 (after 24h): deno-20, deno-21');
    expect(ask('deno-19')).toBeUndefined();
    // Same package, other version / registry / operation: not this plan's upload.
    expect(ask('deno-21', { version: '1.0.1' })).toBeUndefined();
    expect(ask('deno-21', { registry: 'npm' })).toBeUndefined();
    expect(ask('deno-21', { operation: 'placeholder_publish' })).toBeUndefined();
  });

  it('ignores a stale plan: another run id, or a task started without one', async () => {
    writeQuotaPlan(root, 'run-of-yesterday', await deferredPlan());
    expect(deferredByQuota(root, { packageId: 'deno-21', registry: 'jsr', version: '1.0.0', env: { [QUOTA_RUN_ENV]: newQuotaRunId() } })).toBeUndefined();
    expect(deferredByQuota(root, { packageId: 'deno-21', registry: 'jsr', version: '1.0.0', env: {} })).toBeUndefined();
    // The run that wrote it still gets its answer (the plan itself is fine).
    expect(deferredByQuota(root, { packageId: 'deno-21', registry: 'jsr', version: '1.0.0', env: { [QUOTA_RUN_ENV]: 'run-of-yesterday' } })).toBeDefined();
  });

  it('a missing, corrupt or foreign file defers nothing', async () => {
    const env = { [QUOTA_RUN_ENV]: 'r1' };
    const ask = () => deferredByQuota(root, { packageId: 'deno-21', registry: 'jsr', version: '1.0.0', env });
    expect(ask()).toBeUndefined();
    fs.mkdirSync(path.join(root, '.monochange'));
    fs.writeFileSync(path.join(root, QUOTA_PLAN_PATH), '{not json');
    expect(ask()).toBeUndefined();
    fs.writeFileSync(path.join(root, QUOTA_PLAN_PATH), JSON.stringify({ runId: 'r1', deferred: [{ package: 'deno-21', registry: 'jsr', version: '1.0.0' }] }));
    expect(ask()).toBeUndefined();
    writeQuotaPlan(root, 'r1', await deferredPlan());
    expect(ask()).toBeDefined();
    clearQuotaPlan(root);
    expect(fs.existsSync(path.join(root, QUOTA_PLAN_PATH))).toBe(false);
    expect(ask()).toBeUndefined();
  });

  it('writes the plan with its windows and batches', async () => {
    const file = writeQuotaPlan(root, 'r2', await deferredPlan(), new Date('2025-01-02T03:04:05Z'));
    const read = JSON.parse(fs.readFileSync(path.join(root, QUOTA_PLAN_PATH), 'utf8'));
    expect(read).toEqual(file);
    expect(read).toMatchObject({ schemaVersion: 1, kind: 'monochange.quotaPlan', runId: 'r2', createdAt: '2025-01-02T03:04:05.000Z', operation: 'publish' });
    expect(read.windows).toEqual([
      expect.objectContaining({
        registry: 'jsr',
        limit: 20,
        windowSeconds: 86400,
        pending: 22,
        batches: [
          expect.objectContaining({ batchIndex: 1 }),
          expect.objectContaining({ batchIndex: 2, packages: ['deno-20', 'deno-21'], recommendedWaitSeconds: 86400 }),
        ],
      }),
    ]);
    expect(read.deferred.map((d: { package: string }) => d.package)).toEqual(['deno-20', 'deno-21']);
  });
});
