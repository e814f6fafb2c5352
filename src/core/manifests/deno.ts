import * as path from 'node:path';
import { diskReader, type FileReader } from './file-reader';
import { parseJsonObject } from './json-text';
import { fieldError, isRecord, makeSource, optionalSemver, readManifestText, requiredString, type ManifestSource } from './source';
import { MANIFEST_FILES, type Manifest, type ManifestDependency } from './types';

/** The deno manifest that would be read: the first of deno.json, deno.jsonc, jsr.json that exists (deno.json if none). */
export function denoManifestFile(dir: string, reader: FileReader = diskReader): string {
  const names = MANIFEST_FILES.deno;
  return names.find((n) => reader.exists(path.join(dir, n))) ?? names[0];
}

/** Reads deno.json / deno.jsonc / jsr.json; dependencies are the `jsr:` entries of `imports`. */
export function readDenoManifest(root: string, dir: string, id?: string, reader?: FileReader): Manifest {
  const absDir = path.resolve(root, dir);
  const fileName = denoManifestFile(absDir, reader);
  const src = makeSource(root, dir, fileName, 'deno', id, reader);
  const json = parseJsonObject(src, readManifestText(src, MANIFEST_FILES.deno.join(', ')), fileName.endsWith('.jsonc'));
  const name = requiredString(src, json.name, 'name', `add "name": "@scope/pkg" to ${fileName} (JSR needs a scoped name)`);
  const version = optionalSemver(src, json.version, 'version');
  const imports = readImports(src, json.imports);
  return {
    ecosystem: 'deno',
    file: src.file,
    dir: src.dir,
    name,
    version,
    private: false,
    dependencies: jsrDependencies(imports),
    deno: { fileName, exports: json.exports, imports },
  };
}

function readImports(src: ManifestSource, value: unknown): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  const fix = 'write "imports" as { "@std/path": "jsr:@std/path@^1" }';
  if (!isRecord(value)) throw fieldError(src, 'imports', '`imports` must be an object of specifier → target', { found: value, fix });
  for (const [key, target] of Object.entries(value)) {
    if (typeof target !== 'string') {
      throw fieldError(src, `imports.${key}`, `import \`${key}\` must map to a string`, { found: target, fix });
    }
  }
  return value as Record<string, string>;
}

/** `jsr:@scope/pkg@^1/sub/path` → { name: "@scope/pkg", versionReq: "^1" }; npm:, https: and local targets are not JSR packages. */
export function parseJsrSpecifier(target: string): { name: string; versionReq?: string } | undefined {
  const match = /^jsr:\/?(@[^/@\s]+\/[^/@\s]+)(?:@([^/\s]*))?(?:\/.*)?$/.exec(target.trim());
  if (!match) return undefined;
  return { name: match[1], versionReq: match[2] || undefined };
}

function jsrDependencies(imports: Record<string, string> | undefined): ManifestDependency[] {
  const deps: ManifestDependency[] = [];
  const seen = new Set<string>();
  for (const target of Object.values(imports ?? {})) {
    const jsr = parseJsrSpecifier(target);
    // `"@std/path": "jsr:@std/path@^1"` and `"@std/path/": "jsr:/@std/path@^1/"` name one package.
    if (!jsr || seen.has(jsr.name)) continue;
    seen.add(jsr.name);
    deps.push({ name: jsr.name, kind: 'normal', field: 'imports', versionReq: jsr.versionReq });
  }
  return deps;
}
