import { execFileSync } from 'node:child_process';
import { getProjects, type Tree } from '@nx/devkit';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { MonochangeError } from '../../core/errors';
import type { Ecosystem } from '../../core/types';
import { stripJsonc } from '../../core/manifests/json-text';
import { goWorkUses } from './go-work';
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

/** A package monochange.toml declares already. */
export interface DeclaredPackage {
  id: string;
  path: string;
  type: string;
}

/** Directories never searched for manifests (dependencies, build output, tool state). */
export const SKIPPED_DIRS = new Set(['node_modules', '.git', 'dist', 'target', '.nx', '.dart_tool', 'vendor']);

/**
 * Directories of test data, examples, benchmarks and templates: their manifests are not published,
 * unless a workspace names the directory in a member pattern (`"examples/*"`, go.work `use ./examples/server`).
 */
export const DATA_DIRS = new Set(['fixtures', '__fixtures__', 'testdata', 'test', 'tests', 'example', 'examples', 'bench', 'benches', 'template', 'templates']);

/** Deno manifests in lookup order: one Deno package per directory. */
const DENO_FILES = ['deno.json', 'deno.jsonc', 'jsr.json'];

/** Registries: names are unique per registry, not per ecosystem. */
const REGISTRY: Record<Ecosystem, string> = {
  npm: 'npm',
  cargo: 'crates.io',
  deno: 'JSR',
  dart: 'pub.dev',
  flutter: 'pub.dev',
  python: 'PyPI',
  go: 'the Go module proxy',
};

type Found = Omit<DetectedPackage, 'id'>;

/**
 * The workspace's publishable packages, from the manifests git tracks (every file when the
 * workspace is not in a git repository, or git tracks nothing there yet):
 * - skipped: dependency/build directories, test-data/example/bench/template directories (unless a
 *   package.json/pnpm/Cargo/Deno/pub workspace member pattern or a root go.work `use` names them),
 *   Cargo `workspace.exclude`;
 * - not publishable: npm `private` (truthy, as npm reads it) or no version, the root package.json of
 *   a JS workspace, Cargo `publish = false`/`[]` or no version, pubspec `publish_to: none` or no
 *   version, Go modules in `_`/`.`-prefixed or testdata directories (the go tool ignores them) or
 *   whose path has no domain (nothing can fetch them);
 * - a maturin project (pyproject + the Cargo.toml it builds) is one Python package.
 * Returns the packages not in `declared` (matched by path and type), sorted by path then ecosystem (npm first),
 * with ids unique among themselves, `declared` and other Nx projects. Throws when two publishable
 * packages, none of them declared, claim the same registry name (one declared: the others are left out).
 */
export function detectPackages(tree: Tree, declared: readonly DeclaredPackage[] = []): DetectedPackage[] {
  const files = manifestFiles(tree);
  const workspaces = readWorkspaces(tree, files);
  const found: Found[] = [];
  const sniffed = new Map<string, SniffedManifest>();
  for (const file of files) {
    const s = sniffManifest(basename(file), tree.read(file, 'utf-8') ?? '');
    if (s) sniffed.set(file, s);
  }
  const maturinCrates = new Set<string>();
  for (const [file, s] of sniffed) {
    if (s.maturinCargoManifest) maturinCrates.add(join(dirname(file), s.maturinCargoManifest));
  }
  const denoDirs = new Set<string>();
  for (const [file, s] of sniffed) {
    const dir = dirname(file);
    if (!isIncluded(dir, s.ecosystem, workspaces)) continue;
    if (!isPublishable(file, s, workspaces)) continue;
    if (s.ecosystem === 'cargo' && maturinCrates.has(file)) continue;
    if (s.ecosystem === 'deno') {
      if (denoDirs.has(dir)) continue;
      denoDirs.add(dir);
    }
    found.push({ path: dir, type: s.ecosystem, name: s.name, manifest: file });
  }
  // In a shared directory npm comes first: declared first, it gets the project's plain targets and
  // its `nx-release-publish`, which `nx release publish` runs for npm packages.
  const typeOrder = (t: Ecosystem) => (t === 'npm' ? '' : t);
  found.sort((a, b) => (a.path === b.path ? typeOrder(a.type).localeCompare(typeOrder(b.type)) : a.path.localeCompare(b.path)));
  const isDeclared = (f: Found) => declared.some((d) => normalizeDir(d.path) === f.path && (d.type === f.type || d.type === ''));
  // A name clash monochange.toml has settled (one of them declared) is left as it is.
  const settled = new Set(found.filter(isDeclared).map(registryKey));
  const candidates = found.filter((f) => !isDeclared(f) && !settled.has(registryKey(f)));
  assertUniqueNames(candidates);
  const projectAtRoot = new Map([...getProjects(tree)].map(([name, p]) => [normalizeDir(p.root), name]));
  return assignIds(candidates, projectAtRoot, declared);
}

