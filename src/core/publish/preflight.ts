import fs from 'node:fs';
import path from 'node:path';
import { findWorkspaceConfig } from '../config';
import type { PackageConfig } from '../config/types';
import { formatError, isMonochangeError } from '../errors';
import type { Env } from '../types';
import { findExistingProject } from './existing-project';
import {
  clearQuotaPlan,
  newQuotaRunId,
  planRunQuotas,
  QUOTA_PLAN_PATH,
  QUOTA_RUN_ENV,
  withPublishPrerequisites,
  writeQuotaPlan,
  type RunQuotaPlan,
} from './quota-plan';
import { DEFAULT_PUBLISH_RESULT_PATH, mergePublishEntries, type PublishEntry } from './artifacts';
import { entryBuilder } from './entry';
import { artifactIdentity } from './identity';
import { distributionRefusal } from './nx-agents';
import { refusalError, type Refusal } from './refusals';
import { createRunContext, type RunContext } from './run-context';
import { artifactPath } from './run-task';
import { matchesProjectPattern, parseNxArgv, type NxRunRequest } from './run-argv';
import { resolveTarget, type PackageTarget } from './target';

/**
 * Before Nx runs any task of a publish (a dry run too: it answers as the real run would), every
 * package the run publishes (the selection plus the dependencies Nx adds through `dependsOn`, and
 * for `nx release publish` only the projects Nx releases) must pass the trust gate
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
  /** The run's projects when the argv does not name them (`nx affected`). */
  projects?: string[];
  log?: (line: string) => void;
}): Promise<{ checked: number; quota: RunQuotaPlan; runId: string } | undefined> {
  const request = parseNxArgv(options.argv, options.env);
  if (!request.targets.some((t) => options.publishTargets.includes(t))) return undefined;
  if (!findWorkspaceConfig(options.root)) return undefined;
  const { dryRun } = request;
  const distributed = dryRun ? undefined : distributionRefusal(options.env);
  if (distributed) throw distributed;
  // `nx affected`: the plugin hook hands over the projects Nx computed as affected.
  if (options.projects) {
    if (!options.projects.length) return undefined;
    request.projects.push(...options.projects);
  }
  const log = options.log ?? (() => undefined);
  const ctx = await createRunContext({ root: options.root, env: options.env, log: () => undefined, write: () => undefined });
  const release = isReleasePublish(options.argv);
  const releaseScope = release ? releaseProjects(ctx.root) : undefined;
  const selected = ctx.config.packages.filter((pkg) => {
    const names = [pkg.id, projectNameFor(ctx.root, pkg)];
    if (request.projects.length && !names.some((n) => matchesProjectPattern(n, request.projects))) return false;
    if (releaseScope && !releaseScope(pkg, names)) return false;
    return !names.some((n) => matchesProjectPattern(n, request.exclude));
  });
  if (release && !releaseScope?.configured) {
    const left = ctx.config.packages.filter((p) => publishable(p) && !hasPublicPackageJson(ctx.root, p)).map((p) => projectNameFor(ctx.root, p));
    if (left.length)
      log(
        `monochange: \`nx release publish\` reaches only the projects nx.json \`release.projects\` lists (default: those with a public package.json); not in this run: ${left.join(', ')}. List them in \`release.projects\` to publish them with it, or run \`nx run-many -t publish\``,
      );
  }
  // Nx also runs the publish tasks of the selection's dependencies (`dependsOn`, even when
  // `--exclude` names them): they are gated like the rest.
  const runs = excludesTaskDependencies(options.argv) ? selected : withPublishPrerequisites(ctx.config, selected);
  const result = await preflightPackages({
    ctx,
    packageIds: runs.map((pkg) => pkg.id),
    dryRun,
    log,
    projectName: (pkg) => projectNameFor(ctx.root, pkg),
    commandFor: (runProjects) => batchCommand(options.argv, request, options.publishTargets, runProjects),
  });
  return result.runId === undefined ? undefined : { ...result, runId: result.runId };
}

const publishable = (pkg: PackageConfig) => pkg.publish.enabled && pkg.publish.mode === 'builtin';

/**
 * The trust preflight and quota plan over the declared packages `packageIds` (all the run
 * publishes: the selection and the packages it publishes after), by id: the one implementation
 * behind the Nx hook (`preflightPublishRun`) and scripts (`publishPackages`). Every package must
 * pass the trust gate; refusals are recorded `blocked` in the run's result file and thrown, before
 * any upload. Then the quotas: `quota.refusal` is thrown; a real (not dry) run replaces
 * `.monochange/quota-plan.json` and puts its run id in `ctx.env[MONOCHANGE_QUOTA_RUN_ID]`, which the
 * run's publish tasks must carry. `commandFor` words the quota fixes (given the run's projects).
 */
