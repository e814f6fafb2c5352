import { findPublishCycle, findPublishCycles, formatCycle, ordersPublishing, publishPrerequisites, type OrderEdge } from './publish-order';

const e = (from: string, to: string, kind: OrderEdge['kind'] = 'normal'): OrderEdge => ({ from, to, kind });

describe('publishPrerequisites', () => {
  it('lists the run/build dependencies of each package, sorted, without dev ones or self-edges', () => {
    const ids = ['app', 'core', 'macros', 'testkit'];
    const edges = [
      e('app', 'macros', 'build'),
      e('app', 'core'),
      e('app', 'testkit', 'dev'),
      e('core', 'core'),
      e('testkit', 'app', 'peer'),
      e('app', 'core', 'optional'),
      e('app', 'not-declared'),
    ];
    expect(Object.fromEntries(publishPrerequisites(ids, edges))).toEqual({
      app: ['core', 'macros'],
      core: [],
      macros: [],
      testkit: ['app'],
    });
  });

  it('treats only dev dependencies as not ordering publishing', () => {
    expect(['normal', 'build', 'optional', 'peer'].every((k) => ordersPublishing(k as OrderEdge['kind']))).toBe(true);
    expect(ordersPublishing('dev')).toBe(false);
  });
});

describe('findPublishCycle', () => {
  it('finds nothing in a DAG', () => {
    const ids = ['a', 'b', 'c', 'd'];
    expect(findPublishCycle(ids, [e('a', 'b'), e('a', 'c'), e('b', 'd'), e('c', 'd', 'build')])).toBeNull();
  });

  it('ignores a cycle that goes through a dev-only dependency', () => {
    expect(findPublishCycle(['a', 'b'], [e('a', 'b'), e('b', 'a', 'dev')])).toBeNull();
  });

  it('finds a run-time cycle with its path', () => {
    const cycle = findPublishCycle(['a', 'b', 'c'], [e('a', 'b'), e('b', 'a'), e('c', 'a')]);
    expect(cycle).toEqual(['a', 'b', 'a']);
    expect(formatCycle(cycle!)).toBe('a -> b -> a');
  });

  it('reports a longer build cycle from its smallest id, following the edges', () => {
    const edges = [e('zeta', 'alpha', 'build'), e('alpha', 'mid'), e('mid', 'zeta'), e('mid', 'leaf')];
    expect(findPublishCycle(['alpha', 'leaf', 'mid', 'zeta'], edges)).toEqual(['alpha', 'mid', 'zeta', 'alpha']);
  });

  it('reports one shortest cycle per group of mutually dependent packages', () => {
    const edges = [e('a', 'b'), e('b', 'c'), e('c', 'a'), e('b', 'a'), e('x', 'y', 'peer'), e('y', 'x', 'optional')];
    expect(findPublishCycles(['a', 'b', 'c', 'x', 'y'], edges)).toEqual([
      ['a', 'b', 'a'],
      ['x', 'y', 'x'],
    ]);
  });

  it('handles long dependency chains without recursion limits', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => `p${String(i).padStart(5, '0')}`);
    const chain = ids.slice(1).map((id, i) => e(id, ids[i]));
    expect(findPublishCycle(ids, chain)).toBeNull();
    expect(findPublishCycle(ids, [...chain, e(ids[0], ids[ids.length - 1])])).toHaveLength(ids.length + 1);
  });
});
