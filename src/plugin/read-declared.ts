import { readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { loadConfig, parseConfig } from '../core/config';
import { CONFIG_FILE_NAME, type MonochangeConfig, type PackageConfig } from '../core/config/types';
import { readManifest } from '../core/manifests';
import { MANIFEST_FILES, type Manifest } from '../core/manifests/types';
import { collectPackageEdges, type PackageEdge } from './package-edges';

/** Everything the plugin knows about the declared packages, read once per graph computation. */
export interface DeclaredWorkspace {
  config: MonochangeConfig;
  manifests: Map<string, Manifest>;
  edges: PackageEdge[];
  /** Per-package manifest errors, with the workspace-relative manifest file. */
  errors: Array<{ id: string; file: string; error: unknown }>;
}

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
    return loadConfig(workspaceRoot); // absent or unreadable: the core's error says which
  }
  return parseConfig(text, { file: CONFIG_FILE_NAME, root: workspaceRoot });
}

/** Loads `monochange.toml` (throws on a bad config) and every manifest (collects errors per package). */
export function readDeclaredWorkspace(workspaceRoot: string): DeclaredWorkspace {
  const config = readConfig(workspaceRoot);
  const manifests = new Map<string, Manifest>();
  const errors: DeclaredWorkspace['errors'] = [];
  for (const pkg of config.packages) {
    try {
      manifests.set(pkg.id, readManifest(workspaceRoot, pkg));
    } catch (error) {
      errors.push({ id: pkg.id, file: manifestFileFor(workspaceRoot, pkg, error), error });
    }
  }
  return { config, manifests, errors, edges: collectPackageEdges(workspaceRoot, config.packages, manifests) };
}
