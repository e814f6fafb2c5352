import { mergePublishEntries } from '../run/artifact-store';
import { type PublishEntry, type PublishResult } from '../run/artifact-schema';

/** A package whose task never ran because a dependency's task failed (from Nx's task results). */
export interface SkippedDependent {
  packageId: string;
  project: string;
  ecosystem: string;
  registry: string;
  name: string;
  version: string;
  /** Package id (or project) of the failed dependency. */
  blockedBy: string;
}

export interface RecordSkippedDependentsInput {
  /** Absolute path of the publish or placeholder result. */
  file: string;
  mode: 'release' | 'placeholder';
  /** Used only when the file does not exist yet (default false). */
  dryRun?: boolean;
  entries: SkippedDependent[];
}

/** Outcomes an earlier run established about the registry: still true, never overwritten. */
const SETTLED = new Set(['published', 'skipped_existing', 'skipped_external']);

/**
 * Records every package skipped because a dependency failed as `blocked` (reason
 * `dependency_failed`, `blockedBy` the dependency), so the artifact lists every package of the run,
 * including those never attempted. An entry the file already has
 * for the same version that is settled (published, found on the registry, external) is kept.
 */
export async function recordSkippedDependents(input: RecordSkippedDependentsInput): Promise<PublishResult | undefined> {
  if (input.entries.length === 0) return undefined;
  const finishedAt = new Date().toISOString();
  return mergePublishEntries(input.file, { mode: input.mode, dryRun: input.dryRun ?? false }, (current) =>
    input.entries
      .map((e): PublishEntry => {
        const version = input.mode === 'placeholder' ? '0.0.0' : e.version;
        return {
          package: e.packageId,
          project: e.project,
          ecosystem: e.ecosystem,
          registry: e.registry,
          name: e.name,
          version,
          status: 'blocked',
          reason: 'dependency_failed',
          blockedBy: e.blockedBy,
          message: `not published: its dependency \`${e.blockedBy}\` failed in this run, so nothing of ${e.name} ${version} was uploaded. Fix: fix \`${e.blockedBy}\` and re-run (packages already published are checked on the registry first)`,
          placeholder: input.mode === 'placeholder',
          trustedPublishing: {
            status: 'disabled',
            repository: null,
            workflow: null,
            environment: null,
            setupUrl: null,
            message: 'not attempted: a dependency failed',
          },
          ...(input.dryRun ? { dryRun: true } : {}),
          finishedAt,
        };
      })
      .filter((e) => !current.some((c) => c.package === e.package && c.registry === e.registry && c.version === e.version && SETTLED.has(c.status))),
  );
}
