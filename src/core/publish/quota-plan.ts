import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { publishable } from '../config/resolve-publish';
import type { MonochangeConfig, PackageConfig } from '../config/types';
import { formatError, MonochangeError } from '../errors';
import { readManifest } from '../manifests';
import { isBuiltinRegistry, type Env, type RegistryId } from '../types';
import type { HttpClient } from '../util/http';
// Pure, Nx-free modules (they import nothing from Nx): the same edges the plugin turns into `dependsOn`.
import { collectPackageEdges, publishPrerequisites, publishSequence, readPackageEdges } from './package-edges';
import { formatWindow } from '../registries/rate-limit-window';
import { writeJsonAtomic } from '../run/artifact-store';
import {
  decideRateLimit,
  MAX_PACED_WINDOW_SECONDS,
  planRateLimits,
  RATE_LIMIT_POLICIES,
  type RateLimitBatch,
  type RateLimitOperation,
  type RateLimitWindow,
} from './rate-limits';
import type { PackageTarget } from '../run/target';

/**
 * The run-wide quota plan (made before the first upload): which uploads of this
 * run each registry window can take, in publish order, and what happens to the rest:
 * - `rate_limits.enforce = true` on a registry's pending packages and more than one window's
 *   worth → the whole run is refused (`refusal`), nothing is uploaded;
 * - a short window (crates.io, 60 s) → paced by `paceUpload` during the run (nothing deferred);
 * - a daily window (JSR, pub.dev) → the first `limit` publish, the rest are `deferred`: their
 *   tasks record them `blocked` (reason `rate_limited`) with the batch plan, without uploading.
 *
 * The preflight writes the plan to `.monochange/quota-plan.json` and hands its `runId` to the
 * tasks in `MONOCHANGE_QUOTA_RUN_ID`; a task asks `deferredByQuota` just before uploading.
 */

/** Where the preflight writes the plan of a real publish run. */
export const QUOTA_PLAN_PATH = '.monochange/quota-plan.json';
/** Environment variable carrying the plan's run id from the preflight (Nx main process) to the tasks. */
export const QUOTA_RUN_ENV = 'MONOCHANGE_QUOTA_RUN_ID';

export interface QuotaContext {
  /** Absolute workspace root (path dependencies in manifests are resolved from it). */
  root: string;
  env: Env;
  http: HttpClient;
}

export interface QuotaPending {
  packageId: string;
  project: string;
  registry: RegistryId;
  /** Version to upload (`0.0.0` for placeholders). */
  version: string;
  enforce: boolean;
  /** The lookup failed: counted as pending, so the plan never under-counts. */
  lookupFailed?: string;
}

export interface QuotaDeferral {
  packageId: string;
  project: string;
  registry: RegistryId;
  version: string;
  batchIndex: number;
  totalBatches: number;
  /** Why, with the batch plan and the command for the package's batch. */
  message: string;
}

export interface RunQuotaPlan {
  operation: RateLimitOperation;
  /** Pending uploads to registries with a quota, in publish order (dependencies first). */
  pending: QuotaPending[];
  windows: RateLimitWindow[];
  batches: RateLimitBatch[];
  deferred: QuotaDeferral[];
  /** Set when an enforced registry needs more than one window: refuse the whole run. */
  refusal?: MonochangeError;
  /** One line per registry that exceeds its window (paced, deferred or refused), and failed lookups. */
  notes: string[];
}

export interface PlanRunQuotasOptions {
  operation?: RateLimitOperation;
  /**
   * The command that publishes a selection, for the fixes: batch 1 is `{ exclude: later batches }`,
   * a later batch `{ projects }`. Default: `nx run-many -t publish` with `--projects`/`--exclude`.
   */
  commandFor?: (selection: { projects?: string[]; exclude?: string[] }) => string;
  /** `monochange.toml`, named by the refusal. */
  configFile?: string;
}

const defaultCommand = (selection: { projects?: string[]; exclude?: string[] }) =>
  `nx run-many -t publish${selection.projects?.length ? ` --projects=${selection.projects.join(',')}` : ''}${selection.exclude?.length ? ` --exclude=${selection.exclude.join(',')}` : ''}`;

