import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nxEnv } from './nx-workspace';
import { run } from './run';

export interface PnpmTool {
  /** The `pnpm` executable. */
  bin: string;
  /** Its directory, to put first on PATH so the plugin's `pnpm pack` finds it. */
  binDir: string;
  version: string;
  remove(): void;
}

/**
 * pnpm from the npm registry, installed into a temp dir with npm (`npm install --prefix <tmp> pnpm@10`):
 * nothing global is touched, and the machine needs no pnpm of its own.
 */
export async function installPnpm(spec = 'pnpm@10', log?: (line: string) => void): Promise<PnpmTool> {
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-pnpm-tool-'));
  const remove = () => fs.rmSync(prefix, { recursive: true, force: true });
  log?.(`installing ${spec} into ${prefix} (npm)…`);
  const install = await run('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel=error', spec], {
    cwd: prefix,
    env: nxEnv(),
    timeoutMs: 300_000,
  });
  const binDir = path.join(prefix, 'node_modules', '.bin');
  const bin = path.join(binDir, 'pnpm');
  if (install.code !== 0 || !fs.existsSync(bin)) {
    remove();
    throw new Error(`npm install ${spec} failed:\n${install.output}`);
  }
  const version = (JSON.parse(fs.readFileSync(path.join(prefix, 'node_modules', 'pnpm', 'package.json'), 'utf8')) as { version: string }).version;
  return { bin, binDir, version, remove };
}
