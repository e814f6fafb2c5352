import fs from 'node:fs';
import path from 'node:path';

/**
 * Members of a Deno workspace (a deno.json(c) with `"workspace": ["./a", "./b"]`) import each other
 * by bare name (`"@std/streams"`, `"@std/streams/buffer"`), resolved by the workspace and listed in
 * no import map, or by `jsr:` specifier. Those imports are only in the members' source files, so
 * these are scanned: a lexer over string literals in import/export positions, not a parser, and
 * each file's specifiers are remembered for the process by (path, size, mtime, inode).
 */

const SOURCE = /\.(?:ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
const SKIP_DIRS = new Set(['node_modules', '.git', '.nx', 'dist', 'coverage', 'vendor']);

/** Test and benchmark files: their imports order no publishing. */
export function isDevOnlySource(relativeToPackage: string): boolean {
  const parts = relativeToPackage.split(/[\\/]/);
  const base = parts[parts.length - 1];
  if (parts.slice(0, -1).some((d) => d === 'test' || d === 'tests' || d === 'bench' || d === 'benches' || d === 'testdata' || d === '__tests__')) return true;
  return /(?:^|[._])(?:test|bench)\.[cm]?[jt]sx?$/.test(base) || /_(?:test|bench)\.[cm]?[jt]sx?$/.test(base);
}

/**
 * The module specifiers of `import … from "x"`, `import "x"`, `export … from "x"` and
 * `import("x")` (string literal only) in `text`. Comments, other strings and template literals are
 * skipped, so a specifier-looking string in them is not taken.
 */
export function scanImportSpecifiers(text: string): string[] {
  const out: string[] = [];
  const n = text.length;
  let i = 0;
  // What the last significant token was: `from`, `import`, `import(`, or anything else.
  let last: 'from' | 'import' | 'import(' | 'export' | 'other' = 'other';
  const readString = (quote: string): string | undefined => {
    let j = i + 1;
    let value = '';
    while (j < n && text[j] !== quote) {
      if (text[j] === '\n') return undefined;
      if (text[j] === '\\') {
        value += text[j + 1] ?? '';
        j += 2;
        continue;
      }
      value += text[j];
      j++;
    }
    i = j + 1;
    return value;
  };
  while (i < n) {
    const ch = text[i];
    if (ch === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      i = end === -1 ? n : end;
    } else if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? n : end + 2;
    } else if (ch === '"' || ch === "'") {
      const before = last;
      const value = readString(ch);
      if (value !== undefined && (before === 'from' || before === 'import' || before === 'import(')) {
        if (before !== 'import(' || /^\s*\)/.test(text.slice(i, i + 8))) out.push(value);
      }
      last = 'other';
    } else if (ch === '`') {
      // Template literal: skip to its end (nested `${}` with backticks inside are rare enough).
      let j = i + 1;
      while (j < n && text[j] !== '`') j += text[j] === '\\' ? 2 : 1;
      i = j + 1;
      last = 'other';
    } else if (/[A-Za-z_$]/.test(ch)) {
      let j = i + 1;
      while (j < n && /[\w$]/.test(text[j])) j++;
      const word = text.slice(i, j);
      const prev = i > 0 ? text[i - 1] : '';
      i = j;
      if (prev === '.') {
        last = 'other';
      } else if (word === 'import') {
        let k = i;
        while (k < n && /\s/.test(text[k])) k++;
        if (text[k] === '(') {
          i = k + 1;
          last = 'import(';
        } else last = 'import';
      } else if (word === 'from') {
        last = 'from';
      } else if (word === 'export') {
        last = 'export';
      } else if (last === 'import' || last === 'export') {
        // `import type`, `import x`, `export *`…: keep waiting for `from`.
      } else {
        last = 'other';
      }
    } else if (/\s/.test(ch)) {
      i++;
    } else {
      // Punctuation inside an import/export clause (`{ a, b as c }`, `* as ns`) keeps the state.
      if (!((last === 'import' || last === 'export') && /[{},*]/.test(ch))) last = 'other';
      i++;
    }
  }
  return out;
}

interface CachedScan {
  key: string;
  specifiers: string[];
}

const scanCache = new Map<string, CachedScan>();

