import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * What the plugin's graph results (createNodes' projects, createDependencies' candidate edges and
 * the warnings printed on the way) are kept on disk with, between graph computations: every file
 * system question the computation asked, with its answer. A result is reused only while every
 * question still gets the same answer.
 *
 * The questions are recorded at the `fs` module itself while the (synchronous) computation runs,
 * so nothing the config parser or a manifest reader consults can be left out, whichever module
 * asks. A file that was read is identified by its size, inode, modification and change times. Those
 * are taken after the computation (off the path Nx waits on), so a file whose change time is
 * within `RACY_MS` of the computation's start or later is identified by a hash of what was read
 * instead: a write after the read always moves the change time past the start, and a second write
 * within one timestamp tick would leave the times as they were. Any file system call the recorder
 * does not know how to check again makes the result uncacheable.
 */
export type FsInput =
  /** read: [size, inode, mtimeMs, ctimeMs] of the file, its times settled before the computation started (see above). */
  | ['f', string, number, number, number, number]
  /** read, the file changed just before the computation started or since: a hash of what was read. */
  | ['h', string, string]
  /** stat/lstat kind: 'd' directory, 'f' file (with its signature), 'l' symlink, 'o' other, '-' missing. */
  | ['s' | 'l', string, string, ...number[]]
  /** existsSync. */
  | ['x', string, boolean]
  /** readdirSync with these options: digest of the listing. */
  | ['d', string, string, string]
  /** realpathSync / realpathSync.native: the resolved path, or '' when it threw. */
  | ['p' | 'n', string, string];

export interface RecordedRun<T> {
  value: T;
  /**
   * The questions and answers, with the files read fingerprinted now (call it when convenient,
   * once); undefined: the computation asked something that cannot be checked again (do not cache).
   */
  inputs: () => FsInput[] | undefined;
}

type FsModule = typeof fs;
type Patched = Pick<FsModule, 'readFileSync' | 'existsSync' | 'statSync' | 'lstatSync' | 'readdirSync' | 'realpathSync'>;
const UNCHECKABLE = ['accessSync', 'openSync', 'opendirSync', 'readlinkSync', 'readSync', 'fstatSync', 'statfsSync'] as const;

const real = {
  readFileSync: fs.readFileSync,
  existsSync: fs.existsSync,
  statSync: fs.statSync,
  lstatSync: fs.lstatSync,
  readdirSync: fs.readdirSync,
  realpathSync: fs.realpathSync,
  realpathNative: fs.realpathSync.native,
};

/** The path's stat, or undefined when it cannot be had (missing, or anything else: a different answer all the same). */
function statOf(file: string, link = false): fs.Stats | undefined {
  try {
    return (link ? real.lstatSync : real.statSync)(file);
  } catch {
    return undefined;
  }
}

function kindOf(stat: fs.Stats | undefined): string {
  if (!stat) return '-';
  return stat.isFile() ? 'f' : stat.isDirectory() ? 'd' : stat.isSymbolicLink() ? 'l' : 'o';
}

function signature(stat: fs.Stats): [number, number, number, number] {
  return [stat.size, stat.ino, stat.mtimeMs, stat.ctimeMs];
}

function statInput(op: 's' | 'l', file: string, stat: fs.Stats | undefined): FsInput {
  const kind = kindOf(stat);
  return kind === 'f' ? [op, file, kind, ...signature(stat!)] : [op, file, kind];
}

/** Files whose times are this close to the computation are compared by contents (ms; covers 2 s timestamp granularity). */
const RACY_MS = 3000;

function contentDigest(data: string | Buffer): string {
  return createHash('sha1').update(data).digest('base64');
}

function listingDigest(entries: unknown[]): string {
  const names = entries.map((e) =>
    typeof e === 'string' ? e : e instanceof fs.Dirent ? `${e.name}/${e.isDirectory() ? 'd' : e.isFile() ? 'f' : e.isSymbolicLink() ? 'l' : 'o'}` : String(e),
  );
  return createHash('sha1').update(names.join('\0')).digest('base64');
}

/**
 * Runs the synchronous `compute` with every file system question it asks recorded. Only one
 * recording at a time (the plugin's computation is synchronous, so nothing else runs meanwhile).
 */
