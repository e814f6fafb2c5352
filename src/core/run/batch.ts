import { runTaskPool } from '../util/task-pool';
import type { Logger } from './progress';

/** One task of a batch (Nx batch mode: many tasks of one executor in one process). */
export interface BatchTask<O> {
  /** The task id (`project:target`). */
  id: string;
  projectName: string;
  projectRoot: string;
  options: O;
  /** Ids of batch tasks that must succeed first (publish: dependencies publish first). */
  dependsOn: string[];
}

export interface BatchTaskOutcome {
  id: string;
  status: 'success' | 'failure' | 'skipped';
  /** What the task printed, for Nx to show under the task. */
  terminalOutput: string;
  startTime?: number;
  endTime?: number;
}

export interface BatchRunOptions<O> {
  concurrency: number;
  /** Runs one task with its own logger; never throws (errors are results). */
  run: (task: BatchTask<O>, log: Logger) => Promise<{ success: boolean }>;
}

/**
 * Runs the tasks of a batch in dependency order with bounded concurrency, each with its own
 * captured output, and yields each outcome as it finishes. A task whose dependency failed is
 * `skipped` and says which dependency; it never runs.
 */
export async function* runBatch<O>(tasks: BatchTask<O>[], options: BatchRunOptions<O>): AsyncGenerator<BatchTaskOutcome> {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const output = new Map<string, string[]>();
  const pool = runTaskPool(tasks, {
    concurrency: options.concurrency,
    succeeded: (r: { success: boolean }) => r.success,
    run: async (id) => {
      const lines: string[] = [];
      output.set(id, lines);
      return options.run(byId.get(id)!, (line) => lines.push(line));
    },
  });
  for await (const outcome of pool) {
    if (outcome.status === 'skipped') {
      const failed = byId.get(outcome.failedDependency);
      yield {
        id: outcome.id,
        status: 'skipped',
        terminalOutput: `⏭️  ${byId.get(outcome.id)!.projectName}: not run, its dependency ${failed?.projectName ?? outcome.failedDependency} did not succeed\n`,
      };
      continue;
    }
    const lines = output.get(outcome.id) ?? [];
    output.delete(outcome.id);
    yield {
      id: outcome.id,
      status: outcome.success ? 'success' : 'failure',
      terminalOutput: lines.length ? `${lines.join('\n')}\n` : '',
      startTime: outcome.startTime,
      endTime: outcome.endTime,
    };
  }
}

/** Every task fails with the same message (the run context could not be created: bad config…). */
export function* failAll<O>(tasks: BatchTask<O>[], message: string): Generator<BatchTaskOutcome> {
  for (const task of tasks) yield { id: task.id, status: 'failure', terminalOutput: `❌ ${task.projectName}: ${message}\n` };
}