/**
 * Plans the quotas of a run over `targets` (the packages the run will publish, any registry): looks
 * up every package of a registry with a quota (the run context's HttpClient, so lookups share its
 * pool and retries), keeps the pending ones (already-published versions do not count), orders them
 * dependencies first, and decides per registry.
 */
export async function planRunQuotas(ctx: QuotaContext, targets: PackageTarget[], options: PlanRunQuotasOptions = {}): Promise<RunQuotaPlan> {
  const operation = options.operation ?? 'publish';
  const commandFor = options.commandFor ?? defaultCommand;
  const eligible = targets.filter((t) => t.adapter && publishable(t.pkg) && !t.manifest.private);
  const withQuota = eligible.filter((t) => hasQuota(t.pkg.publish.registry));
  const notes: string[] = [];

  const looked = await Promise.all(
    withQuota.map(async (t): Promise<QuotaPending | undefined> => {
      const version = operation === 'publish' ? t.version : '0.0.0';
      const base = {
        packageId: t.pkg.id,
        project: t.project,
        registry: t.pkg.publish.registry as RegistryId,
        version,
        enforce: t.pkg.publish.rateLimits.enforce,
      };
      try {
        const exists = await t.adapter!.versionExists(t.manifest, operation === 'publish' ? t.version : null, { env: ctx.env, http: ctx.http });
        return exists ? undefined : base;
      } catch (error) {
        return { ...base, lookupFailed: formatError(error) };
      }
    }),
  );
  const order = publishOrder(ctx.root, eligible);
  const pending = looked.filter((p): p is QuotaPending => p !== undefined).sort((a, b) => order.get(a.packageId)! - order.get(b.packageId)!);
  for (const registry of new Set(pending.filter((p) => p.lookupFailed).map((p) => p.registry))) {
    const failed = pending.filter((p) => p.registry === registry && p.lookupFailed);
    notes.push(
      `${failed.length} ${registry} package(s) counted as pending because their lookup failed (${failed.map((p) => p.packageId).join(', ')}): ${failed[0].lookupFailed}`,
    );
  }

  const { windows, batches } = planRateLimits(
    pending.map((p) => ({ packageId: p.packageId, registry: p.registry })),
    operation,
  );
  const projectOf = new Map(pending.map((p) => [p.packageId, p.project]));
  const refused: string[] = [];
  const deferredRegistries: RegistryId[] = [];
  for (const window of windows) {
    if (window.fitsSingleWindow) continue;
    const mine = pending.filter((p) => p.registry === window.registry);
    const packages = mine.map((p) => p.packageId);
    const enforce = mine.some((p) => p.enforce);
    const decision = decideRateLimit({ registry: window.registry, pendingCount: mine.length, enforce, operation, packages });
    if (decision.action === 'refuse' && enforce) {
      refused.push(decision.reason);
      deferredRegistries.push(window.registry);
    } else if (decision.action === 'pace') {
      notes.push(
        `${mine.length} ${window.registry} uploads need ${window.batchesRequired} windows of ${window.limit} per ${formatWindow(window.windowSeconds)}: they are paced (up to ${Math.round(decision.waitMs / 1000)}s of waiting)`,
      );
    } else if (window.windowSeconds !== null && window.windowSeconds > MAX_PACED_WINDOW_SECONDS) {
      deferredRegistries.push(window.registry);
      const waiting = mine.length - window.limit!;
      notes.push(
        `${mine.length} ${window.registry} uploads exceed ${window.limit} per ${formatWindow(window.windowSeconds)}: the first ${window.limit} publish now, ${waiting} ${waiting === 1 ? 'waits' : 'wait'} for a later window`,
      );
    }
  }

  const laterBatches = batches
    .filter((b) => b.batchIndex > 1 && deferredRegistries.includes(b.registry))
    .sort((a, b) => a.recommendedWaitSeconds! - b.recommendedWaitSeconds!);
  const later = laterBatches.flatMap((b) => b.packages.map((id) => projectOf.get(id)!));
  const deferred: QuotaDeferral[] = refused.length
    ? []
    : laterBatches.flatMap((b) =>
        b.packages.map((packageId) => {
          const p = pending.find((x) => x.packageId === packageId)!;
          const mine = pending.filter((x) => x.registry === b.registry);
          const decision = decideRateLimit({
            registry: b.registry,
            pendingCount: mine.length,
            enforce: false,
            operation,
            packages: mine.map((x) => x.packageId),
            position: mine.indexOf(p),
          });
          const reason = decision.action === 'refuse' ? decision.reason : `${b.registry} window is full`;
          const when = `after ${formatWait(b.recommendedWaitSeconds!)}`;
          const command = commandFor({ projects: b.packages.map((id) => projectOf.get(id)!) });
          return {
            packageId,
            project: p.project,
            registry: b.registry,
            version: p.version,
            batchIndex: b.batchIndex,
            totalBatches: b.totalBatches,
            message: `not uploaded: ${reason}. \`${packageId}\` is in batch ${b.batchIndex}/${b.totalBatches}; ${when}, run \`${command}\``,
          };
        }),
      );

  let refusal: MonochangeError | undefined;
  if (refused.length) {
    const first = commandFor({ exclude: later });
    const next = laterBatches.map(
      (b) => `${formatWait(b.recommendedWaitSeconds!)} later \`${commandFor({ projects: b.packages.map((id) => projectOf.get(id)!) })}\``,
    );
    refusal = new MonochangeError(
      `publishing refused before any upload: \`rate_limits.enforce = true\` and this run needs more ${operation === 'publish' ? 'uploads' : 'placeholder uploads'} than one registry window allows:\n${refused.map((r) => `- ${r}`).join('\n')}`,
      {
        code: 'rate-limits.enforced',
        ...(options.configFile ? { file: options.configFile } : {}),
        key: 'publish.rate_limits.enforce',
        fix: `publish batch 1 now with \`${first}\`, then ${next.join(', then ')}; or set \`rate_limits.enforce = false\` (crates.io uploads are then paced, and packages past a daily window are refused one by one); nothing was published`,
      },
    );
  }
  return { operation, pending, windows, batches, deferred, ...(refusal ? { refusal } : {}), notes };
}

