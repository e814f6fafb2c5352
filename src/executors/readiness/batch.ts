import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { runReadinessBatch } from '../../core/readiness/run-batch';
import { batchTasks, toNxResults, type BatchTaskResult } from '../batch-tasks';
import { packageRef } from '../task-inputs';
import type { ReadinessExecutorSchema } from './schema';

/** Nx batch mode (the default for this executor): every readiness task of the run in one process. */
export default async function readinessBatchExecutor(
  taskGraph: TaskGraph,
  inputs: Record<string, ReadinessExecutorSchema>,
  _overrides: ReadinessExecutorSchema,
  context: ExecutorContext,
): Promise<AsyncIterableIterator<BatchTaskResult>> {
  const tasks = batchTasks(taskGraph, inputs, context).map((t) => ({
    ...t,
    options: { ...packageRef(context, t.options.package), version: t.options.version, output: t.options.output, failOnBlocked: t.options.failOnBlocked },
  }));
  return toNxResults(runReadinessBatch({ root: context.root }, tasks));
}
