import { relative, resolve, sep } from 'node:path';
import type { PackageConfig } from '../config/types';
import { denoWorkspaceMemberDirs, packageSourceImports } from '../manifests/deno-imports';
import type { DependencyKind, Manifest, ManifestDependency } from '../manifests/types';
import type { Ecosystem } from '../types';

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

/** PEP 503 normalisation; also drops extras/markers/specifiers should a raw requirement slip through. */
function normalizePythonName(name: string): string {
  const bare = /^[A-Za-z0-9._-]+/.exec(name.trim())?.[0] ?? name;
  return bare.toLowerCase().replace(/[-_.]+/g, '-');
}

function normalizeName(ns: Namespace, name: string): string {
  return ns === 'pypi' ? normalizePythonName(name) : name;
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
      dir: dep.path !== undefined ? resolve(manifest.dir, dep.path) : undefined,
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
    const dir = resolve(workspaceRoot, pkg.path);
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
    const sourceFile = toPosix(relative(workspaceRoot, manifest.file));
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
