import path from 'node:path';
import { publishable } from '../config/resolve-publish';
import type { PackageConfig } from '../config/types';
import { formatError, isMonochangeError } from '../errors';
import { clearQuotaPlan, newQuotaRunId, planRunQuotas, QUOTA_PLAN_PATH, QUOTA_RUN_ENV, writeQuotaPlan, type RunQuotaPlan } from './quota-plan';
import { DEFAULT_PUBLISH_RESULT_PATH, type PublishEntry } from '../run/artifact-schema';
import { mergePublishEntries } from '../run/artifact-store';
import { entryBuilder } from './entry';
import { artifactIdentity } from '../run/identity';
import { refusalError, type Refusal } from '../run/refusals';
import type { RunContext } from '../run/run-context';
import { artifactPath } from '../run/artifact-store';
import { resolveTarget, type PackageTarget } from '../run/target';

/**
 * The trust preflight and quota plan over the declared packages `packageIds` (all the run
 * publishes: the selection and the packages it publishes after), by id: the one implementation
 * behind the Nx hook (`preflightPublishRun`) and scripts (`publishPackages`). Every package must
 * pass the trust gate; refusals are recorded `blocked` in the run's result file and thrown, before
 * any upload. Then the quotas: `quota.refusal` is thrown; a real (not dry) run replaces
 * `.monochange/quota-plan.json` and puts its run id in `ctx.env[MONOCHANGE_QUOTA_RUN_ID]`, which the
 * run's publish tasks must carry. `commandFor` words the quota fixes (given the run's projects).
 */
export async function preflightPackages(options: {
  ctx: RunContext;
  packageIds: readonly string[];
  dryRun: boolean;
  projectName: (pkg: PackageConfig) => string;
  commandFor: (runProjects: string[]) => (selection: { projects?: string[]; exclude?: string[] }) => string;
  log?: (line: string) => void;
}): Promise<{ checked: number; quota: RunQuotaPlan; runId: string | undefined }> {
  const { ctx, dryRun } = options;
  const log = options.log ?? (() => undefined);
  // An earlier run's plan never outlives the start of this one, whatever happens below. A dry
  // run answers as the real run would but changes nothing, this file included.
  if (!dryRun) clearQuotaPlan(ctx.root);
  const ids = new Set(options.packageIds);
  const runs = ctx.config.packages.filter((pkg) => ids.has(pkg.id));
  const inScope = runs.filter(publishable);
  const resolved = new Map<string, PackageTarget>();
  const resolve = (pkg: PackageConfig) => {
    const target = resolved.get(pkg.id) ?? resolveTarget(ctx.config, pkg, options.projectName(pkg), { refName: ctx.env.GITHUB_REF_NAME });
    resolved.set(pkg.id, target);
    return target;
  };
  const refusals: Array<Refusal & { target?: PackageTarget }> = [];
  for (const pkg of inScope) {
    const project = options.projectName(pkg);
    try {
      const target = resolve(pkg);
      if (target.manifest.private) continue;
      const verdict = await ctx.gate.check(target);
      if (!verdict.allowed) refusals.push({ project, id: pkg.id, registry: pkg.publish.registry, code: verdict.code, reason: verdict.reason, target });
    } catch (error) {
      const known = isMonochangeError(error);
      refusals.push({
        project,
        id: pkg.id,
        registry: pkg.publish.registry,
        code: (known && error.details.code) || 'package.manifest',
        reason: known ? error.problem : formatError(error),
        ...(known && error.details.fix ? { fix: error.details.fix } : {}),
      });
    }
  }
  if (refusals.length) {
    const file = artifactPath(ctx.root, DEFAULT_PUBLISH_RESULT_PATH, undefined, dryRun);
    const written = await recordRefusals(ctx, file, dryRun, refusals).then(
      () => path.relative(ctx.root, file),
      () => undefined,
    );
    throw refusalError(refusals, inScope.length, dryRun, written);
  }
  log(`monochange: trust preflight passed for ${inScope.length} package(s)${dryRun ? ' (dry run)' : ''}`);

  const quotaTargets: PackageTarget[] = [];
  for (const pkg of runs.filter(publishable)) {
    try {
      quotaTargets.push(resolve(pkg));
    } catch {
      // a dependency whose manifest or version cannot be read fails in its own task
    }
  }
  const quota = await planRunQuotas(ctx, quotaTargets, {
    operation: 'publish',
    configFile: ctx.config.file,
    commandFor: options.commandFor(quotaTargets.map((t) => t.project)),
  });
  for (const note of quota.notes) log(`monochange: ${note}`);
  if (quota.refusal) throw quota.refusal;
  if (dryRun) return { checked: inScope.length, quota, runId: undefined };
  const runId = newQuotaRunId();
  writeQuotaPlan(ctx.root, runId, quota);
  ctx.env[QUOTA_RUN_ENV] = runId;
  if (quota.deferred.length) {
    log(
      `monochange: ${quota.deferred.length} package(s) wait for a later registry window and are not uploaded by this run (${quota.deferred.map((d) => d.packageId).join(', ')}); plan in ${QUOTA_PLAN_PATH}`,
    );
  }
  return { checked: inScope.length, quota, runId };
}

/** A refused run's packages in the run's result file, `blocked` with their reason (the run ends before any task writes). */
async function recordRefusals(ctx: RunContext, file: string, dryRun: boolean, refusals: ReadonlyArray<Refusal & { target?: PackageTarget }>): Promise<void> {
  const entries: PublishEntry[] = refusals.map((r) => {
    if (r.target) return entryBuilder(r.target, ctx.gate, { placeholder: false, dryRun })('blocked', r.reason, 'planned', { reason: r.code });
    const pkg = ctx.config.packages.find((p) => p.id === r.id)!;
    return {
      package: r.id,
      project: r.project,
      ecosystem: pkg.type,
      registry: r.registry,
      name: r.project,
      version: pkg.version ?? 'unknown',
      status: 'blocked',
      message: r.reason,
      placeholder: false,
      reason: r.code,
      ...(dryRun ? { dryRun: true } : {}),
      trustedPublishing: {
        status: 'disabled',
        repository: null,
        workflow: null,
        environment: null,
        setupUrl: null,
        message: 'not evaluated: the package could not be read',
      },
      finishedAt: new Date().toISOString(),
    };
  });
  await mergePublishEntries(file, { mode: 'release', dryRun, identity: artifactIdentity(ctx.resolution) }, () => entries);
}
