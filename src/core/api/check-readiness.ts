import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../config';
import { DEFAULT_READINESS_PATH, readinessSchema, type ReadinessEntry } from '../run/artifact-schema';
import { mergeReadinessEntries, readArtifact } from '../run/artifact-store';
import { runReadinessBatch } from '../readiness/run-batch';
import type { Env } from '../types';
import { collectOutcomes, type PackageOutcome } from './outcomes';
import { packageTasks } from './package-tasks';
import { selectPackages } from './select-packages';

export interface CheckReadinessOptions {
  /** Workspace root (the directory of monochange.toml). */
  root: string;
  /** Package ids (`[package.<id>]`) to check; default: every declared package. */
  packages?: string[];
  /** Environment of the checks (CI identity, registry URLs, tokens); default: `process.env`. */
  env?: Env;
  /** Artifact path, relative to the root; default `.monochange/readiness.json`. */
  output?: string;
  /** A blocked package fails the run (`ok: false`); default true, as the `readiness` target. */
  failOnBlocked?: boolean;
  /** Receives each package's output, line by line, as it finishes; default `console.log`. */
  log?: (line: string) => void;
}

export interface CheckReadinessResult {
  /** Every package passed (ready, already published, or blocked with `failOnBlocked: false`). */
  ok: boolean;
  /** `blocked` when any entry of this run is blocked. */
  status: 'ready' | 'blocked';
  /** This run's entries, one per checked package, sorted as in the artifact. */
  entries: ReadinessEntry[];
  outcomes: PackageOutcome[];
  /** Absolute path of the readiness artifact the entries were merged into. */
  artifact: string;
}

/**
 * Readiness of declared packages by id, outside Nx: the `readiness` target's batch run (shared CI
 * identity, HTTP pool and tools), its entries merged into `.monochange/readiness.json` as the
 * target writes them. Returns this run's entries only: the batch writes them to a file of its own
 * first, so an entry an earlier run left for a package whose check failed is never taken for this
 * run's.
 */
export async function checkReadiness(options: CheckReadinessOptions): Promise<CheckReadinessResult> {
  const root = path.resolve(options.root);
  const packages = selectPackages(loadConfig(root), options.packages);
  const artifact = path.resolve(root, options.output ?? DEFAULT_READINESS_PATH);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'monochange-readiness-'));
  const runFile = path.join(scratch, 'readiness.json');
  try {
    const tasks = packageTasks(packages, 'readiness', (pkg) => ({ packageId: pkg.id, output: runFile, failOnBlocked: options.failOnBlocked }));
    // The packages' output names the artifact the user gets, not the run's own file.
    const [shown, real] = [path.relative(root, runFile), path.relative(root, artifact)];
    const outcomes = await collectOutcomes(
      runReadinessBatch({ root, env: options.env }, tasks),
      tasks,
      options.log ?? ((line) => console.log(line)),
      (output) => output.split(shown).join(real),
    );
    const run = readArtifact(runFile, readinessSchema);
    const entries = run?.packages ?? [];
    if (entries.length) await mergeReadinessEntries(artifact, run?.identity, entries);
    return {
      ok: outcomes.every((o) => o.status === 'success'),
      status: entries.some((e) => e.status === 'blocked') ? 'blocked' : 'ready',
      entries,
      outcomes,
      artifact,
    };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
