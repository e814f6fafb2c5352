import { relative, sep } from 'node:path';
import type { MonochangeConfig, PackageConfig } from '../config/types';
import { denoWorkspaceMemberDirs, packageSourceImports } from '../manifests/deno-imports';
import { normalizePythonName } from '../manifests/pep508';
import { displayPath, resolveIn } from '../manifests/source';
import type { DependencyKind, Manifest, ManifestDependency } from '../manifests/types';
import type { Ecosystem } from '../types';

/**
 * The one package graph: dependencies between declared packages read from their manifests
 * (`collectPackageEdges`), and what follows from them: the packages each one publishes after
 * (`publishPrerequisites`, which the plugin turns into `dependsOn`), the publish sequence, the
 * cycles that stop a run, and which failed packages blocked a package that never ran. Pure: no Nx,
 * and no file system beyond the Deno sources `collectPackageEdges` scans.
 */

/** A dependency of one declared package on another, read from the dependent's manifest. */
export interface PackageEdge {
  /** Package id of the dependent. */
  from: string;
  /** Package id of the dependency. */
  to: string;
  kind: DependencyKind;
  /** Manifest field it came from (`dependencies`, `build-dependencies`, `imports`, ...). */
  field: string;
  /** The dependent's manifest, workspace-relative with `/` separators. */
  sourceFile: string;
  /**
   * The dependency's own manifest could not be read, so its name is unknown: this edge stands for
   * "a dependency in its registry matched no declared package, and might be it". Orders publishing
   * (to be safe), never drawn in the project graph.
   */
  uncertain?: true;
}

/** Names live in one namespace per registry: a pub package and a crate may share a name. */
type Namespace = 'npm' | 'cargo' | 'jsr' | 'pub' | 'pypi' | 'go';

const NAMESPACE: Record<Ecosystem, Namespace> = {
  npm: 'npm',
  cargo: 'cargo',
  deno: 'jsr',
  dart: 'pub',
  flutter: 'pub',
  python: 'pypi',
  go: 'go',
};

/** Python: PEP 503 normalisation, dropping extras/markers/specifiers should a raw requirement slip through. */
function normalizeName(ns: Namespace, name: string): string {
  return ns === 'pypi' ? normalizePythonName(/^[A-Za-z0-9._-]+/.exec(name.trim())?.[0] ?? name) : name;
}

/** `jsr:@scope/name@^1/sub` → jsr `@scope/name`; `npm:left-pad@1` → npm `left-pad`. */
export function parseDenoSpecifier(specifier: string): { ns: Namespace; name: string } | undefined {
  const match = /^(jsr|npm):\/?(@[^/@]+\/[^/@]+|[^/@]+)/.exec(specifier.trim());
  if (!match) return undefined;
  return { ns: match[1] === 'jsr' ? 'jsr' : 'npm', name: match[2] };
}

/** The registry name other manifests use for this package (Go: the full module path). */
function registryName(manifest: Manifest): string {
  return manifest.go?.modulePath ?? manifest.name;
}

interface Candidate {
  ns: Namespace;
  name: string;
  kind: DependencyKind;
  field: string;
  /** Absolute directory of a path dependency. */
  dir?: string;
}

function candidatesOf(pkg: PackageConfig, manifest: Manifest): Candidate[] {
  const own = NAMESPACE[pkg.type];
  const out: Candidate[] = [];
  const add = (dep: ManifestDependency, ns: Namespace, name: string) =>
    out.push({
      ns,
      name,
      kind: dep.kind,
      field: dep.field,
      dir: dep.path !== undefined ? resolveIn(manifest.dir, dep.path) : undefined,
    });
  const denoImports = pkg.type === 'deno' ? manifest.deno?.imports : undefined;
  for (const dep of manifest.dependencies) {
    if (pkg.type !== 'deno') {
      add(dep, own, dep.name);
      continue;
    }
    // With the import map at hand it is the source of truth for `imports` (it keeps the jsr:/npm: prefix).
    if (denoImports && dep.field === 'imports') continue;
    const parsed = parseDenoSpecifier(dep.name);
    if (parsed) add(dep, parsed.ns, parsed.name);
    else add(dep, own, dep.name);
  }
  for (const specifier of Object.values(denoImports ?? {})) {
    if (typeof specifier !== 'string') continue;
    const parsed = parseDenoSpecifier(specifier);
    if (parsed) out.push({ ns: parsed.ns, name: parsed.name, kind: 'normal', field: 'imports' });
  }
  return out;
}

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

