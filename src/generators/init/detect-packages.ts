import { getProjects, joinPathFragments, type Tree } from '@nx/devkit';
import type { Ecosystem } from '../../core/types';
import { packageIdFor, sniffManifest, WALKED_MANIFESTS, type SniffedManifest } from './manifest-sniff';

export interface DetectedPackage {
  /** `[package.<id>]` key, unique in the workspace. */
  id: string;
  /** Package directory relative to the workspace root (`.` for the root). */
  path: string;
  type: Ecosystem;
  /** Registry name from the manifest. */
  name: string;
  /** Manifest file, relative to the workspace root. */
  manifest: string;
}

/** Directories never searched for manifests (dependencies, build output, tool state). */
export const SKIPPED_DIRS = new Set(['node_modules', '.git', 'dist', 'target', '.nx', '.dart_tool', 'vendor']);

/** Deno manifests in lookup order: one Deno package per directory. */
const DENO_FILES = ['deno.json', 'deno.jsonc', 'jsr.json'];

/**
 * The workspace's publishable packages: npm packages from the Nx projects (a package.json that is
 * not private and has a name and version), and Cargo, Python, Go, Dart/Flutter and Deno/JSR
 * packages from manifests anywhere in the tree. Sorted by path, then ecosystem; ids de-duplicated.
 */
export function detectPackages(tree: Tree): DetectedPackage[] {
  const found: Omit<DetectedPackage, 'id'>[] = [];
  const projects = getProjects(tree);
  for (const [, project] of projects) {
    const root = normalizeDir(project.root);
    const manifest = joinPathFragments(root, 'package.json');
    const text = tree.read(manifest, 'utf-8');
    if (text === null) continue;
    const sniffed = sniffManifest('package.json', text);
    if (!sniffed || sniffed.private || !sniffed.hasVersion) continue;
    if (found.some((f) => f.path === root && f.type === 'npm')) continue;
    found.push({ path: root, type: 'npm', name: sniffed.name, manifest: relative(manifest) });
  }
  walk(tree, '', found);
  found.sort((a, b) => (a.path === b.path ? a.type.localeCompare(b.type) : a.path.localeCompare(b.path)));
  const projectAtRoot = new Map([...projects].map(([name, p]) => [normalizeDir(p.root), name]));
  return assignIds(found, projectAtRoot);
}

function walk(tree: Tree, dir: string, found: Omit<DetectedPackage, 'id'>[]): void {
  const children = tree.children(dir).sort();
  let denoSeen = false;
  for (const file of [...DENO_FILES, ...WALKED_MANIFESTS.filter((f) => !DENO_FILES.includes(f))]) {
    if (!children.includes(file)) continue;
    const path = joinPathFragments(dir, file);
    if (!tree.isFile(path)) continue;
    const isDeno = DENO_FILES.includes(file);
    if (isDeno && denoSeen) continue;
    const sniffed: SniffedManifest | undefined = sniffManifest(file, tree.read(path, 'utf-8') ?? '');
    if (!sniffed || sniffed.private) continue;
    if (isDeno) denoSeen = true;
    found.push({ path: normalizeDir(dir), type: sniffed.ecosystem, name: sniffed.name, manifest: relative(path) });
  }
  for (const child of children) {
    if (SKIPPED_DIRS.has(child)) continue;
    const path = joinPathFragments(dir, child);
    if (!tree.isFile(path)) walk(tree, path, found);
  }
}

/**
 * Ids are unique, and never the name of an Nx project at another root: the plugin names the project
 * of a package without one after its id, which must not clash with an existing project.
 */
function assignIds(found: Omit<DetectedPackage, 'id'>[], projectAtRoot: Map<string, string>): DetectedPackage[] {
  const reserved = new Set(projectAtRoot.values());
  const used = new Set<string>();
  const free = (id: string, path: string) => !used.has(id) && (!reserved.has(id) || projectAtRoot.get(path) === id);
  return found.map((pkg) => {
    const base = packageIdFor(pkg.type, pkg.name);
    let id = base;
    if (!free(id, pkg.path)) id = `${base}-${pkg.type}`;
    for (let n = 2; !free(id, pkg.path); n++) id = `${base}-${n}`;
    used.add(id);
    return { id, ...pkg };
  });
}

function normalizeDir(dir: string): string {
  const clean = dir.replace(/\\/g, '/').replace(/^\.\/+/, '').replace(/\/+$/, '');
  return clean === '' ? '.' : clean;
}

function relative(path: string): string {
  return path.replace(/^\.?\/+/, '');
}
