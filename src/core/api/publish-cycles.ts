import type { MonochangeConfig } from '../config/types';
import { MonochangeError } from '../errors';
import { findPublishCycles, formatCycle, type OrderEdge } from '../publish/package-edges';

/**
 * Packages that depend on each other at run or build time cannot be published in any order: a run
 * over them is refused before anything is checked or uploaded.
 */
export function refusePublishCycles(config: Pick<MonochangeConfig, 'file'>, ids: readonly string[], edges: readonly OrderEdge[]): void {
  const cycles = findPublishCycles(ids, edges);
  if (!cycles.length) return;
  throw new MonochangeError(
    `publishing refused before any upload: ${cycles.map((c) => `(${formatCycle(c)})`).join(', ')} ${cycles.length === 1 ? 'is a publish dependency cycle' : 'are publish dependency cycles'}: each package needs the other published first`,
    {
      code: 'publish.cycle',
      file: config.file,
      fix: 'remove one of these run/build dependencies, or make it a dev dependency if only tests need it; nothing was published',
    },
  );
}
