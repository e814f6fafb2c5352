import { packageTable } from '../config/key-path';
import * as path from 'node:path';
import { MonochangeError } from '../errors';
import type { Ecosystem } from '../types';
import { diskReader, type FileReader } from './file-reader';

/** Where a manifest is and which package asked for it; threaded through every reader for error messages. */
export interface ManifestSource {
  /** Absolute workspace root. */
  root: string;
  /** Absolute package directory. */
  dir: string;
  /** Absolute manifest file. */
  file: string;
  /** Manifest file relative to the root, `/`-separated (used in messages). */
  displayFile: string;
  ecosystem: Ecosystem;
  /** `[package.<id>]` key when known. */
  id?: string;
  /** Where files are read from (memoised per graph computation by the plugin). */
  reader: FileReader;
}

export function toPosix(p: string): string {
  return path.sep === '/' ? p : p.split(path.sep).join('/');
}

/** A segment that makes a path other than plain: empty (`//`, a trailing `/`), `.`, `..`, or any backslash. */
const NOT_PLAIN = /(?:^|\/)\.{0,2}(?:\/|$)|\\/;

/** An absolute POSIX path with plain segments only: what `path.resolve` would return unchanged. */
function isPlainAbsolute(p: string): boolean {
  return path.sep === '/' && p.length > 1 && p.charCodeAt(0) === 47 /* / */ && !NOT_PLAIN.test(p.slice(1));
}

/**
 * `path.resolve(root, relative)`. The graph reads thousands of manifests, and path.resolve (which
 * asks for the working directory and normalises every time) was a visible share of that, so a
 * plain absolute root and a plain relative path are joined directly; anything else is resolved.
 */
export function resolveIn(root: string, relative: string): string {
  if (isPlainAbsolute(root)) {
    if (relative === '' || relative === '.') return root;
    if (relative.charCodeAt(0) !== 47 && !NOT_PLAIN.test(relative)) return `${root}/${relative}`;
    if (isPlainAbsolute(relative)) return relative;
  }
  return path.resolve(root, relative);
}

/** `file` relative to `root` (posix), or the absolute path when it lies outside the root. */
export function displayPath(root: string, file: string): string {
  if (file.length > root.length + 1 && file.charCodeAt(root.length) === 47 /* / */ && file.startsWith(root) && isPlainAbsolute(root)) {
    const rel = file.slice(root.length + 1);
    if (!NOT_PLAIN.test(rel)) return rel;
  }
  const rel = path.relative(root, file);
  if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return rel === '' ? '.' : toPosix(file);
  return toPosix(rel);
}

export function makeSource(root: string, dir: string, fileName: string, ecosystem: Ecosystem, id?: string, reader: FileReader = diskReader): ManifestSource {
  const absRoot = resolveIn(root, '');
  const absDir = resolveIn(absRoot, dir);
  const file = resolveIn(absDir, fileName);
  return { root: absRoot, dir: absDir, file, displayFile: displayPath(absRoot, file), ecosystem, id, reader };
}

/** ` (package `id`)` when the package id is known, for the end of a problem sentence. */
export function forPackage(src: ManifestSource): string {
  return src.id ? ` (package \`${src.id}\`)` : '';
}

/** Reads the manifest text, or throws a MonochangeError saying which file is missing and how to fix it. */
export function readManifestText(src: ManifestSource, expected: string = path.basename(src.file)): string {
  try {
    return src.reader.readText(src.file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new MonochangeError(`no ${expected} found for this ${src.ecosystem} package${forPackage(src)}`, {
        code: 'manifest.missing',
        file: src.displayFile,
        fix: fixForMissing(src, expected),
      });
    }
    throw new MonochangeError(`cannot read ${src.displayFile}: ${(error as Error).message}`, {
      code: 'manifest.unreadable',
      file: src.displayFile,
      fix: 'check that the file is readable by the current user',
    });
  }
}

