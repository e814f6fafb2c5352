import { packageTable } from '../config/key-path';
import * as path from 'node:path';
import { MonochangeError } from '../errors';
import { findCargoWorkspace, workspaceValue, type CargoWorkspace } from './cargo-workspace';
import type { FileReader } from './file-reader';
import {
  fieldError,
  forPackage,
  isRecord,
  makeSource,
  optionalSemver,
  optionalString,
  readManifestText,
  requiredString,
  toPosix,
  type ManifestSource,
} from './source';
import { parseToml } from './toml-text';
import type { CargoData, DependencyKind, Manifest, ManifestDependency } from './types';

/** Dependency tables, with the legacy underscore spellings Cargo still accepts. */
const DEPENDENCY_TABLES: ReadonlyArray<[string, string, DependencyKind]> = [
  ['dependencies', 'dependencies', 'normal'],
  ['build-dependencies', 'build-dependencies', 'build'],
  ['build_dependencies', 'build-dependencies', 'build'],
  ['dev-dependencies', 'dev-dependencies', 'dev'],
  ['dev_dependencies', 'dev-dependencies', 'dev'],
];

/** Reads `<dir>/Cargo.toml`, resolving `workspace = true` fields against the workspace root. */
export function readCargoManifest(root: string, dir: string, id?: string, reader?: FileReader): Manifest {
  const src = makeSource(root, dir, 'Cargo.toml', 'cargo', id, reader);
  const toml = parseToml(src, readManifestText(src));
  const pkg = toml.package;
  if (!isRecord(pkg)) throw missingPackage(src, toml);

  let ws: CargoWorkspace | undefined;
  const workspace = (neededFor: string) => (ws ??= findCargoWorkspace(src, toml, pkg.workspace, neededFor));
  /** `[package].<key>`, or `[workspace.package].<key>` for `<key>.workspace = true`; `file` says where it came from. */
  const inherited = (key: string): { value: unknown; key: string; file?: string } => {
    const value = pkg[key];
    if (!isRecord(value)) return { value, key: `package.${key}` };
    if (value.workspace !== true) {
      throw fieldError(src, `package.${key}`, `\`package.${key}\` must be a value or { workspace = true }`, {
        found: value,
        fix: `set \`${key} = "..."\` or \`${key}.workspace = true\` in [package]`,
      });
    }
    const w = workspace(`package.${key}`);
    return { value: workspaceValue(src, w, 'package', key, `package.${key}`), key: `workspace.package.${key}`, file: w.displayFile };
  };
  const str = (key: string) => {
    const { value, key: where, file } = inherited(key);
    return optionalString(src, value, where, file);
  };

  const name = requiredString(src, pkg.name, 'package.name', 'add `name = "my-crate"` to [package]');
  const v = inherited('version');
  const version = optionalSemver(src, v.value, v.key, v.file);
  const publish = readPublish(src, inherited('publish'), version);
  const readme = inherited('readme').value;
  const cargo: CargoData = {
    description: str('description'),
    license: str('license'),
    licenseFile: str('license-file'),
    publish,
    edition: str('edition'),
    repository: str('repository'),
    readme: typeof readme === 'string' ? readme : undefined,
  };
  const privateReason = privateReasonFor(publish, pkg.publish, version);
  return {
    ecosystem: 'cargo',
    file: src.file,
    dir: src.dir,
    name,
    version,
    private: privateReason !== undefined,
    privateReason,
    dependencies: readDependencies(src, toml, workspace),
    cargo,
  };
}

function missingPackage(src: ManifestSource, toml: Record<string, unknown>): MonochangeError {
  const virtual = isRecord(toml.workspace);
  const where = src.id ? `\`path\` of ${packageTable(src.id)} in monochange.toml` : 'the package path';
  return new MonochangeError(
    virtual ? `no [package] table: this is a virtual workspace manifest, not a crate${forPackage(src)}` : `no [package] table${forPackage(src)}`,
    {
      code: 'manifest.cargo.missing-package',
      file: src.displayFile,
      key: 'package',
      fix: virtual
        ? `point ${where} at a member crate's directory (one of workspace.members), not at the workspace root`
        : 'add a [package] table with `name` and `version`',
    },
  );
}