export function recordFsInputs<T>(compute: () => T, now: () => number = Date.now): RecordedRun<T> {
  const start = now();
  const inputs = new Map<string, FsInput>();
  /** Files read, with what was read: fingerprinted afterwards (see `fingerprint`). */
  const reads = new Map<string, string | Buffer>();
  let checkable = true;
  const note = (input: FsInput, extra = '') => {
    const key = `${input[0]}\0${input[1]}\0${extra}`;
    const seen = inputs.get(key);
    // Asked twice with different answers: the file changed while it was being read.
    if (seen && JSON.stringify(seen) !== JSON.stringify(input)) checkable = false;
    inputs.set(key, input);
  };
  const pathOf = (p: unknown): string | undefined => (typeof p === 'string' ? resolve(p) : undefined);
  const mod = fs as unknown as Record<string, unknown>;
  const saved = new Map<string, unknown>();
  // Calls made by a patched function itself (readFileSync opens and reads through fs.openSync and
  // fs.readSync) are part of the call being recorded: they go straight through.
  let depth = 0;
  const patch = (name: string, fn: unknown) => {
    const original = mod[name] as (...a: unknown[]) => unknown;
    const recorded = fn as (...a: unknown[]) => unknown;
    saved.set(name, original);
    const wrapper = (...args: unknown[]) => {
      if (depth > 0) return original(...args);
      depth++;
      try {
        return recorded(...args);
      } finally {
        depth--;
      }
    };
    mod[name] = Object.assign(wrapper, original === real.realpathSync ? { native: (recorded as unknown as { native: unknown }).native } : {});
  };

  patch('readFileSync', ((file: unknown, ...rest: unknown[]) => {
    const path = pathOf(file);
    if (path === undefined) {
      checkable = false;
      return (real.readFileSync as (...a: unknown[]) => unknown)(file, ...rest);
    }
    let data: unknown;
    try {
      data = (real.readFileSync as (...a: unknown[]) => unknown)(file, ...rest);
    } catch (error) {
      // Missing, or a directory: checked again by kind. Anything else (permissions…) is not cached.
      const stat = statOf(path);
      if (stat && !stat.isDirectory()) checkable = false;
      else note(statInput('s', path, stat));
      throw error;
    }
    const encoding = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { encoding?: unknown } | null | undefined)?.encoding;
    const text = typeof data === 'string' && (encoding === 'utf8' || encoding === 'utf-8');
    const seen = reads.get(path);
    if (!(text || Buffer.isBuffer(data))) checkable = false;
    // Read twice with different contents: the file changed while it was being read.
    else if (seen !== undefined && !sameData(seen, data as string | Buffer)) checkable = false;
    else reads.set(path, data as string | Buffer);
    return data;
  }) as Patched['readFileSync']);
  patch('existsSync', ((file: unknown) => {
    const found = real.existsSync(file as string);
    const path = pathOf(file);
    if (path === undefined) checkable = false;
    else note(['x', path, found]);
    return found;
  }) as Patched['existsSync']);
  for (const [name, op] of [
    ['statSync', 's'],
    ['lstatSync', 'l'],
  ] as const) {
    const original = real[name] as (...a: unknown[]) => fs.Stats | undefined;
    patch(name, (file: unknown, ...rest: unknown[]) => {
      const path = pathOf(file);
      let stat: fs.Stats | undefined;
      try {
        stat = original(file, ...rest);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || path === undefined) checkable = false;
        else note([op, path, '-']);
        throw error;
      }
      if (path === undefined || (stat !== undefined && !(stat instanceof fs.Stats))) checkable = false;
      else note(statInput(op, path, stat));
      return stat;
    });
  }
  patch('readdirSync', ((dir: unknown, opts?: unknown) => {
    const path = pathOf(dir);
    const optionsKey = JSON.stringify(opts ?? null);
    let entries: unknown[];
    try {
      entries = (real.readdirSync as (...a: unknown[]) => unknown[])(dir, opts);
    } catch (error) {
      checkable = false;
      throw error;
    }
    if (path === undefined || (typeof opts === 'object' && opts !== null && (opts as { recursive?: boolean }).recursive)) checkable = false;
    else note(['d', path, optionsKey, listingDigest(entries)], optionsKey);
    return entries;
  }) as Patched['readdirSync']);
  const realpath =
    (op: 'p' | 'n', original: (...a: unknown[]) => unknown) =>
    (file: unknown, ...rest: unknown[]) => {
      const path = pathOf(file);
      if (path === undefined) checkable = false;
      try {
        const value = original(file, ...rest);
        if (path !== undefined) note([op, path, String(value)]);
        return value;
      } catch (error) {
        if (path !== undefined) note([op, path, '']);
        throw error;
      }
    };
  const native = realpath('n', real.realpathNative as (...a: unknown[]) => unknown) as (...a: unknown[]) => unknown;
  const realpathSync = Object.assign(realpath('p', real.realpathSync as (...a: unknown[]) => unknown), {
    native: (...args: unknown[]) => {
      if (depth > 0) return (real.realpathNative as (...a: unknown[]) => unknown)(...args);
      depth++;
      try {
        return native(...args);
      } finally {
        depth--;
      }
    },
  });
  patch('realpathSync', realpathSync);
  for (const name of UNCHECKABLE) {
    const original = mod[name] as (...a: unknown[]) => unknown;
    patch(name, (...args: unknown[]) => {
      checkable = false;
      return original(...args);
    });
  }
  let value: T;
  try {
    value = compute();
  } finally {
    for (const [name, fn] of saved) mod[name] = fn;
  }
  /**
   * A file whose times are settled (changed before `start - RACY_MS`) is as it was when it was
   * read, so its times identify what was read; any other file is identified by what was read.
   */
  const fingerprint = (): FsInput[] | undefined => {
    if (!checkable) return undefined;
    const out = [...inputs.values()];
    for (const [path, data] of reads) {
      const stat = statOf(path);
      if (!stat?.isFile()) return undefined;
      out.push(Math.max(stat.mtimeMs, stat.ctimeMs) >= start - RACY_MS ? ['h', path, contentDigest(data)] : ['f', path, ...signature(stat)]);
    }
    return out;
  };
  return { value, inputs: fingerprint };
}

