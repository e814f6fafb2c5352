import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
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
    const stat = statSync(path.join(root, relative));
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
    realDir = realpathSync.native(path.join(root, relative));
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
    real = realpathSync.native(root);
    realRoots.set(root, real);
  }
  return real;
}

/** pathKind and realPathOutside for the many package paths of one workspace. */
export interface PathProbe {
  kind(relative: string): PathKind;
  outside(relative: string): string | undefined;
}

type EntryType = 'directory' | 'file' | 'other';
type Listing = Map<string, EntryType> | null;

/**
 * A directory is listed once this many of its entries have been asked about; before that each
 * entry is looked at on its own. Package paths share few top-level directories, so the workspace
 * root is rarely listed, and a new file at the root (a build's `dist/`) changes no answer the
 * plugin's graph cache keeps.
 */
const LOOKS_BEFORE_LISTING = 16;

/**
 * Answers `pathKind` and `realPathOutside` for many paths of one workspace with few system calls:
 * each directory on the way is listed once (with entry types), or its few entries asked about are
 * lstat'ed one by one (see `LOOKS_BEFORE_LISTING`), so a path whose every component is a plain
 * directory (and whose last is a plain directory or file) needs no stat of its own and no realpath:
 * it is what it is listed as, and it stays inside the root. Anything else (a
 * symlink on the way, a name its directory does not list as written, e.g. on a case-insensitive
 * disk, a directory that cannot be listed) is answered by `pathKind` and `realPathOutside`. Made
 * per parse: listings are not kept.
 */
export function pathProbe(root: string): PathProbe {
  const listings = new Map<string, Listing>();
  const listing = (dir: string): Listing => {
    let entries = listings.get(dir);
    if (entries === undefined) {
      try {
        entries = new Map();
        for (const entry of readdirSync(dir === '' ? root : path.join(root, dir), { withFileTypes: true })) {
          entries.set(entry.name, entry.isDirectory() ? 'directory' : entry.isFile() ? 'file' : 'other');
        }
      } catch {
        entries = null;
      }
      listings.set(dir, entries);
    }
    return entries;
  };
  /** What the listings say `relative` is, when they settle it. */
  const looked = new Map<string, Map<string, EntryType | undefined>>();
  /** What `dir`'s listing says `name` is (undefined: not listed as written, or not listable). */
  const entryType = (dir: string, name: string): EntryType | undefined => {
    const listed = listings.get(dir);
    if (listed !== undefined) return listed?.get(name);
    let names = looked.get(dir);
    if (!names) looked.set(dir, (names = new Map()));
    if (names.has(name)) return names.get(name);
    if (names.size >= LOOKS_BEFORE_LISTING) return listing(dir)?.get(name);
    let type: EntryType | undefined;
    try {
      const stat = lstatSync(path.join(root, dir, name), { throwIfNoEntry: false });
      type = stat === undefined ? undefined : stat.isDirectory() ? 'directory' : stat.isFile() ? 'file' : 'other';
    } catch {
      type = undefined;
    }
    names.set(name, type);
    return type;
  };
  const listed = (relative: string): 'directory' | 'file' | undefined => {
    if (relative === '.' || relative === '') return undefined;
    const parts = relative.split('/');
    let dir = '';
    for (let i = 0; i < parts.length; i++) {
      const type = entryType(dir, parts[i]);
      if (type === undefined || type === 'other' || (type === 'file' && i < parts.length - 1)) return undefined;
      if (i === parts.length - 1) return type;
      dir = dir === '' ? parts[i] : `${dir}/${parts[i]}`;
    }
    return undefined;
  };
  return {
    kind: (relative) => listed(relative) ?? pathKind(root, relative),
    outside: (relative) => (listed(relative) !== undefined ? undefined : realPathOutside(root, relative)),
  };
}
