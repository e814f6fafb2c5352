import path from 'node:path';
import { formatError, isMonochangeError } from '../errors';
import { DEFAULT_READINESS_PATH, mergeReadinessEntry, type ReadinessEntry } from '../publish/artifacts';
import { artifactIdentity } from '../publish/identity';
import type { Logger } from '../publish/progress';
import { packageLabel } from '../publish/progress';
import { taskRunContext, type RunContext } from '../publish/run-context';
import { findPackage, resolveTarget } from '../publish/target';
import type { TaskOptions } from '../publish/run-task';
import { READINESS_CHECKS } from './checks';
import { runReadiness } from './run-readiness';
import type { ReadinessContext } from './types';

export interface ReadinessTaskOptions extends Omit<TaskOptions, 'dryRun' | 'configureTrust'> {
  /** Exit non-zero when the package is blocked (default true). */
  failOnBlocked?: boolean;
}

export interface ReadinessTaskResult {
  success: boolean;
  entry?: ReadinessEntry;
  artifact?: string;
  error?: string;
}

export async function runReadinessTask(options: ReadinessTaskOptions): Promise<ReadinessTaskResult> {
  const log: Logger = options.log ?? ((line: string) => console.log(line));
  const ctx = await taskRunContext({ ...options, readOnly: true, log });
  return 'error' in ctx ? ctx : readinessInContext(ctx, options, log);
}

/** One package's readiness with a run context shared by every task of the process (batch mode). */
export async function readinessInContext(
  ctx: RunContext,
  options: Omit<ReadinessTaskOptions, 'root' | 'env' | 'log' | 'runner' | 'http' | 'fetch'>,
  log: Logger,
  extra: Pick<ReadinessContext, 'packFiles'> & { record?: (file: string, entry: ReadinessEntry) => Promise<unknown> } = {},
): Promise<ReadinessTaskResult> {
  const { record = (file: string, entry: ReadinessEntry) => mergeReadinessEntry(file, artifactIdentity(ctx.resolution), entry), ...checkExtras } = extra;
  try {
    const pkg = findPackage(ctx.config, { packageId: options.packageId, projectRoot: options.projectRoot, projectName: options.projectName });
    const file = path.resolve(ctx.root, options.output ?? DEFAULT_READINESS_PATH);
    let target;
    try {
      target = resolveTarget(ctx.config, pkg, options.projectName, { releaseVersion: options.releaseVersion, optionVersion: options.version, refName: ctx.env.GITHUB_REF_NAME ?? ctx.env.CI_COMMIT_TAG });
    } catch (error) {
      if (!isMonochangeError(error)) throw error;
      // A manifest or version problem is itself a readiness finding: record it, don't just crash.
      const entry: ReadinessEntry = {
        package: pkg.id,
        project: options.projectName,
        ecosystem: pkg.type,
        registry: pkg.publish.registry,
        name: pkg.id,
        version: pkg.version ?? 'unknown',
        status: 'blocked',
        message: error.message,
        checks: [{ id: 'package.manifest', status: 'fail', message: error.problem, ...(error.details.fix ? { fix: error.details.fix } : {}) }],
        trustedPublishing: { status: 'disabled', repository: null, workflow: null, environment: null, setupUrl: null, message: 'not evaluated: the package could not be read' },
      };
      await record(file, entry);
      printEntry(log, entry);
      return { success: options.failOnBlocked === false, entry, artifact: file };
    }
    const entry = await runReadiness(
      { config: ctx.config, target, identity: ctx.resolution.identity, env: ctx.env, http: ctx.http, runner: ctx.runner, gate: ctx.gate, state: {}, ...checkExtras },
      READINESS_CHECKS,
    );
    await record(file, entry);
    printEntry(log, entry);
    log(`   readiness: ${path.relative(ctx.root, file)}`);
    return { success: entry.status !== 'blocked' || options.failOnBlocked === false, entry, artifact: file };
  } catch (error) {
    const message = formatError(error);
    log(`❌ ${options.projectName}: ${message}`);
    return { success: false, error: message };
  }
}

const MARK = { pass: '✔', warn: '⚠', fail: '✖' } as const;

function printEntry(log: Logger, entry: ReadinessEntry): void {
  const head = { ready: '✅', already_published: '⏭️ ', unsupported: '➖', blocked: '⛔' }[entry.status];
  log(`${head} ${packageLabel(entry.ecosystem as never, entry.name)} ${entry.version} → ${entry.registry}: ${entry.status}`);
  for (const check of entry.checks) {
    if (check.status === 'pass') continue;
    log(`   ${MARK[check.status]} ${check.id}: ${check.message}`);
    if (check.fix) log(`     fix: ${check.fix}`);
  }
}