function sameData(a: string | Buffer, b: string | Buffer): boolean {
  return typeof a === 'string' || typeof b === 'string' ? a === b : a.equals(b);
}

/** Whether every recorded question still gets the same answer. */
export function inputsUnchanged(inputs: readonly FsInput[]): boolean {
  for (const input of inputs) {
    const [op, path] = input;
    switch (op) {
      case 'f': {
        const stat = statOf(path);
        if (!stat?.isFile()) return false;
        const [size, ino, mtime, ctime] = signature(stat);
        if (size !== input[2] || ino !== input[3] || mtime !== input[4] || ctime !== input[5]) return false;
        break;
      }
      case 'h': {
        let digest: string;
        try {
          digest = contentDigest(real.readFileSync(path));
        } catch {
          return false;
        }
        if (digest !== input[2]) return false;
        break;
      }
      case 's':
      case 'l': {
        const now = statInput(op, path, statOf(path, op === 'l'));
        if (now.length !== input.length || now.some((v, i) => v !== input[i])) return false;
        break;
      }
      case 'x':
        if (real.existsSync(path) !== input[2]) return false;
        break;
      case 'd': {
        let entries: unknown[];
        try {
          entries = (real.readdirSync as (...a: unknown[]) => unknown[])(path, JSON.parse(input[2]) ?? undefined);
        } catch {
          return false;
        }
        if (listingDigest(entries) !== input[3]) return false;
        break;
      }
      case 'p':
      case 'n': {
        let value = '';
        try {
          value = String((op === 'p' ? real.realpathSync : real.realpathNative)(path));
        } catch {
          value = '';
        }
        if (value !== input[2]) return false;
        break;
      }
      default:
        return false;
    }
  }
  return true;
}

/** One cached graph computation of the plugin. */
export interface GraphCacheEntry<Nodes, Edges> {
  key: string;
  inputs: FsInput[];
  /** Files asked of Nx's file list (workspace-relative) and its answers, asked again on reuse. */
  listed?: Array<[string, boolean]>;
  nodes: Nodes;
  edges: Edges;
  /** Lines printed (as warnings) while computing `nodes`, printed again when it is reused. */
  warnings: string[];
}

/** The cache file of one key (a hash of everything the results depend on besides the files). */
export function graphCacheFile(dir: string, key: string): string {
  return join(dir, `monochange-graph-${key}.json`);
}

/** How many cache files (other plugin builds or options) are kept besides the one just written. */
const KEEP_OTHERS = 3;

/**
 * Removes all but the `KEEP_OTHERS` most recently written cache files other than `current`: each
 * plugin upgrade or change of options starts a new file, and nothing else removes the old ones
 * before `nx reset`. Failures are ignored.
 */
export function pruneGraphCache(current: string): void {
  const dir = dirname(current);
  try {
    const others = fs
      .readdirSync(dir)
      .filter((name) => name.startsWith('monochange-graph-') && join(dir, name) !== current)
      .map((name) => ({ file: join(dir, name), mtime: statOf(join(dir, name))?.mtimeMs ?? 0 }))
      .sort((a, b) => b.mtime - a.mtime);
    for (const { file } of others.slice(KEEP_OTHERS)) fs.rmSync(file, { force: true });
  } catch {
    // the cache is optional
  }
}

/** A hash of the key's parts, for file names. */
export function graphCacheKey(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 24);
}

/** The entry when the file holds one for `key` whose inputs are unchanged; anything unreadable or malformed is a miss. */
export function readGraphCache<Nodes, Edges>(file: string, key: string): GraphCacheEntry<Nodes, Edges> | undefined {
  let entry: GraphCacheEntry<Nodes, Edges>;
  try {
    entry = JSON.parse(real.readFileSync(file, 'utf8')) as GraphCacheEntry<Nodes, Edges>;
  } catch {
    return undefined;
  }
  if (!entry || typeof entry !== 'object' || entry.key !== key || !Array.isArray(entry.inputs) || !Array.isArray(entry.warnings)) return undefined;
  if (entry.nodes === undefined || !Array.isArray(entry.edges) || (entry.listed !== undefined && !Array.isArray(entry.listed))) return undefined;
  try {
    return inputsUnchanged(entry.inputs) ? entry : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Writes the entry through a temp file renamed into place, so a reader sees a whole file or none,
 * and of two concurrent writers one whole entry wins. Failures are ignored: the cache is optional.
 */
export function writeGraphCache<Nodes, Edges>(file: string, entry: GraphCacheEntry<Nodes, Edges>): void {
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    fs.mkdirSync(dirname(file), { recursive: true });
    fs.writeFileSync(temp, JSON.stringify(entry));
    fs.renameSync(temp, file);
  } catch {
    try {
      fs.rmSync(temp, { force: true });
    } catch {
      // nothing left to clean up
    }
  }
}
