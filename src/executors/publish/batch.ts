import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { publishBatch, type BatchTaskResult } from '../batch-tasks';
import { isDryRun, packageRef } from '../task-inputs';
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
  return publishBatch('release', taskGraph, inputs, context, (options, projectName) => ({
    ...packageRef(context, options.package),
    version: options.version,
    releaseVersion: options.nxReleaseVersionData?.[projectName]?.newVersion,
    output: options.output,
    dryRun: isDryRun(options.dryRun),
  }));
}
