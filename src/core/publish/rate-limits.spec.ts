import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isMonochangeError } from '../errors';
import { formatWindow } from '../registries/rate-limit-window';
import { decideRateLimit, paceUpload, planRateLimits, RATE_LIMIT_LOG_PATH, RATE_LIMIT_POLICIES } from './rate-limits';

const PLAN_ORDER = [
  'zeta_transport',
  'yaml_config',
  'ledger_types',
  'catalog_index',
  'auth_policy',
  'telemetry_core',
  'billing_engine',
  'checkout_api',
  'notification_worker',
  'fulfillment_service',
  'public_gateway',
  'storefront_app',
];

/** A clock that only moves when the code under test sleeps. */
function fakeClock(start = 1_700_000_000_000) {
  const clock = { t: start, sleeps: [] as number[] };
  return {
    clock,
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms);
      clock.t += ms;
    },
  };
}

describe('RATE_LIMIT_POLICIES', () => {
  it('holds the documented quota of each registry, with its evidence', () => {
    const table = Object.values(RATE_LIMIT_POLICIES).map((p) => [p.registry, p.limit, p.windowSeconds, p.confidence, p.evidence[0].kind, p.evidence[0].url]);
    expect(table).toEqual([
      ['crates_io', 10, 60, 'high', 'source_code', 'https://github.com/rust-lang/crates.io'],
      ['npm', null, null, 'low', 'official', 'https://docs.npmjs.com/trusted-publishers'],
      ['jsr', 20, 86400, 'high', 'official', 'https://jsr.io/docs/publishing-packages'],
      ['pub_dev', 12, 86400, 'medium', 'official', 'https://dart.dev/tools/pub/automated-publishing'],
      ['pypi', null, null, 'low', 'official', 'https://docs.pypi.org/trusted-publishers/'],
      ['go_proxy', null, null, 'low', 'official', 'https://go.dev/ref/mod#publishing'],
    ]);
    expect(RATE_LIMIT_POLICIES.crates_io.notes).toBe('crates.io source enforces 10 uploads per minute for existing crates');
    expect(RATE_LIMIT_POLICIES.pub_dev.notes).toBe('pub.dev community guidance consistently cites 12 publishes per day for new versions');
  });

  it('formats windows as 24h, <n>s or unknown window', () => {
    expect([formatWindow(86400), formatWindow(60), formatWindow(null)]).toEqual(['24h', '60s', 'unknown window']);
  });
});

describe('planRateLimits', () => {
  it('splits 12 crates into batches of 10 and 2 with a warning that they need 2 batches', () => {
    const plan = planRateLimits(PLAN_ORDER.map((packageId) => ({ packageId, registry: 'crates_io' })));
    expect(plan.windows).toEqual([
      expect.objectContaining({
        registry: 'crates_io',
        operation: 'publish',
        limit: 10,
        windowSeconds: 60,
        pending: 12,
        batchesRequired: 2,
        fitsSingleWindow: false,
      }),
    ]);
    expect(plan.batches).toEqual([
      { registry: 'crates_io', operation: 'publish', batchIndex: 1, totalBatches: 2, packages: PLAN_ORDER.slice(0, 10), recommendedWaitSeconds: null },
      {
        registry: 'crates_io',
        operation: 'publish',
        batchIndex: 2,
        totalBatches: 2,
        packages: ['public_gateway', 'storefront_app'],
        recommendedWaitSeconds: 60,
      },
    ]);
    expect(plan.warnings).toEqual(['12 crates_io publish operations need 2 batches under the current 60s window']);
  });

  it('orders windows by registry id, keeps unlimited registries in one batch, ignores custom registries', () => {
    const requests = [
      ...Array.from({ length: 45 }, (_, i) => ({ packageId: `deno-${i}`, registry: 'jsr' })),
      { packageId: 'web', registry: 'npm' },
      { packageId: 'core', registry: 'crates_io' },
      { packageId: 'internal', registry: 'my-private-registry' },
      ...Array.from({ length: 30 }, (_, i) => ({ packageId: `npm-${i}`, registry: 'npm' })),
    ];
    const plan = planRateLimits(requests, 'placeholder_publish');
    expect(plan.windows.map((w) => [w.registry, w.pending, w.batchesRequired, w.fitsSingleWindow])).toEqual([
      ['crates_io', 1, 1, true],
      ['npm', 31, 1, true],
      ['jsr', 45, 3, false],
    ]);
    expect(plan.batches.filter((b) => b.registry === 'jsr').map((b) => [b.batchIndex, b.packages.length, b.recommendedWaitSeconds])).toEqual([
      [1, 20, null],
      [2, 20, 86400],
      [3, 5, 172800],
    ]);
    expect(plan.warnings).toEqual(['45 jsr placeholder_publish operations need 3 batches under the current 24h window']);
  });

  it('plans nothing for no requests', () => {
    expect(planRateLimits([])).toEqual({ windows: [], batches: [], warnings: [] });
  });
});

