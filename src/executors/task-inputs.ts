import type { ExecutorContext } from '@nx/devkit';

/** What every executor reads from Nx: root, project name and root, dry run. */
export function taskInputs(context: ExecutorContext, dryRunOption?: boolean) {
  const projectName = context.projectName ?? '';
  const projectRoot = context.projectsConfigurations?.projects[projectName]?.root ?? '';
  return {
    root: context.root,
    projectName,
    projectRoot,
    dryRun: isDryRun(dryRunOption),
  };
}

/** A dry run: the task's `dryRun` option, or `NX_DRY_RUN=true` (set by `nx release publish --dry-run`). */
export function isDryRun(dryRunOption?: boolean): boolean {
  return process.env.NX_DRY_RUN === 'true' || dryRunOption === true;
}

/**
 * The `package` option: a package id of monochange.toml, or (as users type them) an Nx project
 * name, whose root then identifies the package.
 */
export function packageRef(context: ExecutorContext, name: string | undefined): { packageId?: string; packageProjectRoot?: string } {
  if (name === undefined) return {};
  const root = context.projectsConfigurations?.projects[name]?.root;
  return { packageId: name, ...(root !== undefined ? { packageProjectRoot: root } : {}) };
}
