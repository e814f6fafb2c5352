import type { MonochangeConfig } from '../config/types';
import type { Env } from '../types';
import { failedPrerequisites, type OrderEdge } from '../publish/package-edges';
import { recordSkippedDependents, type SkippedDependent } from '../publish/skipped-dependents';
import { resolveTarget } from '../run/target';

/**
 * Records the packages a run skipped because a package they wait for failed, `blocked` with the
 * failed prerequisite named (as the Nx run report does after `nx run-many`), so the result file
 * lists every package of the run.
 */
export async function recordSkippedPackages(input: {
  config: MonochangeConfig;
  env: Env;
  file: string;
  dryRun: boolean;
  ids: readonly string[];
  edges: readonly OrderEdge[];
  failed: readonly string[];
  skipped: readonly string[];
}): Promise<void> {
  if (!input.skipped.length) return;
  const blockers = failedPrerequisites(input.ids, input.edges, input.failed);
  const entries = input.config.packages
    .filter((pkg) => input.skipped.includes(pkg.id))
    .map((pkg): SkippedDependent => {
      let described = { name: pkg.id, version: 'unknown', ecosystem: pkg.type as string };
      try {
        const target = resolveTarget(input.config, pkg, pkg.id, { refName: input.env.GITHUB_REF_NAME });
        described = { name: target.name, version: target.version, ecosystem: target.manifest.ecosystem };
      } catch {
        // Unreadable: the config's id and type are all there is.
      }
      const blockedBy = blockers(pkg.id);
      return {
        packageId: pkg.id,
        project: pkg.id,
        registry: pkg.publish.registry,
        ...described,
        blockedBy: (blockedBy.length ? blockedBy : input.failed).join(', ') || 'a failed dependency',
      };
    });
  await recordSkippedDependents({ file: input.file, mode: 'release', dryRun: input.dryRun, entries });
}