function fixForMissing(src: ManifestSource, expected: string): string {
  const dir = displayPath(src.root, src.dir);
  const where = src.id ? `\`path\` of ${packageTable(src.id)} in monochange.toml` : 'the package path';
  return `create ${expected} in ${dir}, or make ${where} point at the directory that holds it`;
}

/** A manifest field is missing or has the wrong shape. */
export function fieldError(src: ManifestSource, key: string, problem: string, options: { found?: unknown; fix: string; file?: string }): MonochangeError {
  return new MonochangeError(`${problem}${forPackage(src)}`, {
    code: 'manifest.invalid-field',
    file: options.file ?? src.displayFile,
    key,
    found: 'found' in options ? describeValue(options.found) : undefined,
    fix: options.fix,
  });
}

export function missingFieldError(src: ManifestSource, key: string, fix: string, file?: string): MonochangeError {
  return new MonochangeError(`required field \`${key}\` is missing${forPackage(src)}`, {
    code: 'manifest.missing-field',
    file: file ?? src.displayFile,
    key,
    fix,
  });
}

/** The file does not parse; `line`/`column` are 1-based when the parser reports them. */
export function syntaxError(
  src: ManifestSource,
  format: string,
  detail: string,
  position: { line?: number; column?: number } = {},
  file?: string,
): MonochangeError {
  const firstLine = detail.split('\n')[0].trim();
  return new MonochangeError(`invalid ${format}: ${firstLine}${forPackage(src)}`, {
    code: 'manifest.syntax',
    file: file ?? src.displayFile,
    line: position.line,
    column: position.column,
    fix: `correct the ${format} syntax${position.line !== undefined ? ` at line ${position.line}` : ''}`,
  });
}

/** Short, type-tagged rendering of a value found in a manifest (`"1.x" (string)`, `42 (number)`). */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'a table/object';
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  const shown = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return `${shown} (${typeof value})`;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** Optional string field: undefined when absent, error when present with another type. */
export function optionalString(src: ManifestSource, value: unknown, key: string, file?: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw fieldError(src, key, `\`${key}\` must be a string`, { found: value, fix: `set \`${key}\` to a string`, file });
  }
  return value;
}

/** Required non-blank string field. */
export function requiredString(src: ManifestSource, value: unknown, key: string, fix: string, file?: string): string {
  if (value === undefined || value === null) throw missingFieldError(src, key, fix, file);
  if (typeof value !== 'string' || value.trim() === '') {
    throw fieldError(src, key, `\`${key}\` must be a non-empty string`, { found: value, fix, file });
  }
  return value.trim();
}

/** `1.2.3` with parts of at most 15 digits (safe integers): valid semver without asking semver. */
const PLAIN_VERSION = /^(?:0|[1-9]\d{0,14})\.(?:0|[1-9]\d{0,14})\.(?:0|[1-9]\d{0,14})$/;

/** semver's `valid`; semver is loaded only for a version that is not plain `1.2.3`. */
export function isValidSemver(text: string): boolean {
  if (PLAIN_VERSION.test(text)) return true;
  // The one function needed: `semver/functions/valid` loads a few files instead of all of semver.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on the first version that needs it
  const validSemver = require('semver/functions/valid') as typeof import('semver/functions/valid');
  return validSemver(text) !== null;
}

/** Optional semver version; absent → undefined, present but invalid → error naming the field. */
export function optionalSemver(src: ManifestSource, value: unknown, key: string, file?: string): string | undefined {
  const text = optionalString(src, value, key, file);
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (!isValidSemver(trimmed) || trimmed.startsWith('v') || trimmed.startsWith('=')) {
    throw fieldError(src, key, `\`${key}\` is not a valid semantic version`, {
      found: text,
      fix: `set \`${key}\` to a version like "1.2.3" (MAJOR.MINOR.PATCH, optional -prerelease)`,
      file,
    });
  }
  return trimmed;
}
