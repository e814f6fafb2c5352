import * as fs from 'node:fs';
import * as path from 'node:path';

export type RelativePath = { ok: true; value: string } | { ok: false; reason: 'absolute' | 'escapes'; suggestion?: string };

/**
 * Normalises a workspace-relative path to posix form: no `./`, no trailing slash, `.` for the root.
 * Rejects absolute paths and paths leaving the workspace (`..`).
 */
export function normalizeRelativePath(input: string, root?: string): RelativePath {
  const posix = input.trim().replace(/\\/g, '/');
  if (posix.startsWith('/') || /^[A-Za-z]:\//.test(posix)) {
    const suggestion = root ? relativeSuggestion(root, input) : undefined;
    return { ok: false, reason: 'absolute', suggestion };
  }
  const normalized = path.posix.normalize(posix).replace(/\/+$/, '');
  if (normalized === '..' || normalized.startsWith('../')) return { ok: false, reason: 'escapes' };
  return { ok: true, value: normalized === '' ? '.' : normalized };
}

function relativeSuggestion(root: string, absolute: string): string | undefined {
  const relative = path.relative(root, absolute);
  if (!relative || relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  return relative.split(path.sep).join('/');
}

export type PathKind = 'directory' | 'file' | 'missing';

export function pathKind(root: string, relative: string): PathKind {
  try {
    const stat = fs.statSync(path.join(root, relative));
    return stat.isDirectory() ? 'directory' : 'file';
  } catch {
    return 'missing';
  }
}

/**
 * The real directory `relative` resolves to (symlinks followed) when that lies outside the real
 * workspace root; `undefined` when it stays inside or cannot be resolved.
 */
export function realPathOutside(root: string, relative: string): string | undefined {
  let realRoot: string;
  let realDir: string;
  try {
    realRoot = realRootOf(root);
    // The native call resolves in one syscall; the JS one lstats every path component.
    realDir = fs.realpathSync.native(path.join(root, relative));
  } catch {
    return undefined;
  }
  const inside = path.relative(realRoot, realDir);
  const escapes = inside === '..' || inside.startsWith(`..${path.sep}`) || path.isAbsolute(inside);
  return escapes ? realDir : undefined;
}

/** The workspace root's real path, resolved once per root (a config names many packages). */
const realRoots = new Map<string, string>();
function realRootOf(root: string): string {
  let real = realRoots.get(root);
  if (real === undefined) {
    real = fs.realpathSync.native(root);
    realRoots.set(root, real);
  }
  return real;
}
