import type { BatchTask, BatchTaskOutcome } from '../run/batch';

/** What happened to one package of a script's run, with what it printed. */
export interface PackageOutcome {
  packageId: string;
  /** `skipped`: not run, because a package it waits for did not succeed. */
  status: 'success' | 'failure' | 'skipped';
  /** The package's own output block (also handed to `log` as it finishes). */
  output: string;
}

/**
 * Drains a batch run into per-package outcomes in finishing order, handing each package's output
 * block to `log` line by line as it finishes (as Nx prints a task's output under the task).
 */
export async function collectOutcomes<O>(
  run: AsyncIterable<BatchTaskOutcome>,
  tasks: readonly BatchTask<O>[],
  log: (line: string) => void,
  rewrite: (output: string) => string = (output) => output,
): Promise<PackageOutcome[]> {
  const packageOf = new Map(tasks.map((t) => [t.id, t.projectName]));
  const outcomes: PackageOutcome[] = [];
  for await (const o of run) {
    const output = rewrite(o.terminalOutput);
    if (output) for (const line of output.replace(/\n$/, '').split('\n')) log(line);
    outcomes.push({ packageId: packageOf.get(o.id) ?? o.id, status: o.status, output });
  }
  return outcomes;
}
