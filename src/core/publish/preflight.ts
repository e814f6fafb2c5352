import { findWorkspaceConfig } from '../config';
import type { PackageConfig } from '../config/types';
import { MonochangeError, formatError } from '../errors';
import type { Env } from '../types';
import { findExistingProject } from './existing-project';
import { clearQuotaPlan, newQuotaRunId, planRunQuotas, QUOTA_PLAN_PATH, QUOTA_RUN_ENV, withPublishPrerequisites, writeQuotaPlan, type RunQuotaPlan } from './quota-plan';
import { createRunContext } from './run-context';
import { matchesProjectPattern, parseNxArgv, type NxRunRequest } from './run-argv';
import { resolveTarget, type PackageTarget } from './target';

/**
 * Before Nx runs any task of a real publish, every package the run publishes (the selection plus
 * the dependencies Nx adds through `dependsOn`) must pass the trust gate
 * (identity, tokens, context, signed claims, provenance). One refusal stops the whole run before
 * the first upload, instead of half way through a release.
 *
 * Then the registry quotas (see quota-plan.ts) over the packages the run publishes (the selection
 * plus the dependencies Nx adds through `dependsOn`): `rate_limits.enforce` refuses the whole run
 * with the batch plan; packages past a daily window (JSR, pub.dev) are written to
 * `.monochange/quota-plan.json` for their tasks to refuse. Every gated run replaces that file and
 * puts its fresh run id in `options.env[MONOCHANGE_QUOTA_RUN_ID]`: the plugin hook passes
 * `process.env`, which Nx hands to the tasks, so a task only ever trusts its own run's plan.
 */
export async function preflightPublishRun(options: {
  root: string;
  argv: string[];
  env: Env;
  publishTargets: string[];
  log?: (line: string) => void;
}): Promise<{ checked: number; quota: RunQuotaPlan; runId: string } | undefined> {
  const request = parseNxArgv(options.argv, options.env);
  if (request.dryRun || !request.targets.some((t) => options.publishTargets.includes(t))) return undefined;
  if (!findWorkspaceConfig(options.root)) return undefined;
  const log = options.log ?? (() => undefined);
  const ctx = await createRunContext({ root: options.root, env: options.env, log: () => undefined, write: () => undefined });
  // An earlier run's plan never outlives the start of this one, whatever happens below.
  clearQuotaPlan(ctx.root);
  const publishable = (pkg: PackageConfig) => pkg.publish.enabled && pkg.publish.mode === 'builtin';
  const selected = ctx.config.packages.filter((pkg) => {
    const names = [pkg.id, projectNameFor(ctx.root, pkg)];
    if (request.projects.length && !names.some((n) => matchesProjectPattern(n, request.projects))) return false;
    return !names.some((n) => matchesProjectPattern(n, request.exclude));
  });
  // Nx also runs the publish tasks of the selection's dependencies (`dependsOn`, even when
  // `--exclude` names them): they are gated like the rest.
  const runs = excludesTaskDependencies(options.argv) ? selected : withPublishPrerequisites(ctx.config, selected);
  const inScope = runs.filter(publishable);
  const resolved = new Map<string, PackageTarget>();
  const resolve = (pkg: PackageConfig) => {
    const target = resolved.get(pkg.id) ?? resolveTarget(ctx.config, pkg, projectNameFor(ctx.root, pkg), { refName: ctx.env.GITHUB_REF_NAME });
    resolved.set(pkg.id, target);
    return target;
  };
  const refusals: string[] = [];
  for (const pkg of inScope) {
    try {
      const target = resolve(pkg);
      if (target.manifest.private) continue;
      const verdict = await ctx.gate.check(target);
      if (!verdict.allowed) refusals.push(`- ${pkg.id}: ${verdict.reason}`);
    } catch (error) {
      refusals.push(`- ${pkg.id}: ${formatError(error)}`);
    }
  }
  if (refusals.length) {
    throw new MonochangeError(
      `publishing refused before any upload: ${refusals.length} of ${inScope.length} package(s) cannot be published from this job:\n${refusals.join('\n')}`,
      { code: 'preflight.refused', fix: 'fix the reasons above (or run `nx run-many -t readiness` for every check), then re-run; nothing was published' },
    );
  }
  log(`monochange: trust preflight passed for ${inScope.length} package(s)`);

  const quotaTargets: PackageTarget[] = [];
  for (const pkg of runs.filter(publishable)) {
    try {
      quotaTargets.push(resolve(pkg));
    } catch {
      // a dependency whose manifest or version cannot be read fails in its own task
    }
  }
  const quota = await planRunQuotas(ctx, quotaTargets, {
    operation: 'publish',
    configFile: ctx.config.file,
    commandFor: batchCommand(options.argv, request, options.publishTargets, quotaTargets.map((t) => t.project)),
  });
  for (const note of quota.notes) log(`monochange: ${note}`);
  if (quota.refusal) throw quota.refusal;
  const runId = newQuotaRunId();
  writeQuotaPlan(ctx.root, runId, quota);
  options.env[QUOTA_RUN_ENV] = runId;
  if (quota.deferred.length) {
    log(`monochange: ${quota.deferred.length} package(s) wait for a later registry window and are not uploaded by this run (${quota.deferred.map((d) => d.packageId).join(', ')}); plan in ${QUOTA_PLAN_PATH}`);
  }
  return { checked: inScope.length, quota, runId };
}

/** `--excludeTaskDependencies` (or `--exclude-task-dependencies`): Nx runs only the selected tasks. */
function excludesTaskDependencies(argv: string[]): boolean {
  return argv.some((a) => {
    const [flag, value] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, 'true'];
    return (flag === '--excludeTaskDependencies' || flag === '--exclude-task-dependencies') && value !== 'false';
  });
}

/**
 * The command that publishes one batch, in the form the user ran: `nx release publish --projects=…`
 * for `nx release publish`, else `nx run-many -t <target>` keeping the run's own `--projects` and
 * adding the later batches to its `--exclude`.
 */
function batchCommand(argv: string[], request: NxRunRequest, publishTargets: string[], runProjects: string[]) {
  const target = request.targets.find((t) => publishTargets.includes(t)) ?? publishTargets[0];
  const args = argv.slice(argv.findIndex((a) => /(^|[/\\])nx(\.js)?$/.test(a)) + 1);
  const release = args[0] === 'release' && args[1] === 'publish';
  return (selection: { projects?: string[]; exclude?: string[] }): string => {
    if (selection.projects) return release ? `nx release publish --projects=${selection.projects.join(',')}` : `nx run-many -t ${target} --projects=${selection.projects.join(',')}`;
    const exclude = selection.exclude ?? [];
    if (release) return `nx release publish --projects=${runProjects.filter((p) => !exclude.includes(p)).join(',')}`;
    const projects = request.projects.length ? ` --projects=${request.projects.join(',')}` : '';
    const excluded = [...request.exclude, ...exclude];
    return `nx run-many -t ${target}${projects}${excluded.length ? ` --exclude=${excluded.join(',')}` : ''}`;
  };
}

/** The Nx project name of a declared package, as the plugin names it: the existing project's name, else the id. */
export function projectNameFor(root: string, pkg: PackageConfig): string {
  return findExistingProject(root, pkg.path)?.name ?? pkg.id;
}
