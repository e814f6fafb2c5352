import path from 'node:path';
import { formatError } from '../errors';
import { registryAdapter } from '../registries';
import { DEFAULT_PLACEHOLDER_RESULT_PATH, DEFAULT_PUBLISH_RESULT_PATH, publishResultSchema, type PublishEntry } from '../run/artifact-schema';
import { artifactPath, mergePublishEntry, readArtifact } from '../run/artifact-store';
import type { TaskOptions } from '../run/task-options';
import { entryBuilder } from './entry';
import { artifactIdentity } from '../run/identity';
import { withInterruptHandling } from '../run/interrupts';
import { nxAgentRefusal } from './nx-agents';
import { publishPlaceholder } from './placeholder-package';
import { progress, shownName, type Logger } from '../run/progress';
import { deferredByQuota } from './quota-plan';
import { publishPackage, type PublishDeps } from './publish-package';
import { paceUpload } from './rate-limits';
import { taskRunContext, withPackageLog, type RunContext } from '../run/run-context';
import { findPackage, resolveTarget, type PackageTarget } from '../run/target';

export interface TaskResult {
  success: boolean;
  entry?: PublishEntry;
  artifact?: string;
  error?: string;
}

export async function runPublishTask(options: TaskOptions): Promise<TaskResult> {
  return runTask(options, 'release');
}

export async function runPlaceholderTask(options: TaskOptions): Promise<TaskResult> {
  return runTask(options, 'placeholder');
}

async function runTask(options: TaskOptions, mode: 'release' | 'placeholder'): Promise<TaskResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const agent = nxAgentRefusal(options.env ?? process.env, `${options.projectName}:${mode === 'release' ? 'publish' : 'placeholder-publish'}`);
  if (agent) {
    log(`❌ ${formatError(agent)}`);
    return { success: false, error: formatError(agent) };
  }
  const ctx = await taskRunContext({ ...options, log });
  return 'error' in ctx ? ctx : publishInContext(ctx, options, mode, log);
}

/** What a task needs besides the run context (shared by the tasks of a batch). */
export type TaskInContextOptions = Omit<TaskOptions, 'root' | 'env' | 'log' | 'runner' | 'http' | 'fetch'>;

/** One package's publish (or placeholder) with a run context shared by every task of the process. */
export function publishInContext(ctx: RunContext, options: TaskInContextOptions, mode: 'release' | 'placeholder', log: Logger): Promise<TaskResult> {
  return withPackageLog(log, () => publishPackageInContext(ctx, options, mode, log));
}

