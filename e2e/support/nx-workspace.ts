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

export interface Workspace {
  root: string;
  nx(args: string[], env?: NodeJS.ProcessEnv, onLine?: (line: string) => void): Promise<RunResult>;
  write(rel: string, text: string): void;
  read(rel: string): string;
  remove(): void;
}

/**
 * A real Nx workspace in a temp dir: the given files, `nx` and the packed plugin installed with npm
 * (from npm's cache, which `npm ci` filled), `@monochange/nx` registered in nx.json.
 */
export async function createNxWorkspace(options: {
  tarball: string;
  files: Record<string, string>;
  name?: string;
  log?: (line: string) => void;
  nxVersion?: string;
}): Promise<Workspace> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `${options.name ?? 'mc-ws'}-`));
  const write = (rel: string, text: string) => {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  };
  const rootPackage = {
    name: 'monochange-sample',
    private: true,
    workspaces: ['packages/*'],
    devDependencies: { nx: options.nxVersion ?? NX_VERSION, '@monochange/nx': `file:${options.tarball}` },
  };
  write('package.json', `${JSON.stringify(rootPackage, null, 2)}\n`);
  write('nx.json', `${JSON.stringify({ $schema: './node_modules/nx/schemas/nx-schema.json', plugins: ['@monochange/nx'] }, null, 2)}\n`);
  write('.gitignore', 'node_modules\n.nx\n.monochange/*.lock\n');
  for (const [rel, text] of Object.entries(options.files)) write(rel, text);
  options.log?.(`installing nx ${options.nxVersion ?? NX_VERSION} and the packed plugin into ${root} (npm, from its cache)…`);
  const install = await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: root,
    env: nxEnv(),
    timeoutMs: 600_000,
  });
  if (install.code !== 0) throw new Error(`npm install failed in ${root}:\n${install.output}`);
  const nxPackage = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'nx', 'package.json'), 'utf8')) as { bin: Record<string, string> };
  const nxBin = path.join(root, 'node_modules', 'nx', nxPackage.bin.nx);
  return {
    root,
    write,
    read: (rel) => fs.readFileSync(path.join(root, rel), 'utf8'),
    nx: (args, env = nxEnv(), onLine) => run(process.execPath, [nxBin, ...args], { cwd: root, env, onLine, timeoutMs: 600_000 }),
    remove: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}
