import { runTaskPool, type PoolOutcome, type PoolTask } from './task-pool';

async function collect<R>(gen: AsyncGenerator<PoolOutcome<R>>): Promise<PoolOutcome<R>[]> {
  const out: PoolOutcome<R>[] = [];
  for await (const o of gen) out.push(o);
  return out;
}

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('runTaskPool', () => {
  it('starts a task only after every dependency in the graph succeeded', async () => {
    const started: string[] = [];
    const finished = new Set<string>();
    const tasks: PoolTask[] = [
      { id: 'web', dependsOn: ['core', 'types'] },
      { id: 'core', dependsOn: ['types'] },
      { id: 'types', dependsOn: ['outside-the-graph'] },
    ];
    const outcomes = await collect(
      runTaskPool(tasks, {
        concurrency: 4,
        run: async (id) => {
          for (const dep of tasks.find((t) => t.id === id)!.dependsOn) if (dep !== 'outside-the-graph') expect(finished.has(dep)).toBe(true);
          started.push(id);
          await tick();
          finished.add(id);
          return id;
        },
        succeeded: () => true,
      }),
    );
    expect(started).toEqual(['types', 'core', 'web']);
    expect(outcomes.map((o) => o.id)).toEqual(['types', 'core', 'web']);
  });

  it('never runs more than `concurrency` tasks at once', async () => {
    let running = 0;
    let peak = 0;
    const tasks = Array.from({ length: 30 }, (_, i) => ({ id: `p${i}`, dependsOn: [] }));
    const outcomes = await collect(
      runTaskPool(tasks, {
        concurrency: 3,
        run: async () => {
          running++;
          peak = Math.max(peak, running);
          await tick();
          running--;
          return true;
        },
        succeeded: (r) => r,
      }),
    );
    expect(outcomes).toHaveLength(30);
    expect(peak).toBe(3);
  });

  it('skips the dependents of a failed task, transitively, naming the failed dependency, and runs the rest', async () => {
    const ran: string[] = [];
    const outcomes = await collect(
      runTaskPool(
        [
          { id: 'a', dependsOn: [] },
          { id: 'b', dependsOn: ['a'] },
          { id: 'c', dependsOn: ['b'] },
          { id: 'd', dependsOn: [] },
        ],
        { concurrency: 2, run: async (id) => (ran.push(id), id !== 'a'), succeeded: (r) => r },
      ),
    );
    expect(ran.sort()).toEqual(['a', 'd']);
    expect(outcomes.find((o) => o.id === 'b')).toEqual({ id: 'b', status: 'skipped', failedDependency: 'a' });
    expect(outcomes.find((o) => o.id === 'c')).toEqual({ id: 'c', status: 'skipped', failedDependency: 'b' });
    expect(outcomes.find((o) => o.id === 'a')).toMatchObject({ status: 'done', success: false });
  });

  it('refuses a cycle instead of hanging', async () => {
    await expect(
      collect(
        runTaskPool(
          [
            { id: 'a', dependsOn: ['b'] },
            { id: 'b', dependsOn: ['a'] },
          ],
          { concurrency: 2, run: async () => true, succeeded: (r) => r },
        ),
      ),
    ).rejects.toThrow('cycle among: a, b');
  });
});
