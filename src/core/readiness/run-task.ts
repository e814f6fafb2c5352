import path from 'node:path';
import { formatError, isMonochangeError } from '../errors';
import { DEFAULT_READINESS_PATH, type ReadinessEntry } from '../run/artifact-schema';
import { mergeReadinessEntry } from '../run/artifact-store';
import { artifactIdentity } from '../run/identity';
import type { Logger } from '../run/progress';
import { packageLabel, shownName } from '../run/progress';
import { readManifest } from '../manifests';
import { registryAdapter } from '../registries';
import { taskRunContext, withPackageLog, type RunContext } from '../run/run-context';
import { findPackage, resolveTarget } from '../run/target';
import type { TaskOptions } from '../run/task-options';
import { READINESS_CHECKS } from './checks';
import { firstSentence, reasonTitle, SHARED_REASONS } from '../run/refusals';
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
export function readinessInContext(
  ctx: RunContext,
  options: Omit<ReadinessTaskOptions, 'root' | 'env' | 'log' | 'runner' | 'http' | 'fetch'>,
  log: Logger,
  extra: Pick<ReadinessContext, 'packFiles'> & { record?: (file: string, entry: ReadinessEntry) => Promise<unknown> } = {},
): Promise<ReadinessTaskResult> {
  return withPackageLog(log, () => packageReadiness(ctx, options, log, extra));
}

async function packageReadiness(
  ctx: RunContext,
  options: Omit<ReadinessTaskOptions, 'root' | 'env' | 'log' | 'runner' | 'http' | 'fetch'>,
  log: Logger,
  extra: Pick<ReadinessContext, 'packFiles'> & { record?: (file: string, entry: ReadinessEntry) => Promise<unknown> },
): Promise<ReadinessTaskResult> {
  const { record = (file: string, entry: ReadinessEntry) => mergeReadinessEntry(file, artifactIdentity(ctx.resolution), entry), ...checkExtras } = extra;
  try {
    const pkg = findPackage(ctx.config, {
      packageId: options.packageId,
      packageProjectRoot: options.packageProjectRoot,
      projectRoot: options.projectRoot,
      projectName: options.projectName,
    });
    const file = path.resolve(ctx.root, options.output ?? DEFAULT_READINESS_PATH);
    let target;
    try {
      target = resolveTarget(ctx.config, pkg, options.projectName, {
        releaseVersion: options.releaseVersion,
        optionVersion: options.version,
        refName: ctx.env.GITHUB_REF_NAME ?? ctx.env.CI_COMMIT_TAG,
      });
    } catch (error) {
      if (!isMonochangeError(error)) throw error;
      // A manifest or version problem is itself a readiness finding: record it, don't just crash.
      let name = options.projectName;
      try {
        const manifest = readManifest(ctx.config.root, pkg);
        name = registryAdapter(pkg.publish.registry)?.registryName(manifest) ?? manifest.name;
      } catch {
        // unreadable manifest: the project name is all there is
      }
      const entry: ReadinessEntry = {
        package: pkg.id,
        project: options.projectName,
        ecosystem: pkg.type,
        registry: pkg.publish.registry,
        name,
        version: pkg.version ?? 'unknown',
        status: 'blocked',
        message: error.message,
        checks: [{ id: 'package.manifest', status: 'fail', message: error.problem, ...(error.details.fix ? { fix: error.details.fix } : {}) }],
        trustedPublishing: {
          status: 'disabled',
          repository: null,
          workflow: null,
          environment: null,
          setupUrl: null,
          message: 'not evaluated: the package could not be read',
        },
      };
      await record(file, entry);
      printEntry(log, entry);
      return { success: options.failOnBlocked === false, entry, artifact: file };
    }
    const entry = await runReadiness(
      {
        config: ctx.config,
        target,
        identity: ctx.resolution.identity,
        env: ctx.env,
        http: ctx.http,
        runner: ctx.runner,
        gate: ctx.gate,
        state: {},
        ...checkExtras,
      },
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
  const version = entry.version === 'unknown' ? '' : ` ${entry.version}`;
  log(`${head} ${packageLabel(entry.ecosystem as never, shownName(entry.project, entry.name))}${version} → ${entry.registry}: ${entry.status}`);
  const ids = new Set(entry.checks.filter((c) => c.status === 'fail').map((c) => c.id));
  for (const check of entry.checks) {
    if (check.status === 'pass') continue;
    // The same cause seen from the provider's side adds nothing to the trust check's line.
    if (check.id === 'identity.provider' && ids.has('trust.identity-unverifiable')) continue;
    if (check.status === 'fail' && SHARED_REASONS.has(check.id)) {
      // Said once for every package it stops, with its fix, in the run's summary.
      log(`   ${MARK[check.status]} ${check.id}: ${reasonTitle(check.id) ?? firstSentence(check.message)} (reason and fix once, in the run's summary)`);
      continue;
    }
    log(`   ${MARK[check.status]} ${check.id}: ${check.message}`);
    if (check.fix) log(`     fix: ${check.fix}`);
  }
}
