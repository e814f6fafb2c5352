/* eslint-disable @typescript-eslint/no-require-imports -- each ecosystem's reader loads when a package of it is read (see below) */
import * as path from 'node:path';
import { MonochangeError } from '../errors';
import type { Ecosystem } from '../types';
import type { FileReader } from './file-reader';
import { resolveIn } from './source';
import { MANIFEST_FILES, type Manifest } from './types';

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
 *
 * Each ecosystem's reader (and what it needs: YAML, PEP 508, semver…) is loaded with the first
 * package of that ecosystem: a project graph of npm packages and crates never loads the others.
 */
export function readManifest(root: string, pkg: ManifestRequest, reader?: FileReader): Manifest {
  const dir = resolveIn(root, pkg.path);
  switch (pkg.type) {
    case 'npm':
      return (require('./npm') as typeof import('./npm')).readNpmManifest(root, dir, pkg.id, reader);
    case 'cargo':
      return (require('./cargo') as typeof import('./cargo')).readCargoManifest(root, dir, pkg.id, reader);
    case 'deno':
      return (require('./deno') as typeof import('./deno')).readDenoManifest(root, dir, pkg.id, reader);
    case 'dart':
    case 'flutter':
      return (require('./dart') as typeof import('./dart')).readDartManifest(root, dir, pkg.id, pkg.type, reader);
    case 'python':
      return (require('./python') as typeof import('./python')).readPythonManifest(root, dir, pkg.id, reader);
    case 'go':
      return (require('./go') as typeof import('./go')).readGoManifest(root, dir, pkg.id, reader);
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
  const fileName = pkg.type === 'deno' ? (require('./deno') as typeof import('./deno')).denoManifestFile(dir) : MANIFEST_FILES[pkg.type][0];
  return path.join(dir, fileName);
}
