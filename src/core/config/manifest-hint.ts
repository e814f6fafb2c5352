import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Ecosystem } from '../types';

/** Manifest file names that reveal a package type, in the order they are tried. */
const MANIFESTS: [string, Ecosystem][] = [
  ['Cargo.toml', 'cargo'],
  ['package.json', 'npm'],
  ['deno.json', 'deno'],
  ['deno.jsonc', 'deno'],
  ['jsr.json', 'deno'],
  ['pubspec.yaml', 'dart'],
  ['pyproject.toml', 'python'],
  ['go.mod', 'go'],
];

/** A guess at the type of the package in `dir`, from the manifest it holds; only for fix texts. */
export function guessPackageType(dir: string): { type: Ecosystem; manifest: string } | undefined {
  for (const [manifest, type] of MANIFESTS) {
    const file = path.join(dir, manifest);
    if (!fs.existsSync(file)) continue;
    if (type === 'dart' && /^flutter\s*:/m.test(safeRead(file))) return { type: 'flutter', manifest };
    return { type, manifest };
  }
  return undefined;
}

function safeRead(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
