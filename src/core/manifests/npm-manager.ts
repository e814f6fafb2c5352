import * as fs from 'node:fs';
import * as path from 'node:path';
import type { NpmData } from './types';

type Manager = NpmData['manager'];

/** Lock/workspace files per directory, strongest first (the generator's workflow detection uses them too). */
export const PACKAGE_MANAGER_MARKERS: ReadonlyArray<[string, Manager]> = [
  ['bun.lockb', 'bun'],
  ['bun.lock', 'bun'],
  ['pnpm-workspace.yaml', 'pnpm'],
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['package-lock.json', 'npm'],
];

/**
 * Package manager of the workspace holding `dir`: the nearest directory (from `dir` up to `root`
 * inclusive) with a lock or workspace file decides; failing that, `packageManager` in the root
 * package.json (`"pnpm@9.1.0"`); else npm.
 */
export function detectPackageManager(root: string, dir: string): Manager {
  const absRoot = path.resolve(root);
  for (const current of ancestors(absRoot, path.resolve(dir))) {
    for (const [file, manager] of PACKAGE_MANAGER_MARKERS) {
      if (fs.existsSync(path.join(current, file))) return manager;
    }
  }
  return fromPackageManagerField(path.join(absRoot, 'package.json')) ?? 'npm';
}

/** `dir`, its parent, ... up to `root`; just `dir` when it is not inside `root`. */
function* ancestors(root: string, dir: string): Generator<string> {
  let current = dir;
  for (;;) {
    yield current;
    const rel = path.relative(root, current);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return;
    const parent = path.dirname(current);
    if (parent === current) return;
    current = parent;
  }
}

function fromPackageManagerField(file: string): Manager | undefined {
  try {
    const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { packageManager?: unknown };
    const name = typeof json.packageManager === 'string' ? json.packageManager.split('@')[0] : '';
    return (['npm', 'pnpm', 'yarn', 'bun'] as const).find((m) => m === name);
  } catch {
    return undefined;
  }
}