async function publishPackageInContext(ctx: RunContext, options: TaskInContextOptions, mode: 'release' | 'placeholder', log: Logger): Promise<TaskResult> {
  let target: PackageTarget;
  try {
    const pkg = findPackage(ctx.config, {
      packageId: options.packageId,
      packageProjectRoot: options.packageProjectRoot,
      projectRoot: options.projectRoot,
      projectName: options.projectName,
    });
    target = resolveTarget(ctx.config, pkg, options.projectName, {
      releaseVersion: options.releaseVersion,
      optionVersion: options.version ?? (mode === 'placeholder' ? '0.0.0' : undefined),
      refName: ctx.env.GITHUB_REF_NAME ?? ctx.env.CI_COMMIT_TAG,
    });
  } catch (error) {
    const message = formatError(error);
    log(`❌ ${options.projectName}: ${message}`);
    return { success: false, error: message };
  }
  if (!target.pkg.publish.enabled) {
    log(`⏭️  ${options.projectName}: publishing is disabled for \`${target.pkg.id}\` (publish.enabled = false)`);
    return { success: true };
  }
  if (target.manifest.private) {
    log(`⏭️  ${options.projectName}: \`${target.pkg.id}\` is private (${target.manifest.privateReason ?? 'never published'})`);
    return { success: true };
  }
  const file = artifactPath(ctx.root, mode === 'release' ? DEFAULT_PUBLISH_RESULT_PATH : DEFAULT_PLACEHOLDER_RESULT_PATH, options.output, options.dryRun);
  const header = { mode, dryRun: options.dryRun, identity: artifactIdentity(ctx.resolution) } as const;
  // Past a daily registry window (JSR, pub.dev): this run's preflight deferred the package to a later batch.
  if (!options.dryRun) {
    const deferral = deferredByQuota(ctx.root, {
      packageId: target.pkg.id,
      registry: target.pkg.publish.registry,
      version: mode === 'placeholder' ? '0.0.0' : target.version,
      operation: mode === 'placeholder' ? 'placeholder_publish' : 'publish',
      env: ctx.env,
    });
    if (deferral) {
      const entry = entryBuilder(target, ctx.gate, { placeholder: mode === 'placeholder', dryRun: false })('blocked', deferral.message, 'planned', {
        reason: 'rate_limit',
      });
      progress.blocked(log, target.manifest.ecosystem, shownName(target.project, target.name), deferral.message);
      await mergePublishEntry(file, header, entry);
      log(`   result: ${path.relative(ctx.root, file)}`);
      return { success: false, entry, artifact: file };
    }
  }
  const deps: PublishDeps = {
    root: ctx.root,
    source: ctx.config.source,
    env: ctx.env,
    http: ctx.http,
    runner: ctx.runner,
    gate: ctx.gate,
    log,
    blockers: (t) => registryAdapter(t.pkg.publish.registry)?.manifestBlockers?.(t.manifest) ?? [],
    prepared: ctx.preparedUpload,
    // Short registry windows (crates.io: 10 uploads a minute) are paced across concurrent tasks.
    beforeUpload: options.dryRun
      ? undefined
      : async (t) => {
          const policy = registryAdapter(t.pkg.publish.registry)?.rateLimit;
          if (!policy?.limit || !policy.windowSeconds || policy.windowSeconds > 3600) return;
          await paceUpload({
            root: ctx.root,
            registry: t.pkg.publish.registry,
            packageId: t.pkg.id,
            onWait: (seconds) => log(`⏳ ${t.pkg.id}: waiting ${seconds}s for the ${t.adapter?.label ?? t.pkg.publish.registry} rate-limit window…`),
          });
        },
  };
  const interrupted = async () => {
    const entry = entryBuilder(target, ctx.gate, { placeholder: mode === 'placeholder', dryRun: options.dryRun })(
      'failed',
      'interrupted by a signal while publishing; re-run to finish (the registry is checked first, nothing is uploaded twice)',
      'disabled',
      { reason: 'interrupted' },
    );
    await mergePublishEntry(file, header, entry).catch(() => undefined);
    log(`❌ ${target.pkg.id}: interrupted; recorded in ${path.relative(ctx.root, file)}`);
  };
  const entry = await withInterruptHandling(async (signal) => {
    deps.signal = signal;
    if (mode === 'placeholder') {
      const configurePublisher = options.configureTrust ? registryAdapter(target.pkg.publish.registry)?.trust.configurePublisher : undefined;
      return publishPlaceholder(
        target,
        {
          dryRun: options.dryRun,
          configureTrust: configurePublisher
            ? (t) =>
                configurePublisher({
                  manifest: t.manifest,
                  pkg: t.pkg,
                  config: ctx.config,
                  identity: ctx.resolution.identity,
                  runner: ctx.runner,
                  env: ctx.env,
                })
            : undefined,
        },
        deps,
      );
    }
    let previous: PublishEntry[] | undefined;
    try {
      previous = readArtifact(file, publishResultSchema)?.packages;
    } catch {
      previous = undefined;
    }
    return publishPackage(target, { dryRun: options.dryRun, previous }, deps);
  }, interrupted);
  await mergePublishEntry(file, header, entry);
  log(`   result: ${path.relative(ctx.root, file)}`);
  const success = entry.status !== 'failed' && entry.status !== 'blocked';
  return { success, entry, artifact: file };
}
