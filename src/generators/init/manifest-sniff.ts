import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { stripJsonc } from '../../core/manifests/json-text';
import type { Ecosystem } from '../../core/types';

/**
 * Just enough of each manifest to declare a package in monochange.toml: its ecosystem, registry
 * name and whether it is meant to be published. (The full readers live in src/core/manifests and
 * read from disk; generators read through the Nx Tree, so a dry run sees pending files too.)
 */
export interface SniffedManifest {
  ecosystem: Ecosystem;
  /** Registry name (Go: module path). */
  name: string;
  /** Never published (npm private, Cargo publish = false, pubspec publish_to: none). */
  private: boolean;
  /** The manifest has a version (Cargo: or inherits the workspace's), so the registry can take it. */
  hasVersion?: boolean;
  /** Cargo: a (build-)dependency with a `path` and no `version`, which `cargo publish` refuses. */
  unversionedPathDependency?: string;
  /** Cargo: `publish.workspace = true`, so the workspace root's `[workspace.package] publish` decides. */
  publishFromWorkspace?: boolean;
  /** pyproject: built by maturin from this Cargo manifest (relative to the pyproject's directory). */
  maturinCargoManifest?: string;
  /** package.json: declares `workspaces` (a workspace root). */
  workspaceRoot?: boolean;
}

/** Manifest file names init looks at. */
export const WALKED_MANIFESTS = ['package.json', 'Cargo.toml', 'pyproject.toml', 'go.mod', 'pubspec.yaml', 'deno.json', 'deno.jsonc', 'jsr.json'];

/** Reads `text` as the manifest `fileName`; `undefined` when it declares no package or does not parse. */
export function sniffManifest(fileName: string, text: string): SniffedManifest | undefined {
  try {
    switch (fileName) {
      case 'package.json':
        return sniffPackageJson(text);
      case 'Cargo.toml':
        return sniffCargo(text);
      case 'pyproject.toml':
        return sniffPyproject(text);
      case 'go.mod':
        return sniffGoMod(text);
      case 'pubspec.yaml':
        return sniffPubspec(text);
      case 'deno.json':
      case 'deno.jsonc':
      case 'jsr.json':
        return sniffDeno(text);
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

function sniffPackageJson(text: string): SniffedManifest | undefined {
  const json = obj(JSON.parse(text));
  const name = str(json.name);
  if (!name) return undefined;
  // npm refuses to publish when `private` is truthy (libnpmpublish checks `if (manifest.private)`),
  // so `"private": "true"` (and even `"false"`, a non-empty string) keeps a package private.
  return {
    ecosystem: 'npm',
    name,
    private: !!json.private,
    hasVersion: !!str(json.version),
    ...(json.workspaces !== undefined ? { workspaceRoot: true } : {}),
  };
}

function sniffCargo(text: string): SniffedManifest | undefined {
  const doc = parseToml(text);
  const pkg = obj(doc.package);
  const name = str(pkg.name);
  if (!name) return undefined;
  const publish = pkg.publish;
  const isPrivate = publish === false || (Array.isArray(publish) && publish.length === 0);
  const version = pkg.version;
  // Without a version Cargo (1.75+) defaults it to 0.0.0 and `publish` to false.
  const hasVersion = !!str(version) || obj(version).workspace === true;
  const unversioned = unversionedPathDependency(doc);
  return {
    ecosystem: 'cargo',
    name,
    private: isPrivate,
    hasVersion,
    ...(obj(publish).workspace === true ? { publishFromWorkspace: true } : {}),
    ...(unversioned ? { unversionedPathDependency: unversioned } : {}),
  };
}

/** The first normal or build dependency (any target) given by `path` alone; dev-dependencies do not count. */
function unversionedPathDependency(doc: Record<string, unknown>): string | undefined {
  const tables = [doc, ...Object.values(obj(doc.target)).map(obj)].flatMap((t) => [obj(t.dependencies), obj(t['build-dependencies'])]);
  for (const table of tables) {
    for (const [dep, spec] of Object.entries(table)) {
      const s = obj(spec);
      if (s.path !== undefined && s.version === undefined && s.workspace !== true) return dep;
    }
  }
  return undefined;
}

function sniffPyproject(text: string): SniffedManifest | undefined {
  const doc = parseToml(text);
  const name = str(obj(doc.project).name) ?? str(obj(obj(doc.tool).poetry).name);
  if (!name) return undefined;
  const maturin = str(obj(doc['build-system'])['build-backend']) === 'maturin';
  const manifestPath = str(obj(obj(doc.tool).maturin)['manifest-path']) ?? 'Cargo.toml';
  return { ecosystem: 'python', name, private: false, hasVersion: true, ...(maturin ? { maturinCargoManifest: manifestPath } : {}) };
}

function sniffGoMod(text: string): SniffedManifest | undefined {
  const match = /^\s*module\s+("([^"]+)"|(\S+))/m.exec(text.replace(/\/\/.*$/gm, ''));
  const name = match?.[2] ?? match?.[3];
  return name ? { ecosystem: 'go', name, private: false, hasVersion: true } : undefined;
}

function sniffPubspec(text: string): SniffedManifest | undefined {
  const doc = obj(parseYaml(text));
  const name = str(doc.name);
  if (!name) return undefined;
  const publishTo = doc.publish_to;
  const isPrivate = publishTo === 'none' || publishTo === false;
  return { ecosystem: 'flutter' in doc ? 'flutter' : 'dart', name, private: isPrivate, hasVersion: !!str(doc.version) };
}

function sniffDeno(text: string): SniffedManifest | undefined {
  const name = str(obj(JSON.parse(stripJsonc(text))).name);
  return name ? { ecosystem: 'deno', name, private: false, hasVersion: true } : undefined;
}

/**
 * The `[package.<id>]` key for a manifest name: crate/package name as is, Go's last module path
 * segment that is not a major-version suffix, `@scope/name` → `name`; anything outside
 * `[A-Za-z0-9_-]` becomes `-`.
 */
export function packageIdFor(ecosystem: Ecosystem, name: string): string {
  let base = name;
  if (ecosystem === 'go') {
    const segments = name.split('/').filter(Boolean);
    base = [...segments].reverse().find((s) => !/^v\d+$/.test(s)) ?? segments[segments.length - 1] ?? name;
  } else if (base.startsWith('@') && base.includes('/')) {
    base = base.slice(base.indexOf('/') + 1);
  }
  const id = base.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
  return id === '' ? ecosystem : id;
}
