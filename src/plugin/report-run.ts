import path from 'node:path';
import { findWorkspaceConfig, loadConfig } from '../core/config';
import type { PackageConfig } from '../core/config/types';
import { manifestPathFor, readManifest } from '../core/manifests';
import { failedPrerequisites, readPackageEdges } from '../core/publish/package-edges';
import { publishable } from '../core/config/resolve-publish';
import { recordSkippedDependents, type SkippedDependent } from '../core/publish/skipped-dependents';
import {
  DEFAULT_PLACEHOLDER_RESULT_PATH,
  DEFAULT_PUBLISH_RESULT_PATH,
  DEFAULT_READINESS_PATH,
  publishResultSchema,
  readinessSchema,
  type Readiness,
} from '../core/run/artifact-schema';
import { artifactPath, readArtifact } from '../core/run/artifact-store';
import { emitCiReport, summaryTable } from '../core/run/ci-report';
import { formatRefusalGroups, groupRefusals, SHARED_REASONS, type Refusal } from '../core/run/refusals';
import { resolveTarget } from '../core/run/target';
import type { Env } from '../core/types';
import { parseNxArgv, type NxRunRequest } from './nx-argv';
import { nxProjects, projectNamer, selectedProjects } from './nx-projects';

export interface RunReportInput {
  root: string;
  argv: string[];
  env: Env;
  targets: { publish: string[]; placeholder: string; readiness: string };
  taskResults: Array<{ project: string; target: string; status: string }>;
  log: (line: string) => void;
}

/**
 * After `nx run-many`: records packages Nx skipped because a dependency failed as `blocked`, then
 * reports each artifact the run wrote: a plain table, and in CI a job summary with annotations
 * (GitHub) or a collapsible section (GitLab).
 */
export async function reportRun(input: RunReportInput): Promise<void> {
  if (!findWorkspaceConfig(input.root)) return;
  const ran = (targets: string[]) => input.taskResults.filter((r) => targets.includes(r.target));
  const publishTasks = ran(input.targets.publish);
  const placeholderTasks = ran([input.targets.placeholder]);
  const readinessTasks = ran([input.targets.readiness]);
  if (!publishTasks.length && !placeholderTasks.length && !readinessTasks.length) return;
  const config = loadConfig(input.root, { checkPaths: false });
  const request = parseNxArgv(input.argv, input.env);
  const { dryRun } = request;
  const projects = nxProjects(config);
  const projectName = projectNamer(projects, config);
  const byProject = new Map(config.packages.map((pkg) => [projectName(pkg), pkg]));
  const manifestFor = (id: string) => {
    const pkg = config.packages.find((p) => p.id === id);
    return pkg ? path.relative(config.root, manifestPathFor(config.root, pkg)) : undefined;
  };
  const write = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);

  for (const [tasks, mode, fallback] of [
    [publishTasks, 'release', DEFAULT_PUBLISH_RESULT_PATH],
    [placeholderTasks, 'placeholder', DEFAULT_PLACEHOLDER_RESULT_PATH],
  ] as const) {
    if (!tasks.length) continue;
    const file = artifactPath(input.root, fallback, undefined, dryRun);
    // `stopped`: interrupted by a signal (recorded `failed`, reason `interrupted`); its dependents never ran either.
    const failed = tasks.filter((t) => t.status === 'failure' || t.status === 'stopped').map((t) => byProject.get(t.project)?.id ?? t.project);
    const skippedProjects = new Set(tasks.filter((t) => t.status === 'skipped').map((t) => t.project));
    if (failed.length) {
      const targets = mode === 'release' ? input.targets.publish : [input.targets.placeholder];
      const selected = request.command === 'affected' ? undefined : selectedProjects(request, projects);
      for (const project of notRun(request, selected, targets, byProject, tasks)) skippedProjects.add(project);
    }
    const skipped: SkippedDependent[] = [];
    const failedDependencies = skippedProjects.size
      ? failedPrerequisites(
          config.packages.map((p) => p.id),
          readPackageEdges(config, readManifest),
          failed,
        )
      : () => [];
    for (const project of skippedProjects) {
      const pkg = byProject.get(project);
      if (!pkg) continue;
      let name = pkg.id;
      let version = 'unknown';
      let ecosystem: string = pkg.type;
      try {
        const target = resolveTarget(config, pkg, project, { refName: input.env.GITHUB_REF_NAME });
        ({ name, version } = target);
        ecosystem = target.manifest.ecosystem;
      } catch {
        // The manifest's own problem was reported by its task; keep what the config says.
      }
      skipped.push({
        packageId: pkg.id,
        project,
        ecosystem,
        registry: pkg.publish.registry,
        name,
        version,
        blockedBy: blockedBy(failedDependencies(pkg.id), failed),
      });
    }
    await recordSkippedDependents({ file, mode, dryRun, entries: skipped });
    const artifact = thisRun(readArtifact(file, publishResultSchema), [...tasks.map((t) => t.project), ...skippedProjects]);
    if (!artifact) continue;
    const rel = path.relative(input.root, file);
    input.log(summaryTable(artifact, rel));
    if (inCi(input.env)) emitCiReport('publish', artifact, input.env, write, { manifestFor, artifactPath: rel });
  }
  if (readinessTasks.length) {
    const file = path.resolve(input.root, DEFAULT_READINESS_PATH);
    const all = thisRun(
      readArtifact(file, readinessSchema),
      readinessTasks.map((t) => t.project),
    );
    const artifact = all && { ...all, status: all.packages.some((p) => p.status === 'blocked') ? ('blocked' as const) : ('ready' as const) };
    if (artifact) {
      const rel = path.relative(input.root, file);
      input.log(summaryTable(artifact, rel));
      const shared = sharedReasons(artifact.packages);
      if (shared.length) input.log(["Reasons that are the job's, not the package's:", ...shared].join('\n'));
      if (inCi(input.env)) emitCiReport('readiness', artifact, input.env, write, { manifestFor, artifactPath: rel });
    }
  }
}

