import type { FileReader } from './file-reader';
import { parseJsonObject } from './json-text';
import { detectPackageManager } from './npm-manager';
import { fieldError, isRecord, makeSource, optionalSemver, readManifestText, requiredString, type ManifestSource } from './source';
import type { DependencyKind, Manifest, ManifestDependency, NpmData } from './types';

const DEPENDENCY_FIELDS: ReadonlyArray<[string, DependencyKind]> = [
  ['dependencies', 'normal'],
  ['optionalDependencies', 'optional'],
  ['peerDependencies', 'peer'],
  ['devDependencies', 'dev'],
];

/** Reads `<dir>/package.json` (`dir` absolute or relative to `root`). */
export function readNpmManifest(root: string, dir: string, id?: string, reader?: FileReader): Manifest {
  const src = makeSource(root, dir, 'package.json', 'npm', id, reader);
  const json = parseJsonObject(src, readManifestText(src));
  const name = requiredString(src, json.name, 'name', 'add a "name" field (e.g. "@scope/pkg") to package.json');
  const version = optionalSemver(src, json.version, 'version');
  // npm refuses any truthy `private` (libnpmpublish: `if (manifest.private)`), "true" and "false" strings too.
  const isPrivate = !!json.private;
  let manager: NpmData['manager'] | undefined;
  return {
    ecosystem: 'npm',
    file: src.file,
    dir: src.dir,
    name,
    version,
    private: isPrivate,
    privateReason: isPrivate ? `package.json sets "private": ${JSON.stringify(json.private)}` : undefined,
    dependencies: readDependencies(src, json),
    npm: {
      // Detected when first asked for: the project graph never needs it, and it walks up the tree.
      get manager() {
        return (manager ??= detectPackageManager(src.root, src.dir));
      },
      set manager(value) {
        manager = value;
      },
      repositoryUrl: repositoryUrl(json.repository),
      publishConfig: isRecord(json.publishConfig) ? json.publishConfig : undefined,
      json,
    },
  };
}

function readDependencies(src: ManifestSource, json: Record<string, unknown>): ManifestDependency[] {
  const deps: ManifestDependency[] = [];
  for (const [field, kind] of DEPENDENCY_FIELDS) {
    const table = json[field];
    if (table === undefined) continue;
    if (!isRecord(table)) {
      throw fieldError(src, field, `\`${field}\` must be an object of name → version range`, {
        found: table,
        fix: `write \`${field}\` as { "name": "^1.0.0" }`,
      });
    }
    for (const [key, range] of Object.entries(table)) {
      if (typeof range !== 'string') {
        throw fieldError(src, `${field}.${key}`, `dependency \`${key}\` in \`${field}\` must have a string range`, {
          found: range,
          fix: `give \`${key}\` a version range such as "^1.0.0" or "workspace:*"`,
        });
      }
      deps.push(dependency(key, kind, field, range));
    }
  }
  return deps;
}

/** `workspace:`/`catalog:` ranges stay verbatim; `npm:real@^1` aliases bind to the real name; `file:`/`link:` give a path. */
function dependency(key: string, kind: DependencyKind, field: string, range: string): ManifestDependency {
  const dep: ManifestDependency = { name: key, kind, field, versionReq: range };
  const alias = /^npm:((?:@[^/@]+\/)?[^@]+)(?:@.*)?$/.exec(range);
  if (alias) dep.name = alias[1];
  const local = /^(?:file|link):(.+)$/.exec(range);
  if (local) dep.path = local[1];
  return dep;
}

function repositoryUrl(repository: unknown): string | undefined {
  if (typeof repository === 'string') return repository;
  if (isRecord(repository) && typeof repository.url === 'string') return repository.url;
  return undefined;
}
