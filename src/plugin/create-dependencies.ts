import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CreateDependencies, CreateDependenciesContext, RawProjectGraphDependency } from '@nx/devkit';
import { CONFIG_FILE_NAME, type PackageConfig } from '../core/config/types';
import { nxApi, type NxApi } from './nx-api';
import type { MonochangePluginOptions } from './options';
import { projectRootOf } from './create-nodes';
import { ordersPublishing } from '../core/publish/publish-order';
import { readDeclaredWorkspace, type DeclaredWorkspace } from './read-declared';

/**
 * Static edges between declared packages from their manifests (Cargo, pyproject, go.mod, pubspec,
 * deno.json). npm → npm edges are Nx's own (package.json); dev-only dependencies add no edge.
 */
export const createDependencies: CreateDependencies<MonochangePluginOptions> = (_options, context) => {
  const root = context.workspaceRoot;
  if (!existsSync(join(root, CONFIG_FILE_NAME))) return [];
  let workspace: DeclaredWorkspace;
  try {
    workspace = readDeclaredWorkspace(root, { select: edgeSources });
  } catch {
    return []; // createNodes already reports a bad monochange.toml under its file.
  }
  return dependenciesFrom(workspace, context);
};

/**
 * The packages whose manifests can give an edge drawn here. A dependency links packages of one
 * registry namespace (a crate to a crate, a pub package to a pub package…), except deno.json's
 * `npm:` imports, which reach npm packages. npm → npm edges are Nx's own, so package.json files
 * are read only when a deno package could import an npm one: in a workspace of npm packages and
 * crates, only the Cargo.toml files are read.
 */
export function edgeSources(packages: readonly PackageConfig[]): readonly PackageConfig[] {
  return packages.some((p) => p.type === 'deno') ? packages : packages.filter((p) => p.type !== 'npm');
}

export function dependenciesFrom({ config, edges }: DeclaredWorkspace, context: CreateDependenciesContext): RawProjectGraphDependency[] {
  const projectAt = new Map(Object.entries(context.projects).map(([name, p]) => [p.root, name]));
  const packages = new Map(config.packages.map((p) => [p.id, p]));
  const out: RawProjectGraphDependency[] = [];
  const seen = new Set<string>();
  let nx: NxApi | undefined; // loaded with the first edge to validate
  for (const edge of edges) {
    if (!ordersPublishing(edge.kind) || edge.uncertain) continue;
    const from = packages.get(edge.from)!;
    const to = packages.get(edge.to)!;
    if (from.type === 'npm' && to.type === 'npm') continue;
    const source = projectAt.get(projectRootOf(from.path));
    const target = projectAt.get(projectRootOf(to.path));
    if (!source || !target || source === target || seen.has(`${source}\0${target}`)) continue;
    nx ??= nxApi();
    const dependency: RawProjectGraphDependency = {
      source,
      target,
      type: nx.DependencyType.static,
      sourceFile: edge.sourceFile,
    };
    try {
      nx.validateDependency(dependency, context);
    } catch {
      continue; // e.g. the manifest is git-ignored, so Nx does not know the file
    }
    seen.add(`${source}\0${target}`);
    out.push(dependency);
  }
  return out;
}