/**
 * The artifact keeps every package's latest entry across runs; the report of a run shows only the
 * packages this run had tasks for (and those it recorded as blocked).
 */
function thisRun<T extends { packages: Array<{ project: string; package: string }> }>(artifact: T | undefined, projects: string[]): T | undefined {
  if (!artifact) return undefined;
  const ran = new Set(projects);
  return { ...artifact, packages: artifact.packages.filter((p) => ran.has(p.project) || ran.has(p.package)) };
}

/** The failing checks of the job itself (no verified identity…), each once with the packages it stops and one fix. */
function sharedReasons(packages: Readiness['packages']): string[] {
  const refusals: Refusal[] = [];
  for (const p of packages) {
    const failing = new Set(p.checks.filter((c) => c.status === 'fail').map((c) => c.id));
    for (const c of p.checks) {
      if (c.status !== 'fail' || !SHARED_REASONS.has(c.id)) continue;
      if (c.id === 'identity.provider' && failing.has('trust.identity-unverifiable')) continue;
      refusals.push({ project: p.project, id: p.package, registry: p.registry, code: c.id, reason: c.message, ...(c.fix ? { fix: c.fix } : {}) });
    }
  }
  return formatRefusalGroups(groupRefusals(refusals));
}

/** The failed prerequisites the package graph shows, else every failed package of the run. */
function blockedBy(dependencies: string[], failed: string[]): string {
  return (dependencies.length ? dependencies : failed).join(', ') || 'a failed dependency';
}

/**
 * Nx (23) leaves tasks it skipped because a dependency failed out of the results it hands to
 * `postTasksExecution` (they never reach `endTasks`): they are the packages the command line
 * selected for this target that have no result at all. `nx affected` selects by git history, which
 * argv does not tell, so there only tasks reported as `skipped` count.
 */
function notRun(
  request: NxRunRequest,
  selected: ReadonlySet<string> | undefined,
  targets: string[],
  byProject: Map<string, PackageConfig>,
  tasks: Array<{ project: string }>,
): string[] {
  if (!selected || !request.targets.some((t) => targets.includes(t))) return [];
  const ran = new Set(tasks.map((t) => t.project));
  return [...byProject].filter(([project, pkg]) => !ran.has(project) && publishable(pkg) && selected.has(project)).map(([project]) => project);
}

const inCi = (env: Env) => env.GITHUB_ACTIONS === 'true' || env.GITLAB_CI === 'true';
