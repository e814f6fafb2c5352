import fs from 'node:fs';
import path from 'node:path';
import { findWorkspaceConfig } from '../core/config';
import type { PackageConfig } from '../core/config/types';
import { publishable } from '../core/config/resolve-publish';
import { preflightPackages } from '../core/publish/preflight';
import { distributionRefusal } from '../core/publish/nx-agents';
import { withPublishPrerequisites, type RunQuotaPlan } from '../core/publish/quota-plan';
import { createRunContext } from '../core/run/run-context';
import type { Env } from '../core/types';
import { parseNxArgv, type NxRunRequest } from './nx-argv';
import { matchingProjects, nxProjects, projectNamer, selectedProjects, type NxProjects } from './nx-projects';

/**
 * Before Nx runs any task of a publish (a dry run too: it answers as the real run would), every
 * package the run publishes (the selection plus the dependencies Nx adds through `dependsOn`, and
 * for `nx release publish` only the projects Nx releases) must pass the trust gate
 * (identity, tokens, context, signed claims, provenance). One refusal stops the whole run before
 * the first upload, instead of half way through a release.
 *
 * Then the registry quotas (see core/publish/quota-plan.ts) over the packages the run publishes:
 * `rate_limits.enforce` refuses the whole run with the batch plan; packages past a daily window
 * (JSR, pub.dev) are written to `.monochange/quota-plan.json` for their tasks to refuse. Every gated
 * run replaces that file and puts its fresh run id in `options.env[MONOCHANGE_QUOTA_RUN_ID]`: the
 * hook passes `process.env`, which Nx hands to the tasks, so a task only ever trusts its own run's plan.
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
  if (options.projects && !options.projects.length) return undefined;
  const log = options.log ?? (() => undefined);
  const ctx = await createRunContext({ root: options.root, env: options.env, log: () => undefined, write: () => undefined });
  const projects = nxProjects(ctx.config);
  const projectName = projectNamer(projects, ctx.config);
  const inRun = options.projects ? new Set(options.projects) : selectedProjects(request, projects);
  const release = request.command === 'release publish';
  const releaseScope = release ? releaseProjects(ctx.root, projects) : undefined;
  const selected = ctx.config.packages.filter((pkg) => {
    const name = projectName(pkg);
    return inRun.has(name) && (!releaseScope || releaseScope(pkg, name));
  });
  if (release && !releaseScope?.configured) {
    const left = ctx.config.packages.filter((p) => publishable(p) && !hasPublicPackageJson(ctx.root, p)).map(projectName);
    if (left.length)
      log(
        `monochange: \`nx release publish\` reaches only the projects nx.json \`release.projects\` lists (default: those with a public package.json); not in this run: ${left.join(', ')}. List them in \`release.projects\` to publish them with it, or run \`nx run-many -t publish\``,
      );
  }
  // Nx also runs the publish tasks of the selection's dependencies (`dependsOn`, even when
  // `--exclude` names them): they are gated like the rest.
  const runs = request.excludeTaskDependencies ? selected : withPublishPrerequisites(ctx.config, selected);
  const result = await preflightPackages({
    ctx,
    packageIds: runs.map((pkg) => pkg.id),
    dryRun,
    log,
    projectName,
    commandFor: (runProjects) => batchCommand(request, options.publishTargets, runProjects),
  });
  return result.runId === undefined ? undefined : { ...result, runId: result.runId };
}

function hasPublicPackageJson(root: string, pkg: PackageConfig): boolean {
  try {
    return (JSON.parse(fs.readFileSync(path.join(root, pkg.path, 'package.json'), 'utf8')) as { private?: unknown }).private !== true;
  } catch {
    return false;
  }
}

/**
 * The declared packages `nx release publish` reaches: those nx.json `release.projects` (or its
 * groups) lists, matched by Nx (names, globs, directories, `tag:`, `!`); without that list, Nx
 * releases the projects with a package.json that is not `"private": true`.
 */
function releaseProjects(root: string, projects: NxProjects): ((pkg: PackageConfig, name: string) => boolean) & { configured: boolean } {
  let release: { projects?: unknown; groups?: Record<string, { projects?: unknown }> } | undefined;
  try {
    release = (JSON.parse(fs.readFileSync(path.join(root, 'nx.json'), 'utf8')) as { release?: typeof release }).release;
  } catch {
    release = undefined;
  }
  const list = (v: unknown): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const lists = [list(release?.projects), ...Object.values(release?.groups ?? {}).map((g) => list(g?.projects))].filter((l) => l.length);
  if (!lists.length) return Object.assign((pkg: PackageConfig) => hasPublicPackageJson(root, pkg), { configured: false });
  const released = new Set(lists.flatMap((patterns) => [...matchingProjects(patterns, projects)]));
  return Object.assign((_pkg: PackageConfig, name: string) => released.has(name), { configured: true });
}

/**
 * The command that publishes one batch, in the form the user ran: `nx release publish --projects=…`
 * for `nx release publish`, else `nx run-many -t <target>` keeping the run's own `--projects` and
 * adding the later batches to its `--exclude`.
 */
function batchCommand(request: NxRunRequest, publishTargets: string[], runProjects: string[]) {
  const target = request.targets.find((t) => publishTargets.includes(t)) ?? publishTargets[0];
  const release = request.command === 'release publish';
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
