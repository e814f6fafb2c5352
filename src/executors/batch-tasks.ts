import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import type { BatchTask, BatchTaskOutcome } from '../core/run/batch';
import { batchConcurrency, runPublishBatch, type PublishBatchOptions } from '../core/publish/run-batch';

/** One task's result as a batch executor streams it (Nx's `BatchExecutorTaskResult`, not exported by @nx/devkit). */
export interface BatchTaskResult {
  task: string;
  result: { success: boolean; status: 'success' | 'failure' | 'skipped'; terminalOutput: string; startTime?: number; endTime?: number };
}

/** Nx batch mode's inputs → the core's batch tasks: project, root, options and in-batch dependencies. */
export function batchTasks<O>(taskGraph: TaskGraph, inputs: Record<string, O>, context: ExecutorContext): BatchTask<O>[] {
  return Object.values(taskGraph.tasks).map((task) => {
    const projectName = task.target.project;
    return {
      id: task.id,
      projectName,
      projectRoot: context.projectsConfigurations?.projects[projectName]?.root ?? '',
      options: inputs[task.id],
      dependsOn: taskDependencyIds(taskGraph, task.id).filter((id) => id in taskGraph.tasks),
    };
  });
}

/**
 * A task's dependencies in the batch graph: task ids in Nx 23, edge objects `{ id, … }` in Nx 24.
 * Missing them would publish a package before its dependency.
 */
export function taskDependencyIds(taskGraph: TaskGraph, taskId: string): string[] {
  const deps = (taskGraph.dependencies[taskId] ?? []) as unknown[];
  return deps.map((d) => (typeof d === 'string' ? d : (d as { id?: unknown })?.id)).filter((id): id is string => typeof id === 'string');
}

/** The core's outcomes → Nx's per-task results, streamed as each task finishes. */
export async function* toNxResults(outcomes: AsyncIterable<BatchTaskOutcome>): AsyncGenerator<BatchTaskResult> {
  for await (const o of outcomes) {
    yield {
      task: o.id,
      result: {
        success: o.status === 'success',
        status: o.status,
        terminalOutput: o.terminalOutput,
        ...(o.startTime ? { startTime: o.startTime, endTime: o.endTime } : {}),
      },
    };
  }
}

/** The publish and placeholder batch executors: the run's tasks in one process, `--parallel` at a time. */
export function publishBatch<O>(
  mode: 'release' | 'placeholder',
  taskGraph: TaskGraph,
  inputs: Record<string, O>,
  context: ExecutorContext,
  toOptions: (options: O, projectName: string) => PublishBatchOptions,
): AsyncGenerator<BatchTaskResult> {
  const tasks = batchTasks(taskGraph, inputs, context).map((t) => ({ ...t, options: toOptions(t.options, t.projectName) }));
  const concurrency = batchConcurrency(process.env, context.nxJsonConfiguration?.parallel);
  return toNxResults(runPublishBatch({ root: context.root, concurrency, mode }, tasks));
}