function readPublish(src: ManifestSource, found: { value: unknown; key: string; file?: string }, version: string | undefined): boolean | string[] {
  const { value, key, file } = found;
  // Cargo ≥ 1.75: a crate without a version may not be published unless it says so.
  if (value === undefined) return version !== undefined;
  if (typeof value === 'boolean') return value;
  if (Array.isArray(value) && value.every((r) => typeof r === 'string')) return value as string[];
  throw fieldError(src, key, `\`${key}\` must be true, false or a list of registry names`, {
    found: value,
    fix: 'write `publish = false` or `publish = ["crates-io"]`',
    file,
  });
}

function privateReasonFor(publish: boolean | string[], raw: unknown, version: string | undefined): string | undefined {
  if (publish === true) return undefined;
  if (Array.isArray(publish)) return publish.length === 0 ? 'Cargo.toml sets package.publish = [] (no registry allowed)' : undefined;
  if (raw === undefined && version === undefined) return 'Cargo.toml has no package.version, so Cargo will not publish it';
  return 'Cargo.toml sets package.publish = false';
}

function readDependencies(src: ManifestSource, toml: Record<string, unknown>, workspace: (neededFor: string) => CargoWorkspace): ManifestDependency[] {
  const deps: ManifestDependency[] = [];
  const readTables = (owner: Record<string, unknown>, prefix: string) => {
    for (const [table, field, kind] of DEPENDENCY_TABLES) {
      const entries = owner[table];
      if (entries === undefined) continue;
      const key = `${prefix}${table}`;
      if (!isRecord(entries)) {
        throw fieldError(src, key, `\`${key}\` must be a table`, { found: entries, fix: `write [${key}] as a table of crate = "version"` });
      }
      for (const [depKey, spec] of Object.entries(entries)) {
        deps.push(readDependency(src, `${key}.${depKey}`, depKey, spec, field, kind, workspace));
      }
    }
  };
  readTables(toml, '');
  if (isRecord(toml.target)) {
    for (const [cfg, tables] of Object.entries(toml.target)) {
      if (isRecord(tables)) readTables(tables, `target.${JSON.stringify(cfg)}.`);
    }
  }
  return deps;
}

function readDependency(
  src: ManifestSource,
  key: string,
  depKey: string,
  spec: unknown,
  field: string,
  kind: DependencyKind,
  workspace: (neededFor: string) => CargoWorkspace,
): ManifestDependency {
  if (typeof spec === 'string') return { name: depKey, kind, field, versionReq: spec };
  if (!isRecord(spec)) {
    throw fieldError(src, key, `dependency \`${depKey}\` must be a version string or a table`, {
      found: spec,
      fix: `write \`${depKey} = "1.0"\` or \`${depKey} = { version = "1.0", path = "../${depKey}" }\``,
    });
  }
  const dep: ManifestDependency = { name: depKey, kind, field };
  let entry = spec;
  if (spec.workspace === true) {
    const ws = workspace(key);
    const shared = workspaceValue(src, ws, 'dependencies', depKey, key);
    entry = typeof shared === 'string' ? { version: shared } : isRecord(shared) ? shared : {};
    dep.workspace = true;
    if (typeof entry.path === 'string') {
      // Workspace paths are relative to the workspace root; ours are relative to this manifest.
      dep.path = toPosix(path.relative(src.dir, path.resolve(ws.dir, entry.path))) || '.';
    }
  } else if (typeof spec.path === 'string') {
    dep.path = spec.path;
  }
  const rename = spec.package ?? entry.package;
  if (typeof rename === 'string') dep.name = rename;
  if (typeof entry.version === 'string') dep.versionReq = entry.version;
  return dep;
}
