import { readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
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
const manifestsModule = () => require('../core/manifests') as typeof import('../core/manifests');

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

/** Best guess of the manifest a failed read was about, for Nx's per-file error heading. */
function manifestFileFor(root: string, pkg: PackageConfig, error: unknown): string {
  const file = (error as { details?: { file?: unknown } })?.details?.file;
  if (typeof file === 'string' && file !== '') return toPosix(relative(root, resolve(root, file)) || file);
  return toPosix(join(pkg.path, MANIFEST_FILES[pkg.type][0]));
}

/** The root monochange.toml; errors name it workspace-relative, as Nx does for its own files. */
function readConfig(workspaceRoot: string): MonochangeConfig {
  let text: string;
  try {
    text = readFileSync(join(workspaceRoot, CONFIG_FILE_NAME), 'utf8');
  } catch {
    return configModule().loadConfig(workspaceRoot); // absent or unreadable: the core's error says which
  }
  return configModule().parseConfig(text, { file: CONFIG_FILE_NAME, root: workspaceRoot });
}

export interface ReadDeclaredOptions {
  /** Where manifests are read from; default: a fresh memo for this call (each file read once). */
  reader?: FileReader;
  /**
   * The declared packages whose manifests to read (default: all). Edges are then collected among
   * them alone, and `manifests`/`errors` cover only them; `config` always has every package.
   */
  select?: (packages: readonly PackageConfig[]) => readonly PackageConfig[];
}

/** Loads `monochange.toml` (throws on a bad config) and every manifest (collects errors per package). */
export function readDeclaredWorkspace(workspaceRoot: string, options: ReadDeclaredOptions = {}): DeclaredWorkspace {
  const config = readConfig(workspaceRoot);
  const reader = options.reader ?? memoFileReader();
  const packages = options.select ? options.select(config.packages) : config.packages;
  const { readManifest } = manifestsModule();
  const manifests = new Map<string, Manifest>();
  const errors: DeclaredWorkspace['errors'] = [];
  for (const pkg of packages) {
    try {
      manifests.set(pkg.id, readManifest(workspaceRoot, pkg, reader));
    } catch (error) {
      errors.push({ id: pkg.id, file: manifestFileFor(workspaceRoot, pkg, error), error });
    }
  }
  return { config, manifests, errors, edges: collectPackageEdges(workspaceRoot, packages, manifests) };
}
