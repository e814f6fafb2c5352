/**
 * What an `nx` command line asks for, read from the argv Nx hands to task-execution hooks (they
 * get nothing else). Project patterns are kept as given: Nx resolves them (nx-projects.ts).
 */
export interface NxRunRequest {
  targets: string[];
  /** Project patterns of `-p/--projects` (names, globs, directories, `tag:…`, `!…`) or `run <project>:<target>`; empty = all. */
  projects: string[];
  exclude: string[];
  dryRun: boolean;
  /** `run-many`, `affected`, `run`, `release publish`, or the target of the `nx <target> <project>` shorthand. */
  command: string;
  /** `--excludeTaskDependencies`: Nx runs only the selected tasks, not those of their `dependsOn`. */
  excludeTaskDependencies: boolean;
  /** Tasks at once from `--parallel`/`--maxParallel` (Nx's reading: bare `--parallel` → NX_PARALLEL or 3, `false` → 1); absent when not given. */
  parallel?: number;
}

const LIST = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export function parseNxArgv(argv: string[], env: Record<string, string | undefined> = {}): NxRunRequest {
  const args = argv.slice(argv.findIndex((a) => /(^|[/\\])nx(\.js)?$/.test(a)) + 1);
  const command = args[0] === 'release' && args[1] === 'publish' ? 'release publish' : (args[0] ?? '');
  const request: NxRunRequest = { targets: [], projects: [], exclude: [], dryRun: env.NX_DRY_RUN === 'true', command, excludeTaskDependencies: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? args[++i] ?? '';
    if (flag === '-t' || flag === '--target' || flag === '--targets') request.targets.push(...LIST(value()));
    else if (flag === '-p' || flag === '--projects' || flag === '--project') request.projects.push(...LIST(value()));
    else if (flag === '--exclude') request.exclude.push(...LIST(value()));
    else if (flag === '--dry-run' || flag === '--dryRun' || flag === '-d') request.dryRun = inline === undefined ? true : inline !== 'false';
    else if (flag === '--parallel') request.parallel = parallelValue(inline ?? (/^\d+$|^(true|false)$/.test(args[i + 1] ?? '') ? args[++i] : 'true'), env);
    else if (flag === '--maxParallel' || flag === '--max-parallel') request.parallel = parallelValue(value(), env);
    else if (flag === '--excludeTaskDependencies' || flag === '--exclude-task-dependencies') request.excludeTaskDependencies = inline !== 'false';
  }
  if (command === 'run' && args[1]?.includes(':')) {
    const [project, target] = args[1].split(':');
    request.projects.push(project);
    request.targets.push(target);
  } else if (
    command &&
    !command.startsWith('-') &&
    args[1]?.includes(':') === false &&
    !['run-many', 'affected', 'release', 'release publish', 'run'].includes(command) &&
    args.length >= 2
  ) {
    // `nx <target> <project>` shorthand
    request.targets.push(command);
    request.projects.push(args[1]);
  } else if (command === 'release publish') {
    request.targets.push('nx-release-publish');
  }
  return request;
}

function parallelValue(value: string, env: Record<string, string | undefined>): number | undefined {
  if (value === 'false') return 1;
  const n = Number(value === 'true' || value === '' ? (env.NX_PARALLEL ?? '3') : value);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}
