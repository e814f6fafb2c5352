import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import type { CreateDependencies, CreateDependenciesContext, DependencyType, RawProjectGraphDependency } from '@nx/devkit';
import { CONFIG_FILE_NAME, type PackageConfig } from '../core/config/types';
import { nxTextHash } from './nx-api';
import type { MonochangePluginOptions } from './options';
import { projectRootOf, takeComputedEdges } from './create-nodes';
import type { DeclaredWorkspace } from './read-declared';

/** Loaded only when createNodes left no computed edges (see create-nodes.ts). */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
const readDeclared = () => require('./read-declared') as typeof import('./read-declared');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
const packageEdges = () => require('../core/publish/package-edges') as typeof import('../core/publish/package-edges');

/**
 * Static edges between declared packages from their manifests (Cargo, pyproject, go.mod, pubspec,
 * deno.json). npm → npm edges are Nx's own (package.json); dev-only dependencies add no edge.
 */
export const createDependencies: CreateDependencies<MonochangePluginOptions> = (options, context) => {
  const root = context.workspaceRoot;
  // The edges of the computation createNodes just made, or reused from the graph cache.
  const computed = takeComputedEdges(root, options);
  if (computed) return edgesFor(computed, context);
  if (!existsSync(join(root, CONFIG_FILE_NAME))) return [];
  let workspace: DeclaredWorkspace;
  try {
    workspace = readDeclared().readDeclaredWorkspace(root, { select: edgeSources, sameAsNx: sameAsNxFileMap(context) });
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

/** `DependencyType.static`, without loading Nx's devkit into the plugin worker for one constant. */
const STATIC = 'static' as DependencyType.static;

export function dependenciesFrom(workspace: DeclaredWorkspace, context: CreateDependenciesContext): RawProjectGraphDependency[] {
  return edgesFor(candidateEdges(workspace), context);
}

/** A publish-order edge between the project roots of two declared packages, before Nx's projects are known. */
export interface CandidateEdge {
  sourceRoot: string;
  targetRoot: string;
  sourceFile: string;
}

/** The edges the manifests give, in order: what createDependencies needs of them (and what the graph cache keeps). */
export function candidateEdges({ config, edges }: DeclaredWorkspace): CandidateEdge[] {
  const { ordersPublishing } = packageEdges();
  const packages = new Map(config.packages.map((p) => [p.id, p]));
  const out: CandidateEdge[] = [];
  for (const edge of edges) {
    if (!ordersPublishing(edge.kind) || edge.uncertain) continue;
    const from = packages.get(edge.from)!;
    const to = packages.get(edge.to)!;
    if (from.type === 'npm' && to.type === 'npm') continue;
    out.push({ sourceRoot: projectRootOf(from.path), targetRoot: projectRootOf(to.path), sourceFile: edge.sourceFile });
  }
  return out;
}

/** Nx's static dependencies for the candidates, between the projects Nx has at those roots. */
export function edgesFor(candidates: readonly CandidateEdge[], context: CreateDependenciesContext): RawProjectGraphDependency[] {
  const projectAt = new Map(Object.entries(context.projects).map(([name, p]) => [p.root, name]));
  const known = knownFiles(context);
  const out: RawProjectGraphDependency[] = [];
  const seen = new Set<string>();
  for (const edge of candidates) {
    const source = projectAt.get(edge.sourceRoot);
    const target = projectAt.get(edge.targetRoot);
    if (!source || !target || source === target || seen.has(`${source}\0${target}`)) continue;
    if (!known(source, edge.sourceFile)) continue; // e.g. the manifest is git-ignored, so Nx does not know the file
    seen.add(`${source}\0${target}`);
    out.push({ source, target, type: STATIC, sourceFile: edge.sourceFile });
  }
  return out;
}

/**
 * Whether Nx knows `file` as a file of project `source` or as a file of no project: what Nx's
 * `validateDependency` checks of a static edge between two projects of the graph (it throws
 * otherwise), asked here without loading Nx's devkit into the plugin worker.
 */
function knownFiles(context: CreateDependenciesContext): (source: string, file: string) => boolean {
  const byProject = new Map<string, Set<string>>();
  let outside: Set<string> | undefined;
  return (source, file) => {
    let files = byProject.get(source);
    if (!files) byProject.set(source, (files = new Set((context.fileMap.projectFileMap[source] ?? []).map((f) => f.file))));
    if (files.has(file)) return true;
    outside ??= new Set(context.fileMap.nonProjectFiles.map((f) => f.file));
    return outside.has(file);
  };
}

/**
 * Whether a file's text is the one Nx hashed for this graph computation (its file map), so the
 * manifests createNodes just read are reused without reading them again. A file Nx does not list
 * (git-ignored, outside the workspace), or an Nx without the hash function, leaves the answer open.
 */
function sameAsNxFileMap(context: CreateDependenciesContext): ((file: string, text: string) => boolean | undefined) | undefined {
  const hash = nxTextHash();
  if (!hash) return undefined;
  let hashes: Map<string, string> | undefined;
  return (file, text) => {
    if (!hashes) {
      hashes = new Map();
      for (const files of Object.values(context.fileMap.projectFileMap)) for (const f of files) hashes.set(f.file, f.hash);
      for (const f of context.fileMap.nonProjectFiles) hashes.set(f.file, f.hash);
    }
    const rel = relative(context.workspaceRoot, file);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return undefined;
    const known = hashes.get(sep === '/' ? rel : rel.split(sep).join('/'));
    return known === undefined ? undefined : known === hash(text);
  };
}