/** Registry and name: what must be unique among published packages. */
function registryKey(f: Found): string {
  const name = f.type === 'python' ? f.name.toLowerCase().replace(/[-_.]+/g, '-') : f.name;
  return `${REGISTRY[f.type]}\0${name}`;
}

/** Manifest files (workspace-relative), in path order, outside SKIPPED_DIRS. */
function manifestFiles(tree: Tree): string[] {
  const names = new Set([...DENO_FILES, ...WALKED_MANIFESTS]);
  const tracked = gitTrackedFiles(tree.root);
  let files: string[];
  if (tracked) {
    // What git tracks, plus what this generator run (or a dry run) has pending.
    const pending = tree
      .listChanges()
      .filter((c) => c.type !== 'DELETE')
      .map((c) => normalizePath(c.path));
    files = [...new Set([...tracked, ...pending])].filter((f) => names.has(basename(f)) && tree.isFile(f));
  } else {
    files = [];
    walk(tree, '', names, files);
  }
  // Deno manifests in lookup order within a directory.
  const rank = (f: string) => (DENO_FILES.includes(basename(f)) ? DENO_FILES.indexOf(basename(f)) : DENO_FILES.length);
  return files
    .filter(
      (f) =>
        !dirname(f)
          .split('/')
          .some((segment) => SKIPPED_DIRS.has(segment)),
    )
    .sort((a, b) => (dirname(a) === dirname(b) ? rank(a) - rank(b) || a.localeCompare(b) : a.localeCompare(b)));
}

/** `git ls-files` of the workspace; undefined when it is not in a git work tree or git tracks nothing there. */
function gitTrackedFiles(root: string): string[] | undefined {
  try {
    const out = execFileSync('git', ['ls-files', '-z'], {
      cwd: root,
      encoding: 'utf-8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 256 * 1024 * 1024,
    });
    const files = out.split('\0').filter(Boolean);
    // A repository with nothing added yet (`git init` just before `nx add`): read the files instead.
    return files.length > 0 ? files : undefined;
  } catch {
    return undefined;
  }
}

function walk(tree: Tree, dir: string, names: Set<string>, out: string[]): void {
  for (const child of tree.children(dir)) {
    if (SKIPPED_DIRS.has(child)) continue;
    const path = dir === '' ? child : `${dir}/${child}`;
    if (tree.isFile(path)) {
      if (names.has(child)) out.push(path);
    } else {
      walk(tree, path, names, out);
    }
  }
}

interface Workspaces {
  /** Member patterns (workspace-relative globs) by ecosystem. */
  members: Partial<Record<Ecosystem, string[]>>;
  /** Cargo `workspace.exclude` directories. */
  cargoExcluded: string[];
  /** Cargo workspace roots and their `[workspace.package] publish`. */
  cargoRoots: Array<{ dir: string; publish: unknown }>;
}

