import type { PackageConfig } from '../config/types';
import { formatError } from '../errors';
import { preloadCommandRunner } from '../util/command';
import { DEFAULT_PLACEHOLDER_RESULT_PATH, DEFAULT_PUBLISH_RESULT_PATH } from '../run/artifact-schema';
import { failAll, runBatch, type BatchTask, type BatchTaskOutcome } from '../run/batch';
import { withInterruptHandling } from '../run/interrupts';
import { nxAgentRefusal } from './nx-agents';
import { createRunBase, withIdentity, type RunBase, type RunContext, type RunContextOptions } from '../run/run-context';
import { artifactPath } from '../run/artifact-store';
import { publishInContext, type TaskInContextOptions } from './run-task';
import { recordSkippedDependents, type SkippedDependent } from './skipped-dependents';
import { prepareBatchUploads, type BatchUpload } from './prepare-uploads';
import { findPackage, resolveTarget, type PackageTarget } from '../run/target';

export type PublishBatchOptions = Omit<TaskInContextOptions, 'projectName' | 'projectRoot'>;

/** Uploads at once when neither `--parallel` nor nx.json says (Nx's own default). */
export const DEFAULT_PUBLISH_CONCURRENCY = 3;

type Mode = 'release' | 'placeholder';

/**
 * Publishes (or placeholder-publishes) the packages of a batch in one process: dependencies
 * first, `concurrency` uploads at a time, one verified CI identity and one HTTP pool for all.
 * A package whose dependency failed is not attempted (`skipped`; the run report records it as
 * `blocked`, naming the dependency). Each package keeps its own lookup, trust gate, entry and
 * output, exactly as in a task process of its own. On SIGINT/SIGTERM the running packages are
 * recorded `interrupted` (by their tasks) and the packages waiting on them `blocked`.
 */
export async function* runPublishBatch(
  common: Omit<RunContextOptions, 'log'> & { concurrency: number; mode: Mode },
  tasks: BatchTask<PublishBatchOptions>[],
): AsyncGenerator<BatchTaskOutcome> {
  const agent = nxAgentRefusal(common.env ?? process.env, `the ${common.mode === 'release' ? 'publish' : 'placeholder-publish'} batch`);
  if (agent) {
    yield* failAll(tasks, formatError(agent));
    return;
  }
  let ctx: RunContext;
  let prepared: ReturnType<typeof prepareBatchUploads> | undefined;
  try {
    const base = createRunBase({ ...common, log: (line) => console.log(line) });
    if (!common.runner) preloadCommandRunner();
    // Lookups and packing (no secret in their environment) start while the identity is verified;
    // nothing is uploaded before each package's own trust gate has passed.
    prepared = common.mode === 'release' ? prepareBatchUploads(base, batchUploads(base, tasks)) : undefined;
    ctx = await withIdentity(base, common);
  } catch (error) {
    await prepared?.dispose();
    yield* failAll(tasks, formatError(error));
    return;
  }
  if (prepared) ctx.preparedUpload = prepared.preparedUpload;
  const started = new Set<string>();
  const settled = new Map<string, boolean>();
  let finish!: () => void;
  void withInterruptHandling(
    () => new Promise<void>((resolve) => (finish = resolve)),
    () => recordWaitingDependents(ctx, common.mode, tasks, started, settled),
  );
  try {
    yield* runBatch(tasks, {
      concurrency: common.concurrency,
      run: async (task, log) => {
        started.add(task.id);
        const result = await publishInContext(ctx, { ...task.options, projectName: task.projectName, projectRoot: task.projectRoot }, common.mode, log);
        settled.set(task.id, result.success);
        return result;
      },
    });
  } finally {
    finish();
    await prepared?.dispose();
  }
}

