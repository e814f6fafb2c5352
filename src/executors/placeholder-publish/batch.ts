import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { publishBatch, type BatchTaskResult } from '../batch-tasks';
import { isDryRun, packageRef } from '../task-inputs';
import type { PlaceholderPublishExecutorSchema } from './schema';

/** Nx batch mode (the default for this executor): the run's placeholder tasks in one process. */
export default async function placeholderPublishBatchExecutor(
  taskGraph: TaskGraph,
  inputs: Record<string, PlaceholderPublishExecutorSchema>,
  _overrides: PlaceholderPublishExecutorSchema,
  context: ExecutorContext,
): Promise<AsyncIterableIterator<BatchTaskResult>> {
  return publishBatch('placeholder', taskGraph, inputs, context, (options) => ({
    ...packageRef(context, options.package),
    output: options.output,
    configureTrust: options.configureTrust,
    dryRun: isDryRun(options.dryRun),
  }));
}
