import * as path from 'node:path';
import { MonochangeError } from '../errors';
import type { Ecosystem } from '../types';
import { readCargoManifest } from './cargo';
import { readDartManifest } from './dart';
import { denoManifestFile, readDenoManifest } from './deno';
import type { FileReader } from './file-reader';
import { readGoManifest } from './go';
import { readNpmManifest } from './npm';
import { readPythonManifest } from './python';
import { MANIFEST_FILES, type Manifest } from './types';

export * from './types';
export { diskReader, memoFileReader, type FileReader } from './file-reader';
export { readCargoManifest } from './cargo';
export { readDartManifest } from './dart';
export { readDenoManifest, parseJsrSpecifier } from './deno';
export { readGoManifest } from './go';
export { readNpmManifest } from './npm';
export { detectPackageManager } from './npm-manager';
export { readPythonManifest } from './python';
export { normalizePythonName, parsePep508 } from './pep508';
export { stripJsonc } from './json-text';
export { dependencyNamesForPublishOrder } from './publish-order';

export interface ManifestRequest {
  /** `[package.<id>]` key, named in error messages. */
  id?: string;
  /** Package directory relative to `root` (`""` or `"."` for the root itself). */
  path: string;
  type: Ecosystem;
}

/**
 * Reads the manifest of the package at `<root>/<path>` for its ecosystem. Throws a MonochangeError
 * naming the file and the field when the manifest is missing, does not parse, or lacks a field.
 * `reader` (default: straight from disk) lets a caller reading many packages share file reads.
 */
export function readManifest(root: string, pkg: ManifestRequest, reader?: FileReader): Manifest {
  const dir = path.resolve(root, pkg.path);
  switch (pkg.type) {
    case 'npm':
      return readNpmManifest(root, dir, pkg.id, reader);
    case 'cargo':
      return readCargoManifest(root, dir, pkg.id, reader);
    case 'deno':
      return readDenoManifest(root, dir, pkg.id, reader);
    case 'dart':
    case 'flutter':
      return readDartManifest(root, dir, pkg.id, pkg.type, reader);
    case 'python':
      return readPythonManifest(root, dir, pkg.id, reader);
    case 'go':
      return readGoManifest(root, dir, pkg.id, reader);
    default:
      throw new MonochangeError(`unknown package type \`${String((pkg as { type: unknown }).type)}\`${pkg.id ? ` for package \`${pkg.id}\`` : ''}`, {
        code: 'manifest.unknown-type',
        key: pkg.id,
        fix: `use one of: ${Object.keys(MANIFEST_FILES).join(', ')}`,
      });
  }
}

/** Absolute path of the file `readManifest` would read (for deno: the first existing candidate, else deno.json). */
export function manifestPathFor(root: string, pkg: Pick<ManifestRequest, 'path' | 'type'>): string {
  const dir = path.resolve(root, pkg.path);
  const fileName = pkg.type === 'deno' ? denoManifestFile(dir) : MANIFEST_FILES[pkg.type][0];
  return path.join(dir, fileName);
}
