import path from 'node:path';
import type { MonochangeConfig, PackageConfig } from '../core/config/types';
import { normaliseRoot } from '../core/run/target';
import { findExistingProject } from './existing-project';
import type { NxRunRequest } from './nx-argv';

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
  return Object.fromEntries(config.packages.map((pkg) => [findExistingProject(config.root, pkg.path)?.name ?? pkg.id, { data: { root: pkg.path, tags: [] } }]));
}

/** The Nx project of each declared package (by root), else the package id. */
export function projectNamer(projects: NxProjects): (pkg: PackageConfig) => string {
  const byRoot = new Map(Object.entries(projects).map(([name, node]) => [normaliseRoot(node.data.root), name]));
  return (pkg) => byRoot.get(normaliseRoot(pkg.path)) ?? pkg.id;
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
