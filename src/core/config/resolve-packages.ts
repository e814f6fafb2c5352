import * as path from 'node:path';
import { ecosystemConfigKey, type Ecosystem, type EcosystemConfigKey } from '../types';
import type { ConfigProblem } from './config-problem';
import { describeFound } from './describe-value';
import { formatKeyPath, formatSegment } from './key-path';
import { guessPackageType } from './manifest-hint';
import { normalizeRelativePath, pathProbe, type PathProbe } from './relative-path';
import { applyPublish, publishTable, publishTableProblems, registryOverrideProblem } from './resolve-publish';
import type { RawConfig, RawPackage } from './schema';
import { PACKAGE_ID_PATTERN } from './value-rules';
import type { PackageConfig, PublishSettings } from './types';

export interface PackageContext {
  root: string;
  checkPaths: boolean;
  defaultType?: Ecosystem;
  ecosystems: Record<EcosystemConfigKey, PublishSettings>;
  /** Ecosystems whose own settings are already reported as invalid. */
  invalidEcosystems: ReadonlySet<EcosystemConfigKey>;
  /** Answers which package paths exist and where they lead (default: a probe of `root` for this call). */
  paths?: PathProbe;
}

/** Package ids are checked on the raw table, before the schema, so they are reported with the rest. */
export function packageIdProblems(table: Record<string, unknown>): ConfigProblem[] {
  const packages = table.package;
  if (packages === null || typeof packages !== 'object' || Array.isArray(packages)) return [];
  return Object.keys(packages)
    .filter((id) => !PACKAGE_ID_PATTERN.test(id))
    .map((id) => {
      const suggestion = id.replace(/[^A-Za-z0-9_.@/:-]+/g, '-').replace(/^-+|-+$/g, '');
      return {
        code: 'config.invalid-package-id',
        path: ['package', id],
        problem: `\`${formatKeyPath(['package', id])}\` has an invalid package id`,
        found: describeFound(id),
        fix: `package ids may only use letters, digits and _ . @ / : -${suggestion ? `: e.g. \`[package.${formatSegment(suggestion)}]\`` : ' and must not be empty'}`,
      };
    });
}

export function resolvePackages(raw: RawConfig['package'], context: PackageContext): { packages: PackageConfig[]; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const packages: PackageConfig[] = [];
  const byManifest = new Map<string, string>();
  const ids = Object.keys(raw ?? {}).sort();
  const withPaths = { ...context, paths: context.paths ?? pathProbe(context.root) };
  for (const id of ids) {
    const resolved = resolvePackage(id, raw![id], withPaths, problems);
    if (!resolved) continue;
    const manifestKey = `${ecosystemConfigKey(resolved.type)}\u0000${resolved.path}`;
    const other = byManifest.get(manifestKey);
    if (other !== undefined) {
      problems.push(duplicatePathProblem(other, resolved));
    } else {
      byManifest.set(manifestKey, id);
    }
    packages.push(resolved);
  }
  return { packages, problems };
}

function resolvePackage(id: string, raw: RawPackage, context: PackageContext & { paths: PathProbe }, problems: ConfigProblem[]): PackageConfig | undefined {
  const tablePath = ['package', id];
  const owner = { tablePath, label: `package \`${id}\`` };
  const before = problems.length;
  const relative = checkedPath(id, raw.path, context, problems);
  const type = raw.type ?? context.defaultType;
  const rawPublish = publishTable(raw.publish);
  if (!type) problems.push(missingTypeProblem(id, relative, context));
  problems.push(...publishTableProblems(rawPublish, owner, context.root, context.checkPaths));
  if (!type || relative === undefined) return undefined;

  const ecosystem = ecosystemConfigKey(type);
  const publish = applyPublish(context.ecosystems[ecosystem], rawPublish);
  const setsRegistryOrMode = rawPublish?.registry !== undefined || rawPublish?.mode !== undefined;
  if (setsRegistryOrMode || !context.invalidEcosystems.has(ecosystem)) {
    const problem = registryOverrideProblem(publish, type, rawPublish, owner);
    if (problem) problems.push(problem);
  }
  if (problems.length > before) return undefined;
  const pkg: PackageConfig = { id, path: relative, type, publish };
  if (raw.version !== undefined) pkg.version = raw.version;
  return pkg;
}

function checkedPath(id: string, value: string, context: PackageContext & { paths: PathProbe }, problems: ConfigProblem[]): string | undefined {
  const keyPath = ['package', id, 'path'];
  const normalized = normalizeRelativePath(value, context.root);
  const kind = normalized.ok && context.checkPaths ? context.paths.kind(normalized.value) : undefined;
  if (normalized.ok && kind === 'directory') {
    const outside = symlinkOutsideProblem(id, value, normalized.value, context.root, context.paths);
    if (!outside) return normalized.value;
    problems.push(outside);
    return undefined;
  }
  if (normalized.ok && kind === undefined) return normalized.value; // no message to build
  const key = formatKeyPath(keyPath);
  if (!normalized.ok) {
    problems.push(
      normalized.reason === 'absolute'
        ? {
            code: 'config.invalid-path',
            path: keyPath,
            problem: `\`${key}\` of package \`${id}\` must be relative to the workspace root, not absolute`,
            found: describeFound(value),
            fix: normalized.suggestion
              ? `write \`path = "${normalized.suggestion}"\``
              : `write the package directory relative to the workspace root ${context.root}`,
          }
        : {
            code: 'config.invalid-path',
            path: keyPath,
            problem: `\`${key}\` of package \`${id}\` points outside the workspace root`,
            found: describeFound(value),
            fix: `packages must live inside the workspace root ${context.root}: remove the \`..\` and point \`path\` at a directory inside it (or move monochange.toml up to a common root)`,
          },
    );
    return undefined;
  }
  const parent = path.posix.dirname(normalized.value);
  problems.push({
    code: 'config.package-path-missing',
    path: keyPath,
    problem:
      kind === 'missing'
        ? `package \`${id}\` has \`${key}\` = "${normalized.value}", which does not exist in the workspace`
        : `package \`${id}\` has \`${key}\` = "${normalized.value}", which is a file, not a directory`,
    found: describeFound(value),
    fix:
      kind === 'missing'
        ? `create the directory ${normalized.value} under ${context.root}, or set \`path\` to the directory that holds the package's manifest (relative to the workspace root)`
        : `point \`path\` at the directory holding the manifest: \`path = "${parent}"\``,
  });
  return undefined;
}

/** A package directory that exists in the workspace but is (or lies under) a symlink to a directory outside it. */
function symlinkOutsideProblem(id: string, value: string, relative: string, root: string, paths: PathProbe): ConfigProblem | undefined {
  const target = paths.outside(relative);
  if (target === undefined) return undefined;
  return {
    code: 'config.invalid-path',
    path: ['package', id, 'path'],
    problem: `\`[${formatKeyPath(['package', id])}] path\` = "${relative}" resolves through a symlink to ${target}, outside the workspace root ${root}`,
    found: describeFound(value),
    fix: `packages must live inside the workspace root: replace the symlink with the package directory itself (or a symlink to a directory inside ${root}), or move monochange.toml up to a directory that contains ${target}`,
  };
}

function missingTypeProblem(id: string, relative: string | undefined, context: PackageContext): ConfigProblem {
  const guess = relative !== undefined && context.checkPaths ? guessPackageType(path.join(context.root, relative)) : undefined;
  const example = guess
    ? `set \`type = "${guess.type}"\` on the package (${relative}/${guess.manifest} looks like one)`
    : 'set `type = "cargo"` (or another supported type: npm, cargo, deno, dart, flutter, python, go) on the package';
  return {
    code: 'config.missing-type',
    path: ['package', id, 'type'],
    problem: `package \`${id}\` must declare \`type\` or set \`[defaults].package_type\` (\`${formatKeyPath(['package', id, 'type'])}\`)`,
    fix: `${example}, or set \`[defaults].package_type\` for a single-ecosystem repository`,
  };
}

function duplicatePathProblem(firstId: string, pkg: PackageConfig): ConfigProblem {
  const keyPath = ['package', pkg.id, 'path'];
  return {
    code: 'config.duplicate-package-path',
    path: keyPath,
    problem: `packages \`${firstId}\` and \`${pkg.id}\` both declare path "${pkg.path}" with type ${pkg.type} (\`${formatKeyPath(keyPath)}\`)`,
    found: describeFound(pkg.path),
    fix: `one manifest backs one package: remove \`[${formatKeyPath(['package', pkg.id])}]\` or \`[${formatKeyPath(['package', firstId])}]\`, or point one of them at its own directory`,
  };
}
