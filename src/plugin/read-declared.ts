import { readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { pathProbe } from '../core/config/relative-path';
import { CONFIG_FILE_NAME, type MonochangeConfig, type PackageConfig } from '../core/config/types';
import { memoFileReader, type FileReader } from '../core/manifests/file-reader';
import { MANIFEST_FILES, type Manifest } from '../core/manifests/types';
import { collectPackageEdges, type PackageEdge } from '../core/publish/package-edges';

/** Everything the plugin knows about the declared packages, read once per graph computation. */
export interface DeclaredWorkspace {
  config: MonochangeConfig;
  manifests: Map<string, Manifest>;
  edges: PackageEdge[];
  /** Per-package manifest errors, with the workspace-relative manifest file. */
  errors: Array<{ id: string; file: string; error: unknown }>;
}

/**
 * The config parser (zod, smol-toml) and the manifest readers are loaded when the first graph is
 * computed, not when Nx loads the plugin: a process that only runs the task hooks never needs them.
 */
const configModule = () => require('../core/config') as typeof import('../core/config');
const manifestsModule = () => require('../core/manifests/read-manifest') as typeof import('../core/manifests/read-manifest');

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

/** Best guess of the manifest a failed read was about, for Nx's per-file error heading. */
function manifestFileFor(root: string, pkg: PackageConfig, error: unknown): string {
  const file = (error as { details?: { file?: unknown } })?.details?.file;
  if (typeof file === 'string' && file !== '') return toPosix(relative(root, resolve(root, file)) || file);
  return toPosix(join(pkg.path, MANIFEST_FILES[pkg.type][0]));
}

/**
 * Nx calls createNodes and then createDependencies in the same plugin worker (and again on every
 * change under the daemon), each reading the same config and manifests. What was parsed is kept for
 * the life of the process and reused only while every input is unchanged: the config text and the
 * paths its parse checked (package directories and placeholder README files exist, and do not lead
 * out of the workspace), and for a manifest the exact text of every file its reader read (and the
 * answer of every existence check). Comparing texts, not timestamps, so an edit within a
 * timestamp's resolution is never missed; createDependencies compares them with the hashes of Nx's
 * file map instead of reading the files again (see `sameAsNx`).
 */
const configCache = new Map<string, { text: string; config: MonochangeConfig }>();
const manifestCache = new Map<string, { inputs: Input[]; manifest: Manifest }>();

type Input = { file: string; text: string | undefined } | { file: string; exists: boolean };

/** Drops everything remembered (tests). */
export function clearDeclaredCache(): void {
  configCache.clear();
  manifestCache.clear();
}

/**
 * Whether the paths a parse of the same text checked would still pass: every package path is a
 * directory that does not lead out of the workspace, every placeholder `readme_file` a file.
 */
function pathsStillValid(root: string, config: MonochangeConfig): boolean {
  const paths = pathProbe(root);
  const readmes = [...Object.values(config.ecosystems), ...config.packages.map((p) => p.publish)].flatMap((s) => s.placeholder.readmeFile ?? []);
  return (
    config.packages.every((p) => paths.kind(p.path) === 'directory' && paths.outside(p.path) === undefined) &&
    readmes.every((file) => paths.kind(file) === 'file')
  );
}

/** The root monochange.toml; errors name it workspace-relative, as Nx does for its own files. */
function readConfig(workspaceRoot: string): MonochangeConfig {
  let text: string;
  try {
    text = readFileSync(join(workspaceRoot, CONFIG_FILE_NAME), 'utf8');
  } catch {
    return configModule().loadConfig(workspaceRoot); // absent or unreadable: the core's error says which
  }
  const cached = configCache.get(workspaceRoot);
  if (cached && cached.text === text && pathsStillValid(workspaceRoot, cached.config)) return cached.config;
  configCache.delete(workspaceRoot);
  const config = configModule().parseConfig(text, { file: CONFIG_FILE_NAME, root: workspaceRoot });
  configCache.set(workspaceRoot, { text, config });
  return config;
}

/** What each memo value of a per-call reader was computed from (per reader: the memo is per call). */
const memoInputs = new WeakMap<FileReader, Map<string, Input[]>>();

/** A reader that notes what `base` answered, for the manifest cache to check next time. */
function recording(base: FileReader, inputs: Input[]): FileReader {
  let byKey = memoInputs.get(base);
  if (!byKey) memoInputs.set(base, (byKey = new Map()));
  const known = byKey;
  return {
    readText(file) {
      try {
        const text = base.readText(file);
        inputs.push({ file, text });
        return text;
      } catch (error) {
        inputs.push({ file, text: undefined });
        throw error;
      }
    },
    exists(file) {
      const exists = base.exists(file);
      inputs.push({ file, exists });
      return exists;
    },
    // A memo value computed for another package was read through that package's recorder: note
    // the files it came from here too.
    memo<T>(key: string, compute: () => T): T {
      const start = inputs.length;
      let computed = false;
      const value = base.memo(key, () => {
        computed = true;
        return compute();
      });
      if (computed) known.set(key, inputs.slice(start));
      else inputs.push(...(known.get(key) ?? []));
      return value;
    },
  };
}

/** Whether every input still reads the same; what Nx vouches for (`sameAsNx`) is not read again. */
function unchanged(inputs: readonly Input[], reader: FileReader, sameAsNx: ReadDeclaredOptions['sameAsNx']): boolean {
  return inputs.every((input) => {
    if ('exists' in input) return reader.exists(input.file) === input.exists;
    const vouched = input.text === undefined ? undefined : sameAsNx?.(input.file, input.text);
    if (vouched !== undefined) return vouched;
    let text: string | undefined;
    try {
      text = reader.readText(input.file);
    } catch {
      text = undefined;
    }
    return text === input.text;
  });
}

function readManifestCached(root: string, pkg: PackageConfig, reader: FileReader, sameAsNx: ReadDeclaredOptions['sameAsNx']): Manifest {
  const key = `${root}\0${pkg.id}\0${pkg.type}\0${pkg.path}`;
  const cached = manifestCache.get(key);
  if (cached && unchanged(cached.inputs, reader, sameAsNx)) return cached.manifest;
  manifestCache.delete(key);
  const inputs: Input[] = [];
  const manifest = manifestsModule().readManifest(root, pkg, recording(reader, inputs));
  manifestCache.set(key, { inputs, manifest });
  return manifest;
}

export interface ReadDeclaredOptions {
  /** Where manifests are read from; default: a fresh memo for this call (each file read once). */
  reader?: FileReader;
  /**
   * The declared packages whose manifests to read (default: all). Edges are then collected among
   * them alone, and `manifests`/`errors` cover only them; `config` always has every package.
   */
  select?: (packages: readonly PackageConfig[]) => readonly PackageConfig[];
  /**
   * Whether Nx, in this graph computation, has the same text for a file (absolute path) as a
   * remembered manifest was read from: `true` the same, `false` another, `undefined` unknown (then
   * the file is read again). createDependencies answers from Nx's file map, so remembered manifests
   * are checked without reading their files a second time.
   */
  sameAsNx?: (file: string, text: string) => boolean | undefined;
}

/** Loads `monochange.toml` (throws on a bad config) and every manifest (collects errors per package). */
export function readDeclaredWorkspace(workspaceRoot: string, options: ReadDeclaredOptions = {}): DeclaredWorkspace {
  const config = readConfig(workspaceRoot);
  const reader = options.reader ?? memoFileReader();
  const packages = options.select ? options.select(config.packages) : config.packages;
  const manifests = new Map<string, Manifest>();
  const errors: DeclaredWorkspace['errors'] = [];
  for (const pkg of packages) {
    try {
      manifests.set(pkg.id, readManifestCached(workspaceRoot, pkg, reader, options.sameAsNx));
    } catch (error) {
      errors.push({ id: pkg.id, file: manifestFileFor(workspaceRoot, pkg, error), error });
    }
  }
  return { config, manifests, errors, edges: collectPackageEdges(workspaceRoot, packages, manifests) };
}
