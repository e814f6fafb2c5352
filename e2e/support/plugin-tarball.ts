import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The repository root: the nearest parent holding @monochange/nx's package.json (works from compiled copies too). */
export const REPO_ROOT = findRepoRoot(__dirname);

function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    try {
      if ((JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string }).name === '@monochange/nx') return dir;
    } catch {
      // keep walking up
    }
    if (path.dirname(dir) === dir) throw new Error(`no @monochange/nx package.json above ${start}`);
  }
}

/**
 * Builds and packs the plugin once per run (`npm run build` + `npm pack`), as a user's install
 * would get it. The tarball path is cached in an env var so every e2e file reuses it.
 */
export function packPlugin(log: (line: string) => void = () => undefined): string {
  const cached = process.env.MONOCHANGE_E2E_TARBALL;
  if (cached && fs.existsSync(cached)) return cached;
  // Under the repository's git-ignored tmp/, so no run leaves tarballs in the system temp dir.
  fs.mkdirSync(path.join(REPO_ROOT, 'tmp'), { recursive: true });
  const dest = fs.mkdtempSync(path.join(REPO_ROOT, 'tmp', 'pack-'));
  log('building the plugin (npm run build)…');
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: REPO_ROOT, stdio: 'pipe' });
  log('packing it (npm pack)…');
  let out: string;
  try {
    out = execFileSync('npm', ['pack', '--pack-destination', dest, '--json', '--silent'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`npm pack failed: ${e.message}\n${e.stderr ?? ''}${(e.stdout ?? '').slice(0, 2000)}`);
  }
  const [{ filename }] = JSON.parse(out) as Array<{ filename: string }>;
  const tarball = path.join(dest, filename);
  process.env.MONOCHANGE_E2E_TARBALL = tarball;
  return tarball;
}
