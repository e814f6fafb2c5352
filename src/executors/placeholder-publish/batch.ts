import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { batchConcurrency, runPublishBatch } from '../../core/publish/run-batch';
import { batchTasks, toNxResults, type BatchTaskResult } from '../batch-tasks';
import type { PlaceholderPublishExecutorSchema } from './schema';

/** Nx batch mode (the default for this executor): the run's placeholder tasks in one process. */
export default async function placeholderPublishBatchExecutor(
  taskGraph: TaskGraph,
  inputs: Record<string, PlaceholderPublishExecutorSchema>,
  _overrides: PlaceholderPublishExecutorSchema,
  context: ExecutorContext,
): Promise<AsyncIterableIterator<BatchTaskResult>> {
  const dryRunEnv = process.env.NX_DRY_RUN === 'true';
  const tasks = batchTasks(taskGraph, inputs, context).map((t) => ({
    ...t,
    options: { packageId: t.options.package, output: t.options.output, configureTrust: t.options.configureTrust, dryRun: dryRunEnv || t.options.dryRun === true },
  }));
  const concurrency = batchConcurrency(process.env, context.nxJsonConfiguration?.parallel);
  return toNxResults(runPublishBatch({ root: context.root, concurrency, mode: 'placeholder' }, tasks));
}
