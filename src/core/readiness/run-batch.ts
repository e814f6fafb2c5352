import { formatError } from '../errors';
import { coalescingMerger, mergeReadinessEntries } from '../run/artifact-store';
import { type ReadinessEntry } from '../run/artifact-schema';
import { failAll, runBatch, type BatchTask, type BatchTaskOutcome } from '../run/batch';
import { artifactIdentity } from '../run/identity';
import { createRunContext, type RunContextOptions } from '../run/run-context';
import { findPackage, resolveTarget } from '../run/target';
import { entryPoints } from './checks/npm-entry-points';
import { createBatchPackLister } from './checks/npm-pack-list';
import { readinessInContext, type ReadinessTaskOptions } from './run-task';

export type ReadinessBatchOptions = Pick<ReadinessTaskOptions, 'packageId' | 'packageProjectRoot' | 'version' | 'releaseVersion' | 'output' | 'failOnBlocked'>;

/** Packages checked at once: they mostly wait (lookups share one bounded HTTP pool, npm lists packages in the background), so many at once keep the CPU busy. */
export const READINESS_BATCH_CONCURRENCY = 64;

/**
 * Readiness for many packages in one process: config, CI identity (one OIDC token, verified
 * once), the HTTP pool, tool versions and one `npm pack --dry-run` for all npm packages are
 * shared; each package still gets its own checks, entry and output. Order does not matter.
 */
export async function* runReadinessBatch(
  common: Omit<RunContextOptions, 'log'> & { concurrency?: number },
  tasks: BatchTask<ReadinessBatchOptions>[],
): AsyncGenerator<BatchTaskOutcome> {
  let ctx;
  try {
    ctx = await createRunContext({ ...common, readOnly: true, log: (line) => console.log(line) });
  } catch (error) {
    yield* failAll(tasks, formatError(error));
    return;
  }
  const lister = createBatchPackLister(ctx.runner, ctx.root);
  // npm.entry-points lists what npm would ship only for packages that name entry points and whose
  // version is not on the registry yet: look those up first (the answers are memoised, so the
  // registry-state check reuses them), then ask npm once for the rest.
  const candidates = tasks.flatMap((t) => {
    try {
      const pkg = findPackage(ctx.config, {
        packageId: t.options.packageId,
        packageProjectRoot: t.options.packageProjectRoot,
        projectRoot: t.projectRoot,
        projectName: t.projectName,
      });
      if (pkg.type !== 'npm') return [];
      const target = resolveTarget(ctx.config, pkg, t.projectName, { releaseVersion: t.options.releaseVersion, optionVersion: t.options.version });
      return target.adapter && entryPoints(target.manifest.npm?.json ?? {}).length ? [target] : [];
    } catch {
      return [];
    }
  });
  lister.plan(
    Promise.all(
      candidates.map((t) =>
        t.adapter!.versionExists(t.manifest, t.version, { env: ctx.env, http: ctx.http }).then(
          (exists) => (exists ? [] : [t.manifest.dir]),
          () => [t.manifest.dir],
        ),
      ),
    ).then((dirs) => dirs.flat()),
  );
  // Entries are written in coalesced batches without holding a task's slot; the last write is
  // awaited before the batch ends (readiness is read-only: an entry lost to a crash costs a re-run).
  const mergers = new Map<string, (entry: ReadinessEntry) => Promise<void>>();
  const writes: Promise<void>[] = [];
  const record = async (file: string, entry: ReadinessEntry) => {
    let merge = mergers.get(file);
    if (!merge) {
      merge = coalescingMerger((entries: ReadinessEntry[]) => mergeReadinessEntries(file, artifactIdentity(ctx.resolution), entries), { minIntervalMs: 500 });
      mergers.set(file, merge);
    }
    writes.push(merge(entry));
  };
  const outcomes = runBatch(
    tasks.map((t) => ({ ...t, dependsOn: [] })),
    {
      concurrency: common.concurrency ?? READINESS_BATCH_CONCURRENCY,
      run: (task, log) =>
        readinessInContext(ctx, { ...task.options, projectName: task.projectName, projectRoot: task.projectRoot }, log, {
          packFiles: lister.packFiles,
          record,
        }),
    },
  );
  const held: BatchTaskOutcome[] = [];
  for await (const outcome of outcomes) {
    // The last few outcomes wait for the artifact, so Nx never sees the run end before it is written.
    if (writes.length < tasks.length) yield outcome;
    else held.push(outcome);
  }
  const failed = (await Promise.allSettled(writes)).find((w): w is PromiseRejectedResult => w.status === 'rejected');
  for (const outcome of held) {
    yield failed
      ? { ...outcome, status: 'failure', terminalOutput: `${outcome.terminalOutput}❌ could not write the readiness artifact: ${formatError(failed.reason)}\n` }
      : outcome;
  }
}
