import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../..');

/**
 * Builds and packs the plugin once per run (`npm run build` + `npm pack`), as a user's install
 * would get it. The tarball path is cached in an env var so every e2e file reuses it.
 */
export function packPlugin(log: (line: string) => void = () => undefined): string {
  const cached = process.env.MONOCHANGE_E2E_TARBALL;
  if (cached && fs.existsSync(cached)) return cached;
  const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'monochange-pack-'));
  log('building the plugin (npm run build)…');
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: REPO_ROOT, stdio: 'pipe' });
  log('packing it (npm pack)…');
  const out = execFileSync('npm', ['pack', '--pack-destination', dest, '--json', '--silent'], { cwd: REPO_ROOT, encoding: 'utf8' });
  const [{ filename }] = JSON.parse(out) as Array<{ filename: string }>;
  const tarball = path.join(dest, filename);
  process.env.MONOCHANGE_E2E_TARBALL = tarball;
  return tarball;
}
