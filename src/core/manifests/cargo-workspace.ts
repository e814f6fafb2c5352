import * as path from 'node:path';
import { MonochangeError } from '../errors';
import { displayPath, fieldError, forPackage, isRecord, readManifestText, type ManifestSource } from './source';
import { parseToml } from './toml-text';

/** The Cargo workspace root a member inherits from. */
export interface CargoWorkspace {
  /** Absolute path of the root Cargo.toml. */
  file: string;
  displayFile: string;
  dir: string;
  /** `[workspace]` table. */
  workspace: Record<string, unknown>;
}

/**
 * Finds the workspace root of the crate in `src.dir`: `package.workspace = "<dir>"` when set, else
 * the nearest Cargo.toml (the crate's own included) that has a `[workspace]` table, searching up to
 * the monochange root.
 */
export function findCargoWorkspace(src: ManifestSource, own: Record<string, unknown>, explicit: unknown, neededFor: string): CargoWorkspace {
  if (typeof explicit === 'string') {
    const dir = path.resolve(src.dir, explicit);
    const ws = loadWorkspace(src, dir);
    if (!ws) {
      throw fieldError(
        src,
        'package.workspace',
        `\`package.workspace\` points at ${displayPath(src.root, dir)}, which has no Cargo.toml with a [workspace] table`,
        {
          found: explicit,
          fix: 'point `package.workspace` at the directory of the workspace root Cargo.toml, or remove it',
        },
      );
    }
    return ws;
  }
  if (isRecord(own.workspace)) return { file: src.file, displayFile: src.displayFile, dir: src.dir, workspace: own.workspace };
  let current = src.dir;
  while (current !== src.root) {
    const parent = path.dirname(current);
    const rel = path.relative(src.root, parent);
    if (parent === current || rel.startsWith('..') || path.isAbsolute(rel)) break;
    current = parent;
    const ws = loadWorkspace(src, current);
    if (ws) return ws;
  }
  throw new MonochangeError(
    `${neededFor} inherits from the workspace, but no Cargo.toml with a [workspace] table was found above the crate${forPackage(src)}`,
    {
      code: 'manifest.cargo.no-workspace',
      file: src.displayFile,
      key: neededFor,
      fix: 'add the crate to a Cargo workspace whose root is inside the monochange workspace, or write the value in the crate instead of `workspace = true`',
    },
  );
}

/** The crates of one workspace share its root: with a memoising reader it is read and parsed once. */
function loadWorkspace(src: ManifestSource, dir: string): CargoWorkspace | undefined {
  const file = path.join(dir, 'Cargo.toml');
  return src.reader.memo(`cargo-workspace\0${src.root}\0${file}`, () => {
    if (!src.reader.exists(file)) return undefined;
    const displayFile = displayPath(src.root, file);
    const toml = parseToml(src, readManifestText({ ...src, file, displayFile }), displayFile);
    return isRecord(toml.workspace) ? { file, displayFile, dir, workspace: toml.workspace } : undefined;
  });
}

/** `[workspace.<table>].<key>`, or an error naming the workspace file and the key. */
export function workspaceValue(src: ManifestSource, ws: CargoWorkspace, table: 'package' | 'dependencies', key: string, inheritedBy: string): unknown {
  const section = ws.workspace[table];
  const value = isRecord(section) ? section[key] : undefined;
  if (value === undefined) {
    throw new MonochangeError(
      `\`${inheritedBy}\` uses \`workspace = true\` but \`workspace.${table}.${key}\` is not set in ${ws.displayFile}${forPackage(src)}`,
      {
        code: 'manifest.missing-field',
        file: ws.displayFile,
        key: `workspace.${table}.${key}`,
        fix: `add \`${key}\` under [workspace.${table}] in ${ws.displayFile}, or set it directly in ${src.displayFile}`,
      },
    );
  }
  return value;
}