function readWorkspaces(tree: Tree, files: string[]): Workspaces {
  const ws: Workspaces = { members: {}, cargoExcluded: [], cargoRoots: [] };
  const add = (eco: Ecosystem, dir: string, patterns: unknown) => {
    if (!Array.isArray(patterns)) return;
    const list = (ws.members[eco] ??= []);
    for (const p of patterns) {
      if (typeof p !== 'string') continue;
      const negated = p.startsWith('!');
      const path = negated ? p.slice(1) : p;
      // A path outside the workspace names none of its directories.
      if (staysInside(dir, path)) list.push(negated ? `!${join(dir, path)}` : join(dir, path));
    }
  };
  const read = (path: string) => tree.read(path, 'utf-8');
  try {
    const pkg = JSON.parse(read('package.json') ?? '{}') as { workspaces?: unknown };
    add('npm', '.', Array.isArray(pkg.workspaces) ? pkg.workspaces : (pkg.workspaces as { packages?: unknown } | undefined)?.packages);
  } catch {
    /* not JSON: no workspace */
  }
  try {
    add('npm', '.', (parseYaml(read('pnpm-workspace.yaml') ?? '') as { packages?: unknown } | null)?.packages);
  } catch {
    /* not YAML */
  }
  for (const deno of DENO_FILES) {
    try {
      add('deno', '.', (JSON.parse(stripJsonc(read(deno) ?? '{}')) as { workspace?: unknown }).workspace);
    } catch {
      /* not JSON */
    }
  }
  // A Cargo workspace inside a data directory is test data too: its members name nothing real.
  const inDataDir = (file: string) =>
    dirname(file)
      .split('/')
      .some((segment) => DATA_DIRS.has(segment));
  for (const file of files.filter((f) => basename(f) === 'Cargo.toml' && !inDataDir(f))) {
    try {
      const workspace = (parseToml(read(file) ?? '') as { workspace?: Record<string, unknown> }).workspace;
      if (!workspace) continue;
      const dir = dirname(file);
      add('cargo', dir, workspace.members);
      if (Array.isArray(workspace.exclude)) {
        for (const e of workspace.exclude) if (typeof e === 'string') ws.cargoExcluded.push(normalizeDir(join(dir, e)));
      }
      const pkgTable = workspace.package as Record<string, unknown> | undefined;
      ws.cargoRoots.push({ dir, publish: pkgTable?.publish });
    } catch {
      /* not TOML */
    }
  }
  add('go', '.', goWorkUses(read('go.work') ?? ''));
  // Pub workspaces (Dart 3.6+): every root outside data directories, then the workspaces nested in
  // the members they name (which may be in data directories).
  const pubspecs = files.filter((f) => basename(f) === 'pubspec.yaml');
  const seen = new Set<string>();
  for (let next = pubspecs.filter((f) => !inDataDir(f)); next.length > 0;) {
    for (const file of next) {
      seen.add(file);
      const text = read(file) ?? '';
      if (!/^workspace\s*:/m.test(text)) continue;
      try {
        add('dart', dirname(file), (parseYaml(text) as { workspace?: unknown } | null)?.workspace);
      } catch {
        /* not YAML */
      }
    }
    next = pubspecs.filter((f) => !seen.has(f) && isIncluded(dirname(f), 'dart', ws));
  }
  return ws;
}

/** Outside data directories, unless a workspace member pattern names the data directory itself. */
function isIncluded(dir: string, ecosystem: Ecosystem, ws: Workspaces): boolean {
  const segments = dir === '.' ? [] : dir.split('/');
  if (ecosystem === 'go' && segments.some((s) => s.startsWith('_') || s.startsWith('.') || s === 'testdata')) return false;
  if (ecosystem === 'cargo' && ws.cargoExcluded.some((e) => dir === e || dir.startsWith(`${e}/`))) return false;
  const data = segments.filter((s) => DATA_DIRS.has(s));
  if (data.length === 0) return true;
  // One pub workspace holds Dart and Flutter packages.
  const patterns = ws.members[ecosystem === 'flutter' ? 'dart' : ecosystem] ?? [];
  const matching = patterns.filter((p) => !p.startsWith('!') && globMatch(p, dir));
  if (patterns.some((p) => p.startsWith('!') && globMatch(p.slice(1), dir))) return false;
  return data.every((segment) => matching.some((p) => p.split('/').includes(segment)));
}