/** `60s`, `24h`, `48h`: waits between batches. */
function formatWait(seconds: number): string {
  return seconds >= 3600 && seconds % 3600 === 0 ? `${seconds / 3600}h` : `${seconds}s`;
}

function hasQuota(registry: string): registry is RegistryId {
  return isBuiltinRegistry(registry) && RATE_LIMIT_POLICIES[registry].limit !== null && RATE_LIMIT_POLICIES[registry].windowSeconds !== null;
}

/**
 * Position of every target in a publish order: dependencies first (the edges Nx's `dependsOn`
 * follows, across registries), ties by package id; packages on a cycle (whose tasks refuse anyway)
 * go last, by id. Any prefix of one registry's packages is then closed under its dependencies, so
 * batch 1 never waits on a package deferred to batch 2.
 */
export function publishOrder(root: string, targets: PackageTarget[]): Map<string, number> {
  const ids = targets.map((t) => t.pkg.id).sort();
  const edges = collectPackageEdges(
    root,
    targets.map((t) => t.pkg),
    new Map(targets.map((t) => [t.pkg.id, t.manifest])),
  );
  return new Map(publishSequence(ids, edges).map((id, index) => [id, index]));
}

/**
 * The packages a run publishes: the selected ones plus, transitively, the packages they must
 * publish after (Nx adds their publish tasks through `dependsOn`, even when `--exclude` names them,
 * unless `--excludeTaskDependencies`). Unreadable manifests take part as the plugin's edges do.
 */
export function withPublishPrerequisites(config: MonochangeConfig, selected: PackageConfig[]): PackageConfig[] {
  const prerequisites = publishPrerequisites(
    config.packages.map((p) => p.id),
    readPackageEdges(config, readManifest),
  );
  const seen = new Set(selected.map((p) => p.id));
  const queue = [...seen];
  for (let i = 0; i < queue.length; i++) {
    for (const dep of prerequisites.get(queue[i]) ?? []) {
      if (!seen.has(dep)) {
        seen.add(dep);
        queue.push(dep);
      }
    }
  }
  return config.packages.filter((p) => seen.has(p.id));
}

// ---------------------------------------------------------------------------------------------
// The plan file: written by the preflight, read by the tasks just before uploading.

