import type { PostTasksExecutionContext, PreTasksExecutionContext } from '@nx/devkit';
import { resolveTargetNames, type MonochangePluginOptions } from './options';
import { isMonochangeError } from '../core/errors';
import { affectedProjects } from './affected-projects';
import { forNx } from './user-error';

/**
 * Before Nx runs the tasks of a real publish, the whole set of packages in scope must pass the
 * trust gate, so a wrong context is refused before the first upload (not half way through).
 * Loaded lazily: the publish core is not needed to compute the project graph.
 */
export async function preTasksExecution(options: MonochangePluginOptions | undefined, context: PreTasksExecutionContext): Promise<void> {
  const names = resolveTargetNames(options);
  const publishTargets = [names.publish, names.releasePublish].filter((n): n is string => typeof n === 'string');
  const ours = [...publishTargets, names.placeholderPublish, names.readiness].filter((n): n is string => typeof n === 'string');
  const { parseNxArgv } = await import('./nx-argv');
  const run = parseNxArgv(context.argv, process.env);
  // Batch executors run every task of the run in one process and pace their uploads by this
  // (Nx hands them no --parallel); Nx copies what this hook sets in process.env to the tasks.
  if (run.parallel) process.env.MONOCHANGE_NX_PARALLEL = String(run.parallel);
  else delete process.env.MONOCHANGE_NX_PARALLEL;
  // `nx build` and every other run of the workspace load nothing more; readiness needs no preflight.
  if (!run.targets.some((t) => ours.includes(t))) return;
  try {
    const { requireDeclaredPackages } = await import('../core/publish/declared-packages');
    requireDeclaredPackages({ root: context.workspaceRoot, runTargets: run.targets, targets: ours });
    const { handOffOidcToken } = await import('../core/publish/oidc-handoff');
    await handOffOidcToken({ root: context.workspaceRoot, runTargets: run.targets, env: process.env, targets: ours });
    const publishTarget = run.targets.find((t) => publishTargets.includes(t));
    if (!publishTarget) return;
    const projects = await affectedProjects(context.workspaceRoot, context.argv, publishTarget);
    const { preflightPublishRun } = await import('./publish-preflight');
    await preflightPublishRun({
      root: context.workspaceRoot,
      argv: context.argv,
      env: process.env,
      publishTargets,
      projects,
      log: (line) => console.log(line),
    });
  } catch (error) {
    throw withoutStack(forNx(error));
  }
}

/**
 * Nx adds "Pass --verbose to see the stacktrace." under any error that has a stack, which after a
 * refusal reads like a crash: a user's mistake goes without one (bugs keep theirs).
 */
function withoutStack(error: unknown): unknown {
  if (isMonochangeError(error)) error.stack = '';
  return error;
}

/**
 * After the run: packages whose publish Nx skipped because a dependency failed are recorded as
 * `blocked` (naming the failed dependency), and in CI a job summary and annotations are written.
 */
export async function postTasksExecution(options: MonochangePluginOptions | undefined, context: PostTasksExecutionContext): Promise<void> {
  const names = resolveTargetNames(options);
  const { reportRun } = await import('./report-run');
  try {
    await reportRun({
      root: context.workspaceRoot,
      argv: context.argv,
      env: process.env,
      targets: {
        publish: [names.publish, names.releasePublish].filter((n): n is string => typeof n === 'string'),
        placeholder: names.placeholderPublish,
        readiness: names.readiness,
      },
      taskResults: Object.values(context.taskResults).map((r) => ({ project: r.task.target.project, target: r.task.target.target, status: r.status })),
      log: (line) => console.log(line),
    });
  } catch (error) {
    // Reporting must never turn a run's outcome into something else.
    console.warn(`@monochange/nx: could not write the run report: ${(error as Error).message}`);
  }
}
