import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { MonochangeError } from '../errors';
import { REGISTRIES } from '../registries';
import type { RateLimitPolicy } from '../registries/types';
import { isBuiltinRegistry, REGISTRY_IDS, type RegistryId } from '../types';
import { withFileLock } from '../run/artifact-lock';
import { writeJsonAtomic } from '../run/artifact-store';
import { formatWindow } from '../registries/rate-limit-window';

/**
 * Registry publish quotas: the policy table, batch plans, the decision a run
 * makes before its first upload, and pacing of short windows (crates.io) across concurrent tasks
 * through a per-workspace upload log.
 */

export type { RateLimitEvidence, RateLimitPolicy } from '../registries/types';

export type RateLimitOperation = 'publish' | 'placeholder_publish';

/** Each registry's quota as its adapter declares it, in canonical registry order. */
export const RATE_LIMIT_POLICIES = Object.fromEntries(REGISTRY_IDS.map((id) => [id, REGISTRIES[id].rateLimit])) as Record<RegistryId, RateLimitPolicy>;

/** Windows up to this long are paced (waited out); longer ones (daily) refuse the excess instead. */
export const MAX_PACED_WINDOW_SECONDS = 3600;

export interface RateLimitRequest {
  packageId: string;
  registry: string;
}

export interface RateLimitWindow extends Omit<RateLimitPolicy, 'registry'> {
  registry: RegistryId;
  operation: RateLimitOperation;
  pending: number;
  batchesRequired: number;
  fitsSingleWindow: boolean;
}

export interface RateLimitBatch {
  registry: RegistryId;
  operation: RateLimitOperation;
  batchIndex: number;
  totalBatches: number;
  packages: string[];
  /** Seconds after the first batch; null for the first batch. */
  recommendedWaitSeconds: number | null;
}

export interface RateLimitPlan {
  windows: RateLimitWindow[];
  batches: RateLimitBatch[];
  warnings: string[];
}

/**
 * Plans uploads per registry, in registry id order: consecutive batches of at most `limit` packages
 * (each after one more window), and a warning for each registry whose uploads do not fit one window.
 * `requests` are the pending uploads in publish order (already-published and external packages left
 * out); custom registries are ignored.
 */
export function planRateLimits(requests: RateLimitRequest[], operation: RateLimitOperation = 'publish'): RateLimitPlan {
  const windows: RateLimitWindow[] = [];
  const batches: RateLimitBatch[] = [];
  const warnings: string[] = [];
  for (const registry of REGISTRY_IDS) {
    const packages = requests.filter((r) => r.registry === registry).map((r) => r.packageId);
    if (!packages.length) continue;
    const policy = RATE_LIMIT_POLICIES[registry];
    const chunks = chunk(packages, policy.limit);
    const fits = policy.limit === null || packages.length <= policy.limit;
    windows.push({ ...policy, registry, operation, pending: packages.length, batchesRequired: chunks.length, fitsSingleWindow: fits });
    chunks.forEach((list, i) =>
      batches.push({
        registry,
        operation,
        batchIndex: i + 1,
        totalBatches: chunks.length,
        packages: list,
        recommendedWaitSeconds: i === 0 || policy.windowSeconds === null ? null : policy.windowSeconds * i,
      }),
    );
    if (!fits)
      warnings.push(
        `${packages.length} ${registry} ${operation} operations need ${chunks.length} batches under the current ${formatWindow(policy.windowSeconds)} window`,
      );
  }
  return { windows, batches, warnings };
}