const planFileSchema = z.object({
  schemaVersion: z.literal(1),
  kind: z.literal('monochange.quotaPlan'),
  /** Random per preflight; the tasks of the same run carry it in MONOCHANGE_QUOTA_RUN_ID. */
  runId: z.string().min(1),
  createdAt: z.string(),
  operation: z.enum(['publish', 'placeholder_publish']),
  windows: z.array(
    z.object({
      registry: z.string(),
      limit: z.number().nullable(),
      windowSeconds: z.number().nullable(),
      pending: z.number(),
      batches: z.array(z.object({ batchIndex: z.number(), packages: z.array(z.string()), recommendedWaitSeconds: z.number().nullable() })),
    }),
  ),
  deferred: z.array(
    z.object({
      package: z.string(),
      project: z.string(),
      registry: z.string(),
      version: z.string(),
      batchIndex: z.number(),
      totalBatches: z.number(),
      message: z.string(),
    }),
  ),
});
export type QuotaPlanFile = z.infer<typeof planFileSchema>;

/** A fresh run id (random: never equal to an earlier run's, on this machine or another). */
export function newQuotaRunId(): string {
  return randomUUID();
}

/** Writes the plan of run `runId` atomically (replacing any earlier run's plan). */
export function writeQuotaPlan(root: string, runId: string, plan: RunQuotaPlan, now: Date = new Date()): QuotaPlanFile {
  const file: QuotaPlanFile = {
    schemaVersion: 1,
    kind: 'monochange.quotaPlan',
    runId,
    createdAt: now.toISOString(),
    operation: plan.operation,
    windows: plan.windows.map((w) => ({
      registry: w.registry,
      limit: w.limit,
      windowSeconds: w.windowSeconds,
      pending: w.pending,
      batches: plan.batches
        .filter((b) => b.registry === w.registry)
        .map((b) => ({ batchIndex: b.batchIndex, packages: b.packages, recommendedWaitSeconds: b.recommendedWaitSeconds })),
    })),
    deferred: plan.deferred.map((d) => ({
      package: d.packageId,
      project: d.project,
      registry: d.registry,
      version: d.version,
      batchIndex: d.batchIndex,
      totalBatches: d.totalBatches,
      message: d.message,
    })),
  };
  writeJsonAtomic(path.join(root, QUOTA_PLAN_PATH), file);
  return file;
}

/** Removes an earlier run's plan (a preflight does this first, so no failure path leaves one behind). */
export function clearQuotaPlan(root: string): void {
  fs.rmSync(path.join(root, QUOTA_PLAN_PATH), { force: true });
}

export interface DeferralQuestion {
  packageId: string;
  registry: string;
  /** Version about to be uploaded (`0.0.0` for a placeholder). */
  version: string;
  operation?: RateLimitOperation;
  /** The task's environment: `MONOCHANGE_QUOTA_RUN_ID` must name the plan's run. */
  env: Env;
}

/**
 * Is this upload deferred to a later window by this run's quota plan? Answers only from a plan of
 * the same run: its `runId` must equal the task's `MONOCHANGE_QUOTA_RUN_ID` (set by the preflight
 * of this very `nx` invocation), its operation must match, and the package, registry and version
 * must be listed. A plan from an earlier run, a task started without the preflight, or a missing
 * or unreadable file → `undefined` (publish as usual; the registry stays the last word, and a
 * refusal by it is recorded `blocked`, reason `rate_limit`).
 */
export function deferredByQuota(root: string, question: DeferralQuestion): QuotaDeferral | undefined {
  const runId = question.env[QUOTA_RUN_ENV];
  if (!runId) return undefined;
  let plan: QuotaPlanFile;
  try {
    const parsed = planFileSchema.safeParse(JSON.parse(fs.readFileSync(path.join(root, QUOTA_PLAN_PATH), 'utf8')));
    if (!parsed.success) return undefined;
    plan = parsed.data;
  } catch {
    return undefined;
  }
  if (plan.runId !== runId || plan.operation !== (question.operation ?? 'publish')) return undefined;
  const hit = plan.deferred.find((d) => d.package === question.packageId && d.registry === question.registry && d.version === question.version);
  if (!hit || !isBuiltinRegistry(hit.registry)) return undefined;
  return {
    packageId: hit.package,
    project: hit.project,
    registry: hit.registry,
    version: hit.version,
    batchIndex: hit.batchIndex,
    totalBatches: hit.totalBatches,
    message: hit.message,
  };
}