function statKey(stat: fs.Stats): string {
  return `${stat.size}:${stat.mtimeMs}:${stat.ino}`;
}

/** Specifiers of one file, rescanned only when its size, mtime or inode changed. */
function fileSpecifiers(file: string, stat: fs.Stats): string[] {
  const key = statKey(stat);
  const cached = scanCache.get(file);
  if (cached && cached.key === key) return cached.specifiers;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const specifiers = [...new Set(scanImportSpecifiers(text))];
  scanCache.set(file, { key, specifiers });
  return specifiers;
}

/** Forgets every scanned file (tests). */
export function clearDenoImportCache(): void {
  scanCache.clear();
}

export interface SourceImport {
  specifier: string;
  /** Absolute path of the importing file. */
  file: string;
  devOnly: boolean;
}

/** Every import specifier in the package's source files (nested packages with their own deno.json are not entered). */
export function packageSourceImports(dir: string): SourceImport[] {
  const out: SourceImport[] = [];
  const walk = (current: string, rel: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(current, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch {
      return;
    }
    if (rel !== '' && entries.some((e) => e.isFile() && (e.name === 'deno.json' || e.name === 'deno.jsonc'))) return;
    for (const entry of entries) {
      const name = entry.name;
      const abs = path.join(current, name);
      const childRel = rel === '' ? name : `${rel}/${name}`;
      if (entry.isDirectory()) {
        if (!name.startsWith('.') && !SKIP_DIRS.has(name)) walk(abs, childRel);
      } else if (entry.isFile() && SOURCE.test(name) && !name.endsWith('.d.ts')) {
        let stat: fs.Stats;
        try {
          stat = fs.statSync(abs);
        } catch {
          continue;
        }
        const devOnly = isDevOnlySource(childRel);
        for (const specifier of fileSpecifiers(abs, stat)) out.push({ specifier, file: abs, devOnly });
      }
    }
  };
  walk(dir, '');
  return out;
}

/** The member directories (absolute) of the Deno workspace whose root config is in `rootDir`, if it has one. */
export function denoWorkspaceMembers(rootDir: string): string[] | undefined {
  for (const name of ['deno.json', 'deno.jsonc']) {
    let text: string;
    try {
      text = fs.readFileSync(path.join(rootDir, name), 'utf8');
    } catch {
      continue;
    }
    let json: unknown;
    try {
      // Loaded here: json-text brings the manifest readers' helpers (semver), which the plugin entry must not load.
      const { stripJsonc } = require('./json-text') as typeof import('./json-text');
      json = JSON.parse(stripJsonc(text));
    } catch {
      return undefined; // a broken root config is the package reader's to report
    }
    const workspace = (json as { workspace?: unknown })?.workspace;
    const entries = Array.isArray(workspace) ? workspace : (workspace as { members?: unknown })?.members;
    if (!Array.isArray(entries)) return undefined;
    const members: string[] = [];
    for (const entry of entries) {
      if (typeof entry !== 'string') continue;
      if (entry.endsWith('/*')) {
        const parent = path.resolve(rootDir, entry.slice(0, -2));
        try {
          for (const d of fs.readdirSync(parent, { withFileTypes: true })) if (d.isDirectory()) members.push(path.join(parent, d.name));
        } catch {
          // a member glob over a missing directory matches nothing
        }
      } else members.push(path.resolve(rootDir, entry));
    }
    return members;
  }
  return undefined;
}

/**
 * The Deno workspaces above the given package directories, up to (and including) `workspaceRoot`:
 * member directory → true when it is a member of one. Each candidate root is read once per call.
 */
export function denoWorkspaceMemberDirs(workspaceRoot: string, packageDirs: readonly string[]): Set<string> {
  const root = path.resolve(workspaceRoot);
  const read = new Map<string, string[] | undefined>();
  const members = new Set<string>();
  for (const dir of packageDirs) {
    for (let current = path.dirname(dir); ; current = path.dirname(current)) {
      if (!read.has(current)) read.set(current, denoWorkspaceMembers(current));
      const list = read.get(current);
      if (list?.includes(dir)) {
        members.add(dir);
        break;
      }
      if (current === root || path.dirname(current) === current || !current.startsWith(root)) break;
    }
  }
  return members;
}
