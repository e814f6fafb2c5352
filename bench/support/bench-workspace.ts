import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nxEnv } from '../../e2e/support/nx-workspace';
import { run, type RunResult } from '../../e2e/support/run';

export const NX_VERSION = '23.2.1';

/**
 * One `npm install` per bench run (nx, @nx/js and the packed plugin, from npm's cache where it
 * can), shared by every generated workspace through a `node_modules` symlink: the generated
 * packages themselves are never installed.
 */
export interface Toolchain {
  dir: string;
  nxBin: string;
  remove(): void;
}

export async function installToolchain(tarball: string, log: (line: string) => void): Promise<Toolchain> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-bench-toolchain-'));
  const pkg = {
    name: 'monochange-bench-toolchain',
    private: true,
    devDependencies: { nx: NX_VERSION, '@nx/js': NX_VERSION, '@monochange/nx': `file:${tarball}` },
  };
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  log(`installing nx ${NX_VERSION}, @nx/js ${NX_VERSION} and the packed plugin into ${dir} (npm, preferring its cache)…`);
  const install = await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: dir,
    env: nxEnv(),
    timeoutMs: 900_000,
  });
  if (install.code !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`npm install of the bench toolchain failed:\n${install.output}`);
  }
  return toolchainAt(dir);
}

/** An install made earlier (`MONOCHANGE_BENCH_TOOLCHAIN`, or the one just made). */
export function toolchainAt(dir: string): Toolchain {
  const nxPackage = JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', 'nx', 'package.json'), 'utf8')) as { bin: Record<string, string> };
  return { dir, nxBin: path.join(dir, 'node_modules', 'nx', nxPackage.bin.nx), remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export interface BenchWorkspace {
  root: string;
  nx(args: string[], env?: NodeJS.ProcessEnv): Promise<RunResult>;
  /** Like `nx` but throws with the output when Nx exits non-zero. */
  nxOk(args: string[], env?: NodeJS.ProcessEnv): Promise<RunResult>;
  write(rel: string, text: string): void;
  read(rel: string): string;
  remove(): void;
}

export type PluginEntry = string | { plugin: string; options?: Record<string, unknown> };

/** A workspace of generated files; `plugins` goes into nx.json (`[]`: Nx without our plugin). */
export function createBenchWorkspace(
  toolchain: Toolchain,
  options: { name: string; files: Record<string, string>; plugins: PluginEntry[]; workspaces?: string[] },
): BenchWorkspace {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `${options.name}-`));
  const write = (rel: string, text: string) => {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  };
  fs.symlinkSync(path.join(toolchain.dir, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  write('package.json', `${JSON.stringify({ name: `${options.name}-root`, private: true, workspaces: options.workspaces ?? ['packages/*'] }, null, 2)}\n`);
  write('.gitignore', 'node_modules\n.nx\n.monochange/*.lock\n');
  setPlugins(write, options.plugins);
  for (const [rel, text] of Object.entries(options.files)) write(rel, text);
  const nx = (args: string[], env: NodeJS.ProcessEnv = nxEnv()) => run(process.execPath, [toolchain.nxBin, ...args], { cwd: root, env, timeoutMs: 1_800_000 });
  return {
    root,
    nx,
    async nxOk(args, env) {
      const result = await nx(args, env);
      if (result.code !== 0) throw new Error(`nx ${args.join(' ')} exited ${result.code} in ${root}:\n${tail(result.output, 60)}`);
      return result;
    },
    write,
    read: (rel) => fs.readFileSync(path.join(root, rel), 'utf8'),
    remove: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

export function setPlugins(write: (rel: string, text: string) => void, plugins: PluginEntry[], extra: Record<string, unknown> = {}): void {
  write('nx.json', `${JSON.stringify({ $schema: './node_modules/nx/schemas/nx-schema.json', plugins, ...extra }, null, 2)}\n`);
}

export function tail(text: string, lines: number): string {
  const all = text.split('\n');
  return all.slice(-lines).join('\n');
}
