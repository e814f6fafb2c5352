import type { DependencyKind } from '../manifests/types';

/** Publish ordering between declared packages. Pure: no file system, no Nx. */

export interface OrderEdge {
  /** The dependent (publishes later). */
  from: string;
  /** The dependency (publishes first). */
  to: string;
  kind: DependencyKind;
}

/** Only what a package needs at run or build time orders publishing; dev-only dependencies never do. */
export function ordersPublishing(kind: DependencyKind): boolean {
  return kind !== 'dev';
}

/** For each package, the sorted packages it must publish after (self-edges dropped). */
export function publishPrerequisites(ids: readonly string[], edges: readonly OrderEdge[]): Map<string, string[]> {
  const sets = new Map<string, Set<string>>(ids.map((id) => [id, new Set<string>()]));
  for (const e of edges) {
    if (!ordersPublishing(e.kind) || e.from === e.to) continue;
    if (!sets.has(e.from) || !sets.has(e.to)) continue;
    sets.get(e.from)!.add(e.to);
  }
  return new Map([...sets].map(([id, set]) => [id, [...set].sort()]));
}

/**
 * One cycle per group of packages that depend on each other at run or build time, each as a path
 * that starts and ends on its smallest id (`['a', 'b', 'a']`). Empty when publishing can be ordered.
 */
export function findPublishCycles(ids: readonly string[], edges: readonly OrderEdge[]): string[][] {
  const next = publishPrerequisites(ids, edges);
  const cycles: string[][] = [];
  for (const component of stronglyConnected([...next.keys()].sort(), next)) {
    if (component.length < 2) continue;
    const members = new Set(component);
    const start = [...component].sort()[0];
    cycles.push(pathBack(start, next, members));
  }
  return cycles.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** The first cycle (by smallest id), or null. */
export function findPublishCycle(ids: readonly string[], edges: readonly OrderEdge[]): string[] | null {
  return findPublishCycles(ids, edges)[0] ?? null;
}

export function formatCycle(path: readonly string[]): string {
  return path.join(' -> ');
}

/** Shortest path start → … → start inside one strongly connected component (BFS, sorted neighbours). */
function pathBack(start: string, next: Map<string, string[]>, members: Set<string>): string[] {
  const parent = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i];
    for (const to of next.get(node) ?? []) {
      if (!members.has(to)) continue;
      if (to === start) {
        const back: string[] = [];
        for (let n: string | undefined = node; n !== undefined && n !== start; n = parent.get(n)) back.push(n);
        return [start, ...back.reverse(), start];
      }
      if (!parent.has(to)) {
        parent.set(to, node);
        queue.push(to);
      }
    }
  }
  return [start, start]; // unreachable for a component of size ≥ 2
}

/** Tarjan's algorithm, iterative so deep chains cannot overflow the stack. */
function stronglyConnected(ids: string[], next: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let counter = 0;
  for (const root of ids) {
    if (index.has(root)) continue;
    const work: { node: string; i: number }[] = [{ node: root, i: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const neighbours = next.get(frame.node) ?? [];
      if (frame.i < neighbours.length) {
        const to = neighbours[frame.i++];
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, i: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(to)!));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let n: string;
        do {
          n = stack.pop()!;
          onStack.delete(n);
          component.push(n);
        } while (n !== frame.node);
        out.push(component);
      }
    }
  }
  return out;
}