/** The batch's real (not dry-run) uploads, resolved, with the packages each waits for; unreadable ones are left to their task. */
function batchUploads(ctx: RunBase, tasks: BatchTask<PublishBatchOptions>[]): BatchUpload[] {
  const resolved = new Map<string, PackageTarget>();
  for (const task of tasks) {
    if (task.options.dryRun) continue;
    try {
      resolved.set(task.id, taskTarget(ctx, task, packageOfTask(ctx, task)));
    } catch {
      // reported by the package's own task
    }
  }
  return tasks.flatMap((task) => {
    const target = resolved.get(task.id);
    if (!target) return [];
    return [{ target, after: task.dependsOn.map((id) => resolved.get(id)?.pkg.id ?? id) }];
  });
}

/** Never-started tasks that wait (transitively) on a running or failed one: recorded `blocked` naming it. */
async function recordWaitingDependents(
  ctx: RunContext,
  mode: Mode,
  tasks: BatchTask<PublishBatchOptions>[],
  started: Set<string>,
  settled: Map<string, boolean>,
): Promise<void> {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const culprit = (id: string, seen = new Set<string>()): string | undefined => {
    for (const dep of byId.get(id)?.dependsOn ?? []) {
      if (seen.has(dep)) continue;
      seen.add(dep);
      if ((started.has(dep) && !settled.has(dep)) || settled.get(dep) === false) return dep;
      const deeper = culprit(dep, seen);
      if (deeper) return deeper;
    }
    return undefined;
  };
  const byFile = new Map<string, { dryRun: boolean; entries: SkippedDependent[] }>();
  for (const task of tasks) {
    if (started.has(task.id)) continue;
    const blocker = culprit(task.id);
    if (!blocker) continue;
    try {
      const pkg = packageOfTask(ctx, task);
      const target = taskTarget(ctx, task, pkg);
      const file = artifactPath(
        ctx.root,
        mode === 'release' ? DEFAULT_PUBLISH_RESULT_PATH : DEFAULT_PLACEHOLDER_RESULT_PATH,
        task.options.output,
        task.options.dryRun,
      );
      const group = byFile.get(file) ?? { dryRun: task.options.dryRun, entries: [] };
      group.entries.push({
        packageId: pkg.id,
        project: task.projectName,
        ecosystem: target.manifest.ecosystem,
        registry: pkg.publish.registry,
        name: target.name,
        version: target.version,
        blockedBy: packageOfTask(ctx, byId.get(blocker)!).id,
      });
      byFile.set(file, group);
    } catch {
      // A package that cannot even be read is reported by the next run's own task.
    }
  }
  for (const [file, group] of byFile) await recordSkippedDependents({ file, mode, dryRun: group.dryRun, entries: group.entries });
}

/** The declared package a batch task publishes (by its id, else its project). */
function packageOfTask(ctx: Pick<RunBase, 'config'>, task: BatchTask<PublishBatchOptions>): PackageConfig {
  return findPackage(ctx.config, {
    packageId: task.options.packageId,
    packageProjectRoot: task.options.packageProjectRoot,
    projectRoot: task.projectRoot,
    projectName: task.projectName,
  });
}

/** What the task publishes: the package at the version its options (or nx release) give. */
function taskTarget(ctx: Pick<RunBase, 'config'>, task: BatchTask<PublishBatchOptions>, pkg: PackageConfig): PackageTarget {
  return resolveTarget(ctx.config, pkg, task.projectName, { releaseVersion: task.options.releaseVersion, optionVersion: task.options.version });
}

/** `--parallel` of the run (handed over by the plugin's pre-task hook), else nx.json's `parallel`, else 3. */
export function batchConcurrency(env: NodeJS.ProcessEnv, nxJsonParallel: number | undefined): number {
  const fromRun = Number(env.MONOCHANGE_NX_PARALLEL);
  if (Number.isInteger(fromRun) && fromRun > 0) return fromRun;
  if (typeof nxJsonParallel === 'number' && nxJsonParallel > 0) return nxJsonParallel;
  return DEFAULT_PUBLISH_CONCURRENCY;
}
