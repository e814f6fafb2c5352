import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run, type RunResult } from './run';

export const NX_VERSION = process.env.MONOCHANGE_E2E_NX_VERSION ?? '23.2.1';

/** Environment for running Nx in tests and the demo: no daemon, no cloud, no TUI, plain output. */
export function nxEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // A clean job: nothing of the outer CI or of a developer's npm login leaks in.
  for (const key of Object.keys(env)) {
    if (/^(GITHUB_|ACTIONS_|RUNNER_|GITLAB_|CI_|CIRCLE|NPM_TOKEN|NODE_AUTH_TOKEN|npm_config_|NPM_CONFIG_|MONOCHANGE_|JEST_|NX_)/i.test(key)) delete env[key];
  }
  delete env.CI;
  delete env.BUILD_ID;
  return { ...env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NX_SKIP_NX_CACHE: 'true', FORCE_COLOR: '0', NO_COLOR: '1', ...extra };
}

export type PackageManager = 'npm' | 'pnpm';

export interface Workspace {
  root: string;
  /** The Nx version installed (from node_modules/nx/package.json). */
  nxVersion: string;
  packageManager: PackageManager;
  nx(args: string[], env?: NodeJS.ProcessEnv, onLine?: (line: string) => void): Promise<RunResult>;
  write(rel: string, text: string): void;
  read(rel: string): string;
  remove(): void;
}

export interface NxWorkspaceOptions {
  tarball: string;
  files: Record<string, string>;
  name?: string;
  log?: (line: string) => void;
  /** Default NX_VERSION (MONOCHANGE_E2E_NX_VERSION, else 23.2.1). */
  nxVersion?: string;
  /**
   * npm (default): `workspaces: ["packages/*"]` in package.json, installed with npm from its cache.
   * pnpm: a `pnpm-workspace.yaml` (unless `files` has one) installed with `pnpm` (a store in a temp dir).
   */
  packageManager?: PackageManager;
  /** The pnpm executable for `packageManager: 'pnpm'` (default: `pnpm` on PATH). */
  pnpm?: string;
}

/** The packages, and nx's postinstall allowed to run (pnpm 10 runs no dependency's build scripts unless listed). */
const PNPM_WORKSPACE_YAML = 'packages:\n  - "packages/*"\nonlyBuiltDependencies:\n  - nx\n';

/**
 * A real Nx workspace in a temp dir: the given files, `nx` and the packed plugin installed with
 * the workspace's package manager, `@monochange/nx` registered in nx.json.
 */
export async function createNxWorkspace(options: NxWorkspaceOptions): Promise<Workspace> {
  const nxVersion = options.nxVersion ?? NX_VERSION;
  const packageManager = options.packageManager ?? 'npm';
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `${options.name ?? 'mc-ws'}-`));
  const tempDirs = [root];
  const remove = () => {
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  };
  const write = (rel: string, text: string) => {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  };
  const rootPackage = {
    name: 'monochange-sample',
    private: true,
    ...(packageManager === 'npm' ? { workspaces: ['packages/*'] } : {}),
    devDependencies: { nx: nxVersion, '@monochange/nx': `file:${options.tarball}` },
  };
  write('package.json', `${JSON.stringify(rootPackage, null, 2)}\n`);
  write('nx.json', `${JSON.stringify({ $schema: './node_modules/nx/schemas/nx-schema.json', plugins: ['@monochange/nx'] }, null, 2)}\n`);
  write('.gitignore', 'node_modules\n.nx\n.monochange/*.lock\n');
  if (packageManager === 'pnpm') write('pnpm-workspace.yaml', PNPM_WORKSPACE_YAML);
  for (const [rel, text] of Object.entries(options.files)) write(rel, text);
  let install: RunResult;
  try {
    if (packageManager === 'pnpm') {
      // Store and metadata cache in a temp dir: nothing under ~ is touched.
      const pnpmHome = fs.mkdtempSync(path.join(os.tmpdir(), `${options.name ?? 'mc-ws'}-pnpm-`));
      tempDirs.push(pnpmHome);
      options.log?.(`installing nx ${nxVersion} and the packed plugin into ${root} (pnpm, store in ${pnpmHome})…`);
      const args = ['install', '--store-dir', path.join(pnpmHome, 'store'), '--cache-dir', path.join(pnpmHome, 'cache'), '--reporter=append-only'];
      install = await run(options.pnpm ?? 'pnpm', args, { cwd: root, env: nxEnv({ npm_config_update_notifier: 'false' }), timeoutMs: 600_000 });
    } else {
      options.log?.(`installing nx ${nxVersion} and the packed plugin into ${root} (npm, from its cache)…`);
      install = await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
        cwd: root,
        env: nxEnv(),
        timeoutMs: 600_000,
      });
    }
  } catch (error) {
    remove();
    throw error;
  }
  if (install.code !== 0) {
    remove();
    throw new Error(`${packageManager} install failed in ${root}:\n${install.output}`);
  }
  const nxPackage = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'nx', 'package.json'), 'utf8')) as {
    version: string;
    bin: Record<string, string>;
  };
  const nxBin = path.join(root, 'node_modules', 'nx', nxPackage.bin.nx);
  return {
    root,
    nxVersion: nxPackage.version,
    packageManager,
    write,
    read: (rel) => fs.readFileSync(path.join(root, rel), 'utf8'),
    nx: (args, env = nxEnv(), onLine) => run(process.execPath, [nxBin, ...args], { cwd: root, env, onLine, timeoutMs: 600_000 }),
    remove,
  };
}
