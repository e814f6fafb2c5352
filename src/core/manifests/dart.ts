import type { Ecosystem } from '../types';
import type { FileReader } from './file-reader';
import { fieldError, isRecord, makeSource, optionalSemver, optionalString, readManifestText, requiredString, syntaxError, type ManifestSource } from './source';
import type { DependencyKind, Manifest, ManifestDependency } from './types';

const DEPENDENCY_FIELDS: ReadonlyArray<[string, DependencyKind]> = [
  ['dependencies', 'normal'],
  ['dev_dependencies', 'dev'],
];

/**
 * Reads `<dir>/pubspec.yaml`. The result's ecosystem is `flutter` when the pubspec has a top-level
 * `flutter:` key (or the package was declared as flutter), else `dart`.
 */
export function readDartManifest(root: string, dir: string, id?: string, declared: Ecosystem = 'dart', reader?: FileReader): Manifest {
  const src = makeSource(root, dir, 'pubspec.yaml', declared, id, reader);
  const yaml = parseYaml(src, readManifestText(src));
  const name = requiredString(src, yaml.name, 'name', 'add `name: my_package` to pubspec.yaml');
  const version = optionalSemver(src, yaml.version, 'version');
  const publishTo = yaml.publish_to;
  if (publishTo !== undefined && publishTo !== null && typeof publishTo !== 'string' && publishTo !== false) {
    throw fieldError(src, 'publish_to', '`publish_to` must be `none` or a registry URL', {
      found: publishTo,
      fix: 'write `publish_to: none` to keep the package private, or remove the key',
    });
  }
  const isPrivate = publishTo === false || (typeof publishTo === 'string' && publishTo.trim() === 'none');
  const flutter = 'flutter' in yaml || declared === 'flutter';
  return {
    ecosystem: flutter ? 'flutter' : 'dart',
    file: src.file,
    dir: src.dir,
    name,
    version,
    private: isPrivate,
    privateReason: isPrivate ? `pubspec.yaml sets publish_to: ${String(publishTo)}` : undefined,
    dependencies: readDependencies(src, yaml),
    dart: {
      flutter: 'flutter' in yaml,
      publishTo: typeof publishTo === 'string' ? publishTo : publishTo === false ? 'none' : undefined,
      repository: optionalString(src, yaml.repository, 'repository'),
      description: optionalString(src, yaml.description, 'description'),
    },
  };
}

function parseYaml(src: ManifestSource, text: string): Record<string, unknown> {
  // Loaded on first use: only workspaces with Dart packages pay for the YAML parser.
  const { parseDocument } = require('yaml') as typeof import('yaml');
  const doc = parseDocument(text);
  const [first] = doc.errors;
  if (first) {
    const pos = first.linePos?.[0];
    const detail = first.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw syntaxError(src, 'YAML', detail, { line: pos?.line, column: pos?.col });
  }
  const value: unknown = doc.toJS();
  if (!isRecord(value)) {
    throw syntaxError(src, 'YAML', `the top level must be a mapping (name: ..., version: ...), not ${value === null ? 'empty' : typeof value}`);
  }
  return value;
}

function readDependencies(src: ManifestSource, yaml: Record<string, unknown>): ManifestDependency[] {
  const deps: ManifestDependency[] = [];
  for (const [field, kind] of DEPENDENCY_FIELDS) {
    const table = yaml[field];
    if (table === undefined || table === null) continue;
    if (!isRecord(table)) {
      throw fieldError(src, field, `\`${field}\` must be a mapping of package → constraint`, {
        found: table,
        fix: `write \`${field}:\` followed by indented \`package: ^1.0.0\` lines`,
      });
    }
    for (const [name, spec] of Object.entries(table)) {
      const dep = readDependency(src, `${field}.${name}`, name, spec, field, kind);
      if (dep) deps.push(dep);
    }
  }
  return deps;
}

/** SDK dependencies (`flutter: { sdk: flutter }`) are not pub packages and are skipped. */
function readDependency(src: ManifestSource, key: string, name: string, spec: unknown, field: string, kind: DependencyKind): ManifestDependency | undefined {
  if (spec === null || spec === undefined) return { name, kind, field };
  if (typeof spec === 'string' || typeof spec === 'number') return { name, kind, field, versionReq: String(spec) };
  if (!isRecord(spec)) {
    throw fieldError(src, key, `dependency \`${name}\` must be a version constraint or a mapping`, {
      found: spec,
      fix: `write \`${name}: ^1.0.0\` or \`${name}: { path: ../${name} }\``,
    });
  }
  if (spec.sdk !== undefined) return undefined;
  const dep: ManifestDependency = { name, kind, field };
  if (typeof spec.path === 'string') dep.path = spec.path;
  if (typeof spec.version === 'string') dep.versionReq = spec.version;
  // `hosted: { name: real_name, url: ... }` (older form) publishes under another name.
  if (isRecord(spec.hosted) && typeof spec.hosted.name === 'string') dep.name = spec.hosted.name;
  return dep;
}