function isPublishable(file: string, s: SniffedManifest, ws: Workspaces): boolean {
  if (s.private || !s.hasVersion || s.unversionedPathDependency) return false;
  if (s.ecosystem === 'npm' && dirname(file) === '.' && s.workspaceRoot) return false;
  if (s.ecosystem === 'go' && !s.name.split('/')[0].includes('.')) return false;
  if (s.ecosystem === 'cargo' && s.publishFromWorkspace) {
    const dir = dirname(file);
    const root = ws.cargoRoots.filter((r) => r.dir === '.' || dir === r.dir || dir.startsWith(`${r.dir}/`)).sort((a, b) => b.dir.length - a.dir.length)[0];
    const publish = root?.publish;
    if (publish === false || (Array.isArray(publish) && publish.length === 0)) return false;
  }
  return true;
}

function assertUniqueNames(found: readonly Found[]): void {
  const byName = new Map<string, Found[]>();
  for (const f of found) byName.set(registryKey(f), [...(byName.get(registryKey(f)) ?? []), f]);
  const clashes = [...byName.values()].filter((list) => list.length > 1);
  if (clashes.length === 0) return;
  const [first] = clashes;
  throw new MonochangeError(
    `${first.length} packages publish the same ${REGISTRY[first[0].type]} name "${first[0].name}": ${first.map((f) => f.manifest).join(', ')}` +
      (clashes.length > 1 ? ` (and ${clashes.length - 1} more name${clashes.length > 2 ? 's' : ''} like this)` : ''),
    {
      code: 'init.duplicate-name',
      file: first[0].manifest,
      fix:
        'keep one published: mark the others as not published (package.json "private": true, Cargo.toml publish = false, ' +
        'pubspec.yaml publish_to: none), rename them, or move test copies under a fixtures/ directory; then run init again',
    },
  );
}

/**
 * Ids are unique, and never the name of an Nx project at another root: the plugin names the project
 * of a package without one after its id, which must not clash with an existing project.
 */
function assignIds(found: Found[], projectAtRoot: Map<string, string>, declared: readonly DeclaredPackage[]): DetectedPackage[] {
  const reserved = new Set(projectAtRoot.values());
  const used = new Set(declared.map((d) => d.id));
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

/** `*` and `?` within a path segment, `**` across segments (package manager and Cargo globs). */
function globMatch(pattern: string, dir: string): boolean {
  let re = '';
  const p = normalizeDir(pattern);
  for (let i = 0; i < p.length; i++) {
    const ch = p[i];
    if (ch === '*' && p[i + 1] === '*') {
      const slash = p[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`).test(dir);
}

/** `path`, relative to `dir`, is not absolute and does not climb above the workspace root. */
function staysInside(dir: string, path: string): boolean {
  if (/^([\\/]|[A-Za-z]:)/.test(path)) return false;
  let depth = dir === '.' ? 0 : dir.split('/').length;
  for (const segment of path.split(/[\\/]/)) {
    if (segment === '..') depth--;
    else if (segment !== '.' && segment !== '') depth++;
    if (depth < 0) return false;
  }
  return true;
}

function join(dir: string, path: string): string {
  return normalizeDir(dir === '.' ? path : `${dir}/${path}`);
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i === -1 ? '.' : path.slice(0, i);
}

function normalizePath(path: string): string {
  return path.replace(/\\/g, '/').replace(/^\.?\/+/, '');
}

function normalizeDir(dir: string): string {
  const clean = dir
    .replace(/\\/g, '/')
    .replace(/^\.\/+/, '')
    .replace(/\/+$/, '')
    .split('/')
    .reduce<string[]>((acc, s) => (s === '..' ? acc.slice(0, -1) : s === '.' || s === '' ? acc : [...acc, s]), [])
    .join('/');
  return clean === '' ? '.' : clean;
}