/**
 * Every dependency between declared packages found in their manifests (dev ones included, marked by
 * `kind`), deduplicated per (from, to, kind). A package whose manifest could not be read has no
 * name to match: see `PackageEdge.uncertain`.
 */
export function collectPackageEdges(workspaceRoot: string, packages: readonly PackageConfig[], manifests: ReadonlyMap<string, Manifest>): PackageEdge[] {
  const byName = new Map<string, string>(); // `${ns}\0${name}` → id
  const byDir = new Map<string, { id: string; ns: Namespace }[]>();
  const unreadable = new Map<Namespace, string[]>();
  for (const pkg of packages) {
    const manifest = manifests.get(pkg.id);
    const ns = NAMESPACE[pkg.type];
    const dir = resolveIn(workspaceRoot, pkg.path);
    byDir.set(dir, [...(byDir.get(dir) ?? []), { id: pkg.id, ns }]);
    if (manifest) byName.set(`${ns}\0${normalizeName(ns, registryName(manifest))}`, pkg.id);
    else unreadable.set(ns, [...(unreadable.get(ns) ?? []), pkg.id]);
  }

  const certain: PackageEdge[] = [];
  const uncertain: PackageEdge[] = [];
  const seen = new Set<string>();
  const add = (list: PackageEdge[], edge: PackageEdge) => {
    const key = `${edge.from}\0${edge.to}\0${edge.kind}`;
    if (edge.from === edge.to || seen.has(key)) return;
    seen.add(key);
    list.push(edge);
  };
  const later: Array<() => void> = [];
  for (const pkg of packages) {
    const manifest = manifests.get(pkg.id);
    if (!manifest) continue;
    const sourceFile = displayPath(workspaceRoot, manifest.file);
    for (const c of candidatesOf(pkg, manifest)) {
      const atDir = c.dir ? byDir.get(c.dir) : undefined;
      const to = atDir?.find((p) => p.ns === c.ns)?.id ?? byName.get(`${c.ns}\0${normalizeName(c.ns, c.name)}`);
      if (to) {
        add(certain, { from: pkg.id, to, kind: c.kind, field: c.field, sourceFile });
      } else {
        for (const maybe of unreadable.get(c.ns) ?? []) {
          later.push(() => add(uncertain, { from: pkg.id, to: maybe, kind: c.kind, field: c.field, sourceFile, uncertain: true }));
        }
      }
    }
  }
  if (packages.some((p) => p.type === 'deno')) {
    for (const edge of denoWorkspaceEdges(workspaceRoot, packages, manifests, byName)) add(certain, edge);
  }
  for (const addUncertain of later) addUncertain(); // a certain edge wins over an uncertain one
  return [...certain, ...uncertain];
}

/**
 * `collectPackageEdges` over every declared package of `config`, each manifest read with `read`; a
 * package whose manifest cannot be read takes part as `PackageEdge.uncertain` says (its own task
 * reports the problem), as it does in the plugin's graph.
 */
export function readPackageEdges(config: Pick<MonochangeConfig, 'root' | 'packages'>, read: (root: string, pkg: PackageConfig) => Manifest): PackageEdge[] {
  const manifests = new Map<string, Manifest>();
  for (const pkg of config.packages) {
    try {
      manifests.set(pkg.id, read(config.root, pkg));
    } catch {
      // no name to match: see PackageEdge.uncertain
    }
  }
  return collectPackageEdges(config.root, config.packages, manifests);
}

