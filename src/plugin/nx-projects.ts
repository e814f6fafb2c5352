import path from 'node:path';
import type { MonochangeConfig, PackageConfig } from '../core/config/types';
import { normaliseRoot } from '../core/run/target';
import { findExistingProject } from './existing-project';
import type { NxRunRequest } from './nx-argv';
import { declaredProjectNames } from './project-name';

/** The Nx projects a run knows: name → root and tags (the slice of Nx's graph nodes pattern matching reads). */
export type NxProjects = Record<string, { data: { root: string; tags?: string[] } }>;

/**
 * The workspace's projects as Nx computed them for this run: the cached project graph, which Nx
 * writes before it runs task hooks. Without one (`NX_CACHE_PROJECT_GRAPH=false`), the declared
 * packages under the names the plugin gives them; tags are then unknown, so `tag:` patterns
 * select none of them.
 */
export function nxProjects(config: MonochangeConfig): NxProjects {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the workspace's own nx, loaded only by runs of our targets
    const nx = require('nx/src/devkit-exports') as typeof import('@nx/devkit');
    // Nx reads the graph of the workspace it runs in; a script elsewhere must not get another's.
    if (path.resolve(nx.workspaceRoot) === path.resolve(config.root)) return nx.readCachedProjectGraph().nodes;
  } catch {
    // no cached graph: the declared packages below
  }
  const existing = new Map(config.packages.map((pkg) => [pkg.id, findExistingProject(config.root, pkg.path)?.name]));
  const name = declaredProjectNames(config.packages, (id) => existing.get(id), configFileName(config));
  return Object.fromEntries(config.packages.map((pkg) => [name(pkg.id), { data: { root: pkg.path, tags: [] } }]));
}

/**
 * The Nx project of each declared package (by root), else the name the plugin gives it. Throws,
 * as the plugin warns, when two packages would share a name (see declaredProjectNames).
 */
export function projectNamer(projects: NxProjects, config: Pick<MonochangeConfig, 'root' | 'file' | 'packages'>): (pkg: PackageConfig) => string {
  const byRoot = new Map(Object.entries(projects).map(([name, node]) => [normaliseRoot(node.data.root), name]));
  const rootOf = new Map(config.packages.map((pkg) => [pkg.id, normaliseRoot(pkg.path)]));
  const name = declaredProjectNames(config.packages, (id) => byRoot.get(rootOf.get(id)!), configFileName(config));
  return (pkg) => byRoot.get(normaliseRoot(pkg.path)) ?? name(pkg.id);
}

function configFileName(config: Pick<MonochangeConfig, 'root' | 'file'>): string {
  return path.relative(config.root, config.file) || config.file;
}

/** Project names matching Nx patterns, matched by Nx itself (names, globs, directories, `tag:`, `!`). */
export function matchingProjects(patterns: readonly string[], projects: NxProjects): Set<string> {
  if (!patterns.length) return new Set();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- Nx's own pattern matcher, from the workspace's nx
  const { findMatchingProjects } = require('nx/src/devkit-internals') as {
    findMatchingProjects: (patterns: string[], projects: NxProjects) => string[];
  };
  return new Set(findMatchingProjects([...patterns], projects));
}

/** The projects a command line selects: its `--projects` (all when none) without its `--exclude`. */
export function selectedProjects(request: Pick<NxRunRequest, 'projects' | 'exclude'>, projects: NxProjects): Set<string> {
  const chosen = request.projects.length ? matchingProjects(request.projects, projects) : new Set(Object.keys(projects));
  const excluded = matchingProjects(request.exclude, projects);
  return new Set([...chosen].filter((name) => !excluded.has(name)));
}
