/**
 * Runs a dependency graph of tasks with bounded concurrency in one process: a task starts once
 * every dependency inside the graph succeeded; a task whose dependency failed (or was skipped) is
 * skipped without running. Outcomes are yielded as tasks finish, so callers can report progress.
 */
export interface PoolTask {
  id: string;
  /** Ids of tasks this one waits for; ids outside the graph are ignored (already done elsewhere). */
  dependsOn: readonly string[];
}

export type PoolOutcome<R> =
  { id: string; status: 'done'; result: R; success: boolean; startTime: number; endTime: number } | { id: string; status: 'skipped'; failedDependency: string };

export interface PoolOptions<R> {
  concurrency: number;
  run: (id: string) => Promise<R>;
  succeeded: (result: R) => boolean;
  now?: () => number;
}

export async function* runTaskPool<R>(tasks: readonly PoolTask[], options: PoolOptions<R>): AsyncGenerator<PoolOutcome<R>> {
  const now = options.now ?? Date.now;
  const concurrency = Math.max(1, Math.floor(options.concurrency));
  const ids = new Set(tasks.map((t) => t.id));
  const deps = new Map(tasks.map((t) => [t.id, t.dependsOn.filter((d) => ids.has(d) && d !== t.id)]));
  const waiting = new Set(tasks.map((t) => t.id));
  const ok = new Set<string>();
  const notOk = new Set<string>();
  const running = new Map<string, Promise<PoolOutcome<R>>>();
  const ready: PoolOutcome<R>[] = [];

  const settle = () => {
    // Skips cascade: a skipped task makes its own dependents skipped in the same pass.
    let changed = true;
    while (changed) {
      changed = false;
      for (const id of waiting) {
        const failed = deps.get(id)!.find((d) => notOk.has(d));
        if (failed === undefined) continue;
        waiting.delete(id);
        notOk.add(id);
        ready.push({ id, status: 'skipped', failedDependency: failed });
        changed = true;
      }
    }
    for (const id of [...waiting]) {
      if (running.size >= concurrency) break;
      if (!deps.get(id)!.every((d) => ok.has(d))) continue;
      waiting.delete(id);
      const startTime = now();
      running.set(
        id,
        options.run(id).then(
          (result) => ({ id, status: 'done' as const, result, success: options.succeeded(result), startTime, endTime: now() }),
          (error: unknown) => {
            throw Object.assign(error instanceof Error ? error : new Error(String(error)), { taskId: id });
          },
        ),
      );
    }
  };

  settle();
  while (ready.length || running.size) {
    while (ready.length) yield ready.shift()!;
    if (!running.size) break;
    const outcome = await Promise.race(running.values());
    running.delete(outcome.id);
    if (outcome.status === 'done' && outcome.success) ok.add(outcome.id);
    else notOk.add(outcome.id);
    ready.push(outcome);
    settle();
  }
  if (waiting.size) throw new Error(`task graph has a cycle among: ${[...waiting].join(', ')}`);
}