function chunk<T>(items: T[], size: number | null): T[][] {
  if (size === null || size <= 0) return [items];
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export type RateLimitDecision = { action: 'proceed' } | { action: 'pace'; waitMs: number } | { action: 'refuse'; reason: string };

export interface RateLimitQuestion {
  registry: string;
  /** Uploads this run still has to make to the registry. */
  pendingCount: number;
  /** `publish.rate_limits.enforce` of the packages of this registry. */
  enforce: boolean;
  operation?: RateLimitOperation;
  /** Pending package ids in publish order: named in the batch plan of a refusal. */
  packages?: string[];
  /** 0-based position of the asking package among `packages`: a daily window lets the first `limit` through. */
  position?: number;
}

/**
 * What a run does about a registry's quota before its first upload:
 * - no quota, or everything fits one window → proceed;
 * - `enforce` and more than one window's worth → refuse (nothing is uploaded), with the batch plan;
 * - a short window (crates.io, 60 s) → pace: `waitMs` is the longest wait the run will see, and
 *   every upload goes through `paceUpload`;
 * - a daily window (JSR, pub.dev) → refuse the excess: packages past the limit (by `position`,
 *   or all when no position is given) are refused with the batch plan.
 * Enforcement is per registry: `enforce` on one registry's packages never blocks uploads to another.
 */
export function decideRateLimit(question: RateLimitQuestion): RateLimitDecision {
  if (!isBuiltinRegistry(question.registry)) return { action: 'proceed' };
  const policy = RATE_LIMIT_POLICIES[question.registry];
  const operation = question.operation ?? 'publish';
  if (policy.limit === null || policy.windowSeconds === null || question.pendingCount <= policy.limit) return { action: 'proceed' };
  const batchesRequired = Math.ceil(question.pendingCount / policy.limit);
  const window = formatWindow(policy.windowSeconds);
  const plan = batchPlanText(question, policy, operation);
  if (question.enforce) {
    const details = `${operation === 'publish' ? 'publish' : 'placeholder publish'} ${question.registry} ${operation} packages=${question.pendingCount} batches=${batchesRequired} window=${window}`;
    return {
      action: 'refuse',
      reason: `configured publish rate-limit enforcement blocked this run: ${details}; publish a filtered package subset per batch${plan}`,
    };
  }
  if (policy.windowSeconds <= MAX_PACED_WINDOW_SECONDS) return { action: 'pace', waitMs: policy.windowSeconds * 1000 * (batchesRequired - 1) };
  if (question.position !== undefined && question.position < policy.limit) return { action: 'proceed' };
  return {
    action: 'refuse',
    reason: `${question.pendingCount} ${question.registry} ${operation} operations need ${batchesRequired} batches under the current ${window} window (${policy.notes}); publish the next batch after the window${plan}`,
  };
}

function batchPlanText(question: RateLimitQuestion, policy: RateLimitPolicy, operation: RateLimitOperation): string {
  if (!question.packages?.length) return '';
  const { batches } = planRateLimits(
    question.packages.map((packageId) => ({ packageId, registry: policy.registry })),
    operation,
  );
  const parts = batches.map(
    (b) =>
      `batch ${b.batchIndex}/${b.totalBatches} (${b.recommendedWaitSeconds === null ? 'now' : `after ${formatWindow(b.recommendedWaitSeconds)}`}): ${b.packages.join(', ')}`,
  );
  return `: ${parts.join('; ')}`;
}

/** Upload log shared by the tasks of a workspace: upload start times per registry, ms since epoch. */
export const RATE_LIMIT_LOG_PATH = '.monochange/rate-limits.json';

const logSchema = z.object({
  schemaVersion: z.literal(1),
  kind: z.literal('monochange.rateLimitLog'),
  uploads: z.record(z.string(), z.array(z.object({ at: z.number(), package: z.string().optional() }))),
});
type UploadLog = z.infer<typeof logSchema>;

export interface PaceUploadOptions {
  /** Workspace root (the log is `<root>/.monochange/rate-limits.json`). */
  root: string;
  registry: string;
  packageId?: string;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Called every second of a wait with the seconds left. */
  onWait?: (secondsLeft: number) => void;
  /** Longest wait accepted (default 10 minutes); a longer one throws instead of blocking a CI job. */
  maxWaitMs?: number;
}

export interface PaceResult {
  waitedMs: number;
  /** Time recorded for this upload (ms since epoch); absent for registries without a quota. */
  at?: number;
  /** Uploads recorded in the current window, this one included. */
  inWindow: number;
}

/**
 * Reserves an upload slot: when the registry's window is full, waits (counting down) until its
 * oldest upload leaves the window, then records this upload. Concurrent tasks coordinate through
 * the log under the artifacts' file lock; the lock is never held while waiting.
 */
export async function paceUpload(options: PaceUploadOptions): Promise<PaceResult> {
  if (!isBuiltinRegistry(options.registry)) return { waitedMs: 0, inWindow: 0 };
  const policy = RATE_LIMIT_POLICIES[options.registry];
  if (policy.limit === null || policy.windowSeconds === null) return { waitedMs: 0, inWindow: 0 };
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxWaitMs = options.maxWaitMs ?? 10 * 60_000;
  const windowMs = policy.windowSeconds * 1000;
  const file = path.join(options.root, RATE_LIMIT_LOG_PATH);
  const started = now();
  for (;;) {
    const slot = await withFileLock(file, () => {
      const log = readLog(file);
      const t = now();
      const recent = (log.uploads[policy.registry] ?? []).filter((u) => u.at > t - windowMs).sort((a, b) => a.at - b.at);
      if (recent.length < policy.limit!) {
        recent.push({ at: t, ...(options.packageId ? { package: options.packageId } : {}) });
        log.uploads[policy.registry] = recent;
        writeJsonAtomic(file, log);
        return { free: true as const, at: t, inWindow: recent.length };
      }
      return { free: false as const, until: recent[recent.length - policy.limit!].at + windowMs };
    });
    if (slot.free) return { waitedMs: slot.at - started, at: slot.at, inWindow: slot.inWindow };
    const waitMs = slot.until - now();
    if (now() - started + waitMs > maxWaitMs) {
      throw new MonochangeError(
        `${policy.registry} allows ${policy.limit} uploads per ${formatWindow(policy.windowSeconds)} and the window is full; the next slot opens in ${Math.ceil(waitMs / 1000)}s`,
        {
          code: 'rate-limit.window-full',
          key: options.packageId,
          fix: `re-run after the window has passed, or publish fewer ${policy.registry} packages per run (see the batch plan)`,
        },
      );
    }
    await countdown(slot.until, now, sleep, options.onWait);
  }
}

async function countdown(until: number, now: () => number, sleep: (ms: number) => Promise<void>, onWait?: (secondsLeft: number) => void): Promise<void> {
  for (let left = until - now(); left > 0; left = until - now()) {
    onWait?.(Math.ceil(left / 1000));
    await sleep(Math.min(1000, left));
  }
}

/** The log is a cache: one that is missing or unreadable starts anew. */
function readLog(file: string): UploadLog {
  try {
    const parsed = logSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // absent or not JSON
  }
  return { schemaVersion: 1, kind: 'monochange.rateLimitLog', uploads: {} };
}
