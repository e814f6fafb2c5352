import path from 'node:path';
import { loadConfig } from '../config';
import { readManifest } from '../manifests';
import { DEFAULT_PUBLISH_RESULT_PATH, publishResultSchema, type PublishEntry } from '../run/artifact-schema';
import { readArtifact } from '../run/artifact-store';
import { publishPrerequisites, publishSequence, readPackageEdges } from '../publish/package-edges';
import { preflightPackages } from '../publish/preflight';
import { withPublishPrerequisites } from '../publish/quota-plan';
import { DEFAULT_PUBLISH_CONCURRENCY, runPublishBatch } from '../publish/run-batch';
import { createRunContext } from '../run/run-context';
import { artifactPath } from '../run/artifact-store';
import type { Env } from '../types';
import { collectOutcomes, type PackageOutcome } from './outcomes';
import { packageTasks } from './package-tasks';
import { refusePublishCycles } from './publish-cycles';
import { selectPackages } from './select-packages';
import { recordSkippedPackages } from './skipped-packages';

export interface PublishPackagesOptions {
  /** Workspace root (the directory of monochange.toml). */
  root: string;
  /** Package ids (`[package.<id>]`) to publish, with the packages they publish after; default: every declared package. */
  packages?: string[];
  /** Check and plan everything, upload nothing; the entries go to `.monochange/publish-result.dry-run.json`. */
  dryRun?: boolean;
  /** Uploads at once (default 3, as Nx's `--parallel`). */
  concurrency?: number;
  /** Environment of the run (CI identity, registry URLs, tokens); default: a copy of `process.env`. Never modified. */
  env?: Env;
  /** Receives the run's lines and each package's output as it finishes; default `console.log`. */
  log?: (line: string) => void;
}

export interface PublishPackagesResult {
  /** Every package of the run succeeded (published, already on the registry, skipped by config, or planned in a dry run). */
  ok: boolean;
  dryRun: boolean;
  /** The run's packages in publish order (dependencies first): the selection and what it publishes after. */
  packages: string[];
  /** This run's entries in the result file, sorted by package. */
  entries: PublishEntry[];
  /** Per package, in finishing order. */
  outcomes: PackageOutcome[];
  /** Absolute path of the publish result the entries are in. */
  artifact: string;
}

/**
 * Publishes declared packages by id, outside Nx, as `nx run-many -t publish --projects=…` does:
 * the selection plus the packages it must publish after, each after its dependencies. First the
 * run-wide trust preflight and quota plan (the one the Nx hook runs): a refused package or an
 * enforced quota throws before the first upload. Then the batch run, `concurrency` uploads at a
 * time; a package whose dependency failed is not attempted and is recorded `blocked`. Unknown ids
 * and dependency cycles are refused before anything runs.
 */
export async function publishPackages(options: PublishPackagesOptions): Promise<PublishPackagesResult> {
  const root = path.resolve(options.root);
  const dryRun = options.dryRun === true;
  const log = options.log ?? ((line: string) => console.log(line));
  // The preflight hands the run's quota plan to the tasks through this environment.
  const env: Env = { ...(options.env ?? process.env) };
  const config = loadConfig(root);
  const runs = withPublishPrerequisites(config, selectPackages(config, options.packages));
  const ids = runs.map((p) => p.id);
  const edges = readPackageEdges(config, readManifest);
  refusePublishCycles(config, ids, edges);

  // The batch verifies the CI identity again for its uploads; this one is the preflight's (its token masked in the job log too).
  const ctx = await createRunContext({ root, env, log: () => undefined });
  await preflightPackages({
    ctx,
    packageIds: ids,
    dryRun,
    log,
    projectName: (pkg) => pkg.id,
    commandFor: (runIds) => (selection) =>
      `publishPackages({ packages: ${JSON.stringify(selection.projects ?? runIds.filter((id) => !selection.exclude?.includes(id)))} })`,
  });

  const after = publishPrerequisites(ids, edges);
  const tasks = packageTasks(
    runs,
    'publish',
    (pkg) => ({ packageId: pkg.id, dryRun }),
    (id) => after.get(id) ?? [],
  );
  const startedAt = new Date().toISOString();
  const outcomes = await collectOutcomes(
    runPublishBatch({ root, env, concurrency: options.concurrency ?? DEFAULT_PUBLISH_CONCURRENCY, mode: 'release' }, tasks),
    tasks,
    log,
  );
  const artifact = artifactPath(root, DEFAULT_PUBLISH_RESULT_PATH, undefined, dryRun);
  await recordSkippedPackages({
    config,
    env,
    file: artifact,
    dryRun,
    ids,
    edges,
    failed: outcomes.filter((o) => o.status === 'failure').map((o) => o.packageId),
    skipped: outcomes.filter((o) => o.status === 'skipped').map((o) => o.packageId),
  });
  const inRun = new Set(ids);
  // The result file keeps every package's latest entry across runs: this run's are those it finished.
  const entries = (readArtifact(artifact, publishResultSchema)?.packages ?? []).filter((e) => inRun.has(e.package) && (e.finishedAt ?? '') >= startedAt);
  return { ok: outcomes.every((o) => o.status === 'success'), dryRun, packages: publishSequence(ids, edges), entries, outcomes, artifact };
}