/** `@scope/name/sub/path` → `@scope/name`; `jsr:@scope/name@^1/sub` → `@scope/name`; anything else → undefined. */
function jsrNameOfImport(specifier: string): string | undefined {
  if (specifier.startsWith('jsr:')) {
    const parsed = parseDenoSpecifier(specifier);
    return parsed?.ns === 'jsr' ? parsed.name : undefined;
  }
  return /^(@[^/@\s]+\/[^/@\s]+)(?:\/|$)/.exec(specifier)?.[1];
}

/**
 * Edges from the source files of Deno workspace members: bare-name and `jsr:` imports of other
 * declared deno packages. Imports only in test and bench files are dev edges (no publish order).
 */
function denoWorkspaceEdges(
  workspaceRoot: string,
  packages: readonly PackageConfig[],
  manifests: ReadonlyMap<string, Manifest>,
  byName: ReadonlyMap<string, string>,
): PackageEdge[] {
  const deno = packages.filter((p) => p.type === 'deno' && manifests.has(p.id));
  const members = denoWorkspaceMemberDirs(
    workspaceRoot,
    deno.map((p) => manifests.get(p.id)!.dir),
  );
  const edges: PackageEdge[] = [];
  for (const pkg of deno) {
    const dir = manifests.get(pkg.id)!.dir;
    if (!members.has(dir)) continue;
    // A dependency reached from any published file is normal; one reached only from tests is dev.
    const found = new Map<string, { kind: DependencyKind; file: string }>();
    for (const { specifier, file, devOnly } of packageSourceImports(dir)) {
      const name = jsrNameOfImport(specifier);
      const to = name && byName.get(`jsr\0${name}`);
      if (!to || to === pkg.id) continue;
      const kind: DependencyKind = devOnly ? 'dev' : 'normal';
      const previous = found.get(to);
      if (!previous || (previous.kind === 'dev' && kind === 'normal')) found.set(to, { kind, file });
    }
    for (const [to, { kind, file }] of found) {
      edges.push({ from: pkg.id, to, kind, field: 'source imports', sourceFile: toPosix(relative(workspaceRoot, file)) });
    }
  }
  return edges;
}

// ---------------------------------------------------------------------------------------------
// Publish order, cycles and blocked-by, from the edges above (or any `OrderEdge`s).

export interface OrderEdge {
  /** The dependent (publishes later). */
  from: string;
  /** The dependency (publishes first). */
  to: string;
  kind: DependencyKind;
}

/**
 * Which dependencies order publishing (the rule, decided here once): every kind but `dev`, that is
 * normal, build, optional and peer dependencies. A peer dependency counts: the dependent's peer range
 * names versions of the other package that its users install next to it, so they must be on the
 * registry first. Dev-only dependencies (tests, benches) never order publishing, never make a cycle.
 */
export function ordersPublishing(kind: DependencyKind): boolean {
  return kind !== 'dev';
}

/** For each package, the sorted packages it must publish after (self-edges dropped). */
export function publishPrerequisites(ids: readonly string[], edges: readonly OrderEdge[]): Map<string, string[]> {
  const sets = new Map<string, Set<string>>(ids.map((id) => [id, new Set<string>()]));
  for (const e of edges) {
    if (!ordersPublishing(e.kind) || e.from === e.to) continue;
    if (!sets.has(e.from) || !sets.has(e.to)) continue;
    sets.get(e.from)!.add(e.to);
  }
  return new Map([...sets].map(([id, set]) => [id, [...set].sort()]));
}

/**
 * One cycle per group of packages that depend on each other at run or build time, each as a path
 * that starts and ends on its smallest id (`['a', 'b', 'a']`). Empty when publishing can be ordered.
 */