export async function preflightPackages(options: {
  ctx: RunContext;
  packageIds: readonly string[];
  dryRun: boolean;
  projectName: (pkg: PackageConfig) => string;
  commandFor: (runProjects: string[]) => (selection: { projects?: string[]; exclude?: string[] }) => string;
  log?: (line: string) => void;
}): Promise<{ checked: number; quota: RunQuotaPlan; runId: string | undefined }> {
  const { ctx, dryRun } = options;
  const log = options.log ?? (() => undefined);
  // An earlier run's plan never outlives the start of this one, whatever happens below. A dry
  // run answers as the real run would but changes nothing, this file included.
  if (!dryRun) clearQuotaPlan(ctx.root);
  const ids = new Set(options.packageIds);
  const runs = ctx.config.packages.filter((pkg) => ids.has(pkg.id));
  const inScope = runs.filter(publishable);
  const resolved = new Map<string, PackageTarget>();
  const resolve = (pkg: PackageConfig) => {
    const target = resolved.get(pkg.id) ?? resolveTarget(ctx.config, pkg, options.projectName(pkg), { refName: ctx.env.GITHUB_REF_NAME });
    resolved.set(pkg.id, target);
    return target;
  };
  const refusals: Array<Refusal & { target?: PackageTarget }> = [];
  for (const pkg of inScope) {
    const project = options.projectName(pkg);
    try {
      const target = resolve(pkg);
      if (target.manifest.private) continue;
      const verdict = await ctx.gate.check(target);
      if (!verdict.allowed) refusals.push({ project, id: pkg.id, registry: pkg.publish.registry, code: verdict.code, reason: verdict.reason, target });
    } catch (error) {
      const known = isMonochangeError(error);
      refusals.push({
        project,
        id: pkg.id,
        registry: pkg.publish.registry,
        code: (known && error.details.code) || 'package.manifest',
        reason: known ? error.problem : formatError(error),
        ...(known && error.details.fix ? { fix: error.details.fix } : {}),
      });
    }
  }
  if (refusals.length) {
    const file = artifactPath(ctx.root, DEFAULT_PUBLISH_RESULT_PATH, undefined, dryRun);
    const written = await recordRefusals(ctx, file, dryRun, refusals).then(
      () => path.relative(ctx.root, file),
      () => undefined,
    );
    throw refusalError(refusals, inScope.length, dryRun, written);
  }
  log(`monochange: trust preflight passed for ${inScope.length} package(s)${dryRun ? ' (dry run)' : ''}`);

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
    commandFor: options.commandFor(quotaTargets.map((t) => t.project)),
  });
  for (const note of quota.notes) log(`monochange: ${note}`);
  if (quota.refusal) throw quota.refusal;
  if (dryRun) return { checked: inScope.length, quota, runId: undefined };
  const runId = newQuotaRunId();
  writeQuotaPlan(ctx.root, runId, quota);
  ctx.env[QUOTA_RUN_ENV] = runId;
  if (quota.deferred.length) {
    log(
      `monochange: ${quota.deferred.length} package(s) wait for a later registry window and are not uploaded by this run (${quota.deferred.map((d) => d.packageId).join(', ')}); plan in ${QUOTA_PLAN_PATH}`,
    );
  }
  return { checked: inScope.length, quota, runId };
}

/** A refused run's packages in the run's result file, `blocked` with their reason (the run ends before any task writes). */
async function recordRefusals(ctx: RunContext, file: string, dryRun: boolean, refusals: ReadonlyArray<Refusal & { target?: PackageTarget }>): Promise<void> {
  const entries: PublishEntry[] = refusals.map((r) => {
    if (r.target) return entryBuilder(r.target, ctx.gate, { placeholder: false, dryRun })('blocked', r.reason, 'planned', { reason: r.code });
    const pkg = ctx.config.packages.find((p) => p.id === r.id)!;
    return {
      package: r.id,
      project: r.project,
      ecosystem: pkg.type,
      registry: r.registry,
      name: r.project,
      version: pkg.version ?? 'unknown',
      status: 'blocked',
      message: r.reason,
      placeholder: false,
      reason: r.code,
      ...(dryRun ? { dryRun: true } : {}),
      trustedPublishing: {
        status: 'disabled',
        repository: null,
        workflow: null,
        environment: null,
        setupUrl: null,
        message: 'not evaluated: the package could not be read',
      },
      finishedAt: new Date().toISOString(),
    };
  });
  await mergePublishEntries(file, { mode: 'release', dryRun, identity: artifactIdentity(ctx.resolution) }, () => entries);
}

function hasPublicPackageJson(root: string, pkg: PackageConfig): boolean {
  try {
    return (JSON.parse(fs.readFileSync(path.join(root, pkg.path, 'package.json'), 'utf8')) as { private?: unknown }).private !== true;
  } catch {
    return false;
  }
}

function isReleasePublish(argv: string[]): boolean {
  const args = argv.slice(argv.findIndex((a) => /(^|[/\\])nx(\.js)?$/.test(a)) + 1);
  return args[0] === 'release' && args[1] === 'publish';
}

/**
 * The declared packages `nx release publish` reaches: those nx.json `release.projects` (or its
 * groups) list; without that list, Nx releases the library projects with a package.json that is
 * not `"private": true`. Patterns other than names and `*` globs (tags, directories): every package.
 */
function releaseProjects(root: string): ((pkg: PackageConfig, names: string[]) => boolean) & { configured: boolean } {
  let release: { projects?: unknown; groups?: Record<string, { projects?: unknown }> } | undefined;
  try {
    release = (JSON.parse(fs.readFileSync(path.join(root, 'nx.json'), 'utf8')) as { release?: typeof release }).release;
  } catch {
    release = undefined;
  }
  const list = (v: unknown): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const patterns = [...list(release?.projects), ...Object.values(release?.groups ?? {}).flatMap((g) => list(g?.projects))];
  if (!patterns.length) return Object.assign((pkg: PackageConfig) => hasPublicPackageJson(root, pkg), { configured: false });
  const include = patterns.filter((p) => !p.startsWith('!'));
  const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  if ([...include, ...exclude].some((p) => /[:/{}[\]?]/.test(p))) return Object.assign(() => true, { configured: true });
  return Object.assign(
    (_pkg: PackageConfig, names: string[]) => names.some((n) => matchesProjectPattern(n, include)) && !names.some((n) => matchesProjectPattern(n, exclude)),
    { configured: true },
  );
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
    if (selection.projects)
      return release ? `nx release publish --projects=${selection.projects.join(',')}` : `nx run-many -t ${target} --projects=${selection.projects.join(',')}`;
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
