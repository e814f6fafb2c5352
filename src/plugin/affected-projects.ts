import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

/** `nx affected` options that choose which projects are affected, passed on as given. */
const AFFECTED_FLAGS = new Set(['--base', '--head', '--files', '--uncommitted', '--untracked', '--exclude']);

/**
 * The projects an `nx affected -t <target>` run works on, from Nx itself
 * (`nx show projects --affected --withTarget=<target>` with the run's base/head/files flags): the
 * pre-task hook gets only argv, and gating every declared package would refuse an unrelated one.
 * Undefined for other commands, or when Nx cannot say (the preflight then gates every package).
 */
export async function affectedProjects(root: string, argv: string[], target: string): Promise<string[] | undefined> {
  const args = argv.slice(argv.findIndex((a) => /(^|[/\\])nx(\.js)?$/.test(a)) + 1);
  if (args[0] !== 'affected') return undefined;
  const passed: string[] = [];
  for (let i = 1; i < args.length; i++) {
    const flag = args[i].split('=')[0];
    if (!AFFECTED_FLAGS.has(flag)) continue;
    passed.push(args[i]);
    if (!args[i].includes('=') && args[i + 1] !== undefined && !args[i + 1].startsWith('-')) passed.push(args[++i]);
  }
  let nxBin: string;
  try {
    nxBin = createRequire(path.join(root, 'package.json')).resolve('nx/bin/nx.js');
  } catch {
    return undefined;
  }
  const out = await new Promise<string | undefined>((resolve) => {
    execFile(
      process.execPath,
      [nxBin, 'show', 'projects', '--affected', `--withTarget=${target}`, '--json', ...passed],
      { cwd: root, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout) => resolve(error ? undefined : stdout),
    );
  });
  if (out === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(out.slice(out.indexOf('[')));
    return Array.isArray(parsed) && parsed.every((p) => typeof p === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}