export function findPublishCycles(ids: readonly string[], edges: readonly OrderEdge[]): string[][] {
  const next = publishPrerequisites(ids, edges);
  const cycles: string[][] = [];
  for (const component of stronglyConnected([...next.keys()].sort(), next)) {
    if (component.length < 2) continue;
    const members = new Set(component);
    const start = [...component].sort()[0];
    cycles.push(pathBack(start, next, members));
  }
  return cycles.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** The first cycle (by smallest id), or null. */
export function findPublishCycle(ids: readonly string[], edges: readonly OrderEdge[]): string[] | null {
  return findPublishCycles(ids, edges)[0] ?? null;
}

export function formatCycle(path: readonly string[]): string {
  return path.join(' -> ');
}

/**
 * Every package once, each after the packages it must publish after, ties by id (smallest first).
 * When only packages on a cycle, or waiting on one, are left, they follow by id.
 */
export function publishSequence(ids: readonly string[], edges: readonly OrderEdge[]): string[] {
  const prerequisites = publishPrerequisites(ids, edges);
  const remaining = new Map([...ids].sort().map((id) => [id, new Set(prerequisites.get(id) ?? [])]));
  const sequence: string[] = [];
  while (remaining.size) {
    const ready = [...remaining].filter(([, deps]) => deps.size === 0).map(([id]) => id);
    const take = ready.length ? ready : [...remaining.keys()]; // a cycle: the rest by id
    for (const id of take.sort()) {
      sequence.push(id);
      remaining.delete(id);
    }
    for (const deps of remaining.values()) for (const id of take) deps.delete(id);
  }
  return sequence;
}

/**
 * Blocked-by: for a package that never ran, the failed packages among those it (transitively) had
 * to publish after, sorted. The search stops at a failed package (its own dependencies are not what
 * blocked this one). Empty when the graph shows no failed prerequisite.
 */
export function failedPrerequisites(ids: readonly string[], edges: readonly OrderEdge[], failedIds: readonly string[]): (packageId: string) => string[] {
  const prerequisites = publishPrerequisites(ids, edges);
  const failed = new Set(failedIds);
  return (packageId) => {
    const found: string[] = [];
    const seen = new Set([packageId]);
    const queue = [packageId];
    for (let i = 0; i < queue.length; i++) {
      for (const dep of prerequisites.get(queue[i]) ?? []) {
        if (seen.has(dep)) continue;
        seen.add(dep);
        if (failed.has(dep)) found.push(dep);
        else queue.push(dep);
      }
    }
    return found.sort();
  };
}

/** Shortest path start → … → start inside one strongly connected component (BFS, sorted neighbours). */
function pathBack(start: string, next: Map<string, string[]>, members: Set<string>): string[] {
  const parent = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i];
    for (const to of next.get(node) ?? []) {
      if (!members.has(to)) continue;
      if (to === start) {
        const back: string[] = [];
        for (let n: string | undefined = node; n !== undefined && n !== start; n = parent.get(n)) back.push(n);
        return [start, ...back.reverse(), start];
      }
      if (!parent.has(to)) {
        parent.set(to, node);
        queue.push(to);
      }
    }
  }
  return [start, start]; // unreachable for a component of size ≥ 2
}

/** Tarjan's algorithm, iterative so deep chains cannot overflow the stack. */
function stronglyConnected(ids: string[], next: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let counter = 0;
  for (const root of ids) {
    if (index.has(root)) continue;
    const work: { node: string; i: number }[] = [{ node: root, i: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const neighbours = next.get(frame.node) ?? [];
      if (frame.i < neighbours.length) {
        const to = neighbours[frame.i++];
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, i: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(to)!));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let n: string;
        do {
          n = stack.pop()!;
          onStack.delete(n);
          component.push(n);
        } while (n !== frame.node);
        out.push(component);
      }
    }
  }
  return out;
}
