import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { batchConcurrency, runPublishBatch } from '../../core/publish/run-batch';
import { batchTasks, toNxResults, type BatchTaskResult } from '../batch-tasks';
import type { PublishExecutorSchema } from './schema';

/**
 * Nx batch mode (the default for this executor): the run's publish tasks in one process,
 * dependencies first, `--parallel` uploads at a time.
 */
export default async function publishBatchExecutor(
  taskGraph: TaskGraph,
  inputs: Record<string, PublishExecutorSchema>,
  _overrides: PublishExecutorSchema,
  context: ExecutorContext,
): Promise<AsyncIterableIterator<BatchTaskResult>> {
  const dryRunEnv = process.env.NX_DRY_RUN === 'true';
  const tasks = batchTasks(taskGraph, inputs, context).map((t) => ({
    ...t,
    options: {
      packageId: t.options.package,
      version: t.options.version,
      releaseVersion: t.options.nxReleaseVersionData?.[t.projectName]?.newVersion,
      output: t.options.output,
      dryRun: dryRunEnv || t.options.dryRun === true,
    },
  }));
  const concurrency = batchConcurrency(process.env, context.nxJsonConfiguration?.parallel);
  return toNxResults(runPublishBatch({ root: context.root, concurrency, mode: 'release' }, tasks));
}