describe('decideRateLimit', () => {
  it('proceeds without a quota, within a window, and for custom registries', () => {
    expect(decideRateLimit({ registry: 'npm', pendingCount: 500, enforce: true })).toEqual({ action: 'proceed' });
    expect(decideRateLimit({ registry: 'crates_io', pendingCount: 10, enforce: true })).toEqual({ action: 'proceed' });
    expect(decideRateLimit({ registry: 'my-registry', pendingCount: 500, enforce: true })).toEqual({ action: 'proceed' });
  });

  it('with enforce, refuses a run needing more than one window, with the batch plan', () => {
    const decision = decideRateLimit({ registry: 'crates_io', pendingCount: 12, enforce: true, packages: PLAN_ORDER });
    expect(decision.action).toBe('refuse');
    const reason = (decision as { reason: string }).reason;
    expect(reason).toContain('configured publish rate-limit enforcement blocked this run: publish crates_io publish packages=12 batches=2 window=60s');
    expect(reason).toContain(`batch 1/2 (now): ${PLAN_ORDER.slice(0, 10).join(', ')}; batch 2/2 (after 60s): public_gateway, storefront_app`);
  });

  it('paces a short window: the wait is one window per extra batch', () => {
    expect(decideRateLimit({ registry: 'crates_io', pendingCount: 25, enforce: false })).toEqual({ action: 'pace', waitMs: 120_000 });
  });

  it('lets a daily window take its limit and refuses the excess with the batch plan', () => {
    const packages = Array.from({ length: 14 }, (_, i) => `pkg${i}`);
    expect(decideRateLimit({ registry: 'pub_dev', pendingCount: 14, enforce: false, packages, position: 11 })).toEqual({ action: 'proceed' });
    const refused = decideRateLimit({ registry: 'pub_dev', pendingCount: 14, enforce: false, packages, position: 12 });
    expect(refused.action).toBe('refuse');
    expect((refused as { reason: string }).reason).toContain('14 pub_dev publish operations need 2 batches under the current 24h window');
    expect((refused as { reason: string }).reason).toContain('batch 2/2 (after 24h): pkg12, pkg13');
    expect(decideRateLimit({ registry: 'jsr', pendingCount: 21, enforce: false }).action).toBe('refuse');
  });

  it('names the placeholder operation in an enforced refusal', () => {
    const decision = decideRateLimit({ registry: 'jsr', pendingCount: 21, enforce: true, operation: 'placeholder_publish' });
    expect((decision as { reason: string }).reason).toContain('placeholder publish jsr placeholder_publish packages=21 batches=2 window=24h');
  });
});

describe('paceUpload', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-rate-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('records uploads without waiting while the window has room', async () => {
    const { now, sleep, clock } = fakeClock();
    for (let i = 0; i < 10; i++) {
      const result = await paceUpload({ root, registry: 'crates_io', packageId: `c${i}`, now, sleep });
      expect(result).toEqual({ waitedMs: 0, at: clock.t, inWindow: i + 1 });
    }
    expect(clock.sleeps).toEqual([]);
    const log = JSON.parse(fs.readFileSync(path.join(root, RATE_LIMIT_LOG_PATH), 'utf8'));
    expect(log.uploads.crates_io).toHaveLength(10);
  });

  it('waits until the oldest upload leaves the window, counting down every second', async () => {
    const { now, sleep, clock } = fakeClock();
    for (let i = 0; i < 10; i++) {
      await paceUpload({ root, registry: 'crates_io', now, sleep });
      clock.t += 1000; // uploads at t0, t0+1s, … t0+9s
    }
    // Now t0+10s: the oldest (t0) leaves the window at t0+60s, 50 s from now.
    const countdown: number[] = [];
    const result = await paceUpload({ root, registry: 'crates_io', now, sleep, onWait: (s) => countdown.push(s) });
    expect(result.waitedMs).toBe(50_000);
    expect(countdown[0]).toBe(50);
    expect(countdown[countdown.length - 1]).toBe(1);
    expect(countdown).toHaveLength(50);
    expect(clock.sleeps.every((ms) => ms <= 1000)).toBe(true);
    expect(result.inWindow).toBe(10);
  });

  it('paces concurrent tasks so no window ever holds more than the limit', async () => {
    const { now, sleep } = fakeClock();
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => paceUpload({ root, registry: 'crates_io', packageId: `c${i}`, now, sleep })));
    const starts = results.map((r) => r.at!).sort((a, b) => a - b);
    expect(starts).toHaveLength(25);
    // Any 11 consecutive uploads span at least a full window: never 11 in 60 s.
    for (let i = 10; i < starts.length; i++) expect(starts[i] - starts[i - 10]).toBeGreaterThanOrEqual(60_000);
    expect(results.filter((r) => r.waitedMs > 0)).toHaveLength(15);
  });

  it('throws instead of waiting longer than maxWaitMs (a daily window)', async () => {
    const { now, sleep, clock } = fakeClock();
    for (let i = 0; i < 20; i++) await paceUpload({ root, registry: 'jsr', now, sleep });
    const error = await paceUpload({ root, registry: 'jsr', packageId: 'extra', now, sleep }).catch((e: unknown) => e);
    expect(isMonochangeError(error)).toBe(true);
    expect((error as Error).message).toContain('jsr allows 20 uploads per 24h and the window is full; the next slot opens in 86400s');
    expect(clock.sleeps).toEqual([]);
  });

  it('never waits or writes a log for registries without a quota', async () => {
    const { now, sleep } = fakeClock();
    for (let i = 0; i < 50; i++) expect(await paceUpload({ root, registry: 'npm', now, sleep })).toEqual({ waitedMs: 0, inWindow: 0 });
    expect(fs.existsSync(path.join(root, RATE_LIMIT_LOG_PATH))).toBe(false);
  });

  it('starts a corrupt log anew', async () => {
    fs.mkdirSync(path.join(root, '.monochange'));
    fs.writeFileSync(path.join(root, RATE_LIMIT_LOG_PATH), '{not json');
    const { now, sleep } = fakeClock();
    expect(await paceUpload({ root, registry: 'crates_io', now, sleep })).toMatchObject({ waitedMs: 0, inWindow: 1 });
  });
});
