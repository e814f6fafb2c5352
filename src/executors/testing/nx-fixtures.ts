import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import type { BatchTaskOutcome } from '../../core/run/batch';

/** The workspace the executor specs run in: two projects, `core` and `web`, at `packages/<name>`. */
export function executorContext(extra: Partial<ExecutorContext> = {}): ExecutorContext {
  return {
    root: '/ws',
    cwd: '/ws',
    isVerbose: false,
    projectsConfigurations: { version: 2, projects: { web: { root: 'packages/web' }, core: { root: 'packages/core' } } },
    ...extra,
  } as unknown as ExecutorContext;
}

/**
 * A batch's task graph: `web:<target>` depends on `core:<target>` and on a task outside the batch
 * (`core:build`). `nx23` gives dependencies as task ids, `nx24` as edge objects `{ id }`.
 */
export function webDependsOnCore(target: string, format: 'nx23' | 'nx24'): TaskGraph {
  const task = (project: string) => ({ id: `${project}:${target}`, target: { project, target }, overrides: {}, outputs: [], parallelism: true });
  const edge = (id: string) => (format === 'nx23' ? id : { id });
  return {
    roots: [`core:${target}`],
    tasks: { [`core:${target}`]: task('core'), [`web:${target}`]: task('web') },
    dependencies: { [`core:${target}`]: [], [`web:${target}`]: [edge(`core:${target}`), edge('core:build')] },
    continuousDependencies: {},
  } as unknown as TaskGraph;
}

/** What a mocked core batch runner yields. */
export async function* outcomes(...items: BatchTaskOutcome[]): AsyncGenerator<BatchTaskOutcome> {
  yield* items;
}

/** Everything a batch executor streams. */
export async function collect<T>(results: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const r of results) all.push(r);
  return all;
}
