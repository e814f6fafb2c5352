import { formatKeyPath, packageTable } from '../config/key-path';
import type { MonochangeConfig, PackageConfig } from '../config/types';
import { MonochangeError } from '../errors';
import { readManifest } from '../manifests';
import type { Manifest } from '../manifests/types';
import { registryAdapter } from '../registries';
import type { RegistryAdapter } from '../registries/types';

/** One package, resolved for a run: config, manifest, adapter (none for custom registries), version. */
export interface PackageTarget {
  pkg: PackageConfig;
  /** Nx project name (or the package id outside Nx). */
  project: string;
  manifest: Manifest;
  adapter?: RegistryAdapter;
  /** Name on the registry (Go: module path). */
  name: string;
  version: string;
}

/**
 * Finds the declared package by id, else by the root of the Nx project that id names (users read
 * and type project names; `packageProjectRoot` is that project's root), else by project root.
 */
export function findPackage(
  config: MonochangeConfig,
  by: { packageId?: string; packageProjectRoot?: string; projectRoot?: string; projectName?: string },
): PackageConfig {
  if (by.packageId) {
    const named = by.packageProjectRoot === undefined ? undefined : normaliseRoot(by.packageProjectRoot);
    const pkg =
      config.packages.find((p) => p.id === by.packageId) ?? (named === undefined ? undefined : config.packages.find((p) => normaliseRoot(p.path) === named));
    if (!pkg) {
      throw new MonochangeError(`no package \`${by.packageId}\` is declared in monochange.toml`, {
        file: config.file,
        key: formatKeyPath(['package', by.packageId]),
        fix: `add a ${packageTable(by.packageId)} table with its path and type, or pass an existing id (${config.packages.map((p) => p.id).join(', ') || 'none declared'})`,
      });
    }
    return pkg;
  }
  const root = normaliseRoot(by.projectRoot ?? '');
  const pkg = config.packages.find((p) => normaliseRoot(p.path) === root);
  if (!pkg) {
    const project = by.projectName ?? root;
    throw new MonochangeError(
      `project \`${project}\` (root \`${root || '.'}\`) is not declared in monochange.toml, so @monochange/nx does not know how to publish it`,
      {
        code: 'publish.undeclared-project',
        file: config.file,
        fix:
          `declare it with a [package.<id>] table: path = "${root || '.'}" and its type (add publish.enabled = false to that table to skip publishing it). ` +
          `If this is the \`nx-release-publish\` target Nx infers for an npm package (nx.json targetDefaults["nx-release-publish"] hands it to @monochange/nx), ` +
          `you can instead leave the package out of nx.json release.projects, set "private": true in its package.json, or give it its own target there ` +
          `("nx": { "targets": { "nx-release-publish": { "executor": "@nx/js:release-publish" } } }); a target you added yourself: remove it from the project`,
      },
    );
  }
  return pkg;
}

/** A project root or package path in one form for comparing: `/` separators, no leading `./`, no trailing `/`, `''` for the root. */
export function normaliseRoot(p: string): string {
  return p
    .replace(/\\/g, '/')
    .replace(/^\.\/?/, '')
    .replace(/\/+$/, '');
}

export interface VersionSources {
  /** `nxReleaseVersionData[project].newVersion` when run by `nx release publish`. */
  releaseVersion?: string | null;
  /** The target option `version`. */
  optionVersion?: string;
  /** The CI job's ref name (`GITHUB_REF_NAME`): a Go job started by `<dir>/vX.Y.Z` takes its version from it. */
  refName?: string;
}

/** The version to publish: the manifest's; for Go, nx release data, then the option, then `[package.<id>] version`. */
export function resolveVersion(pkg: PackageConfig, manifest: Manifest, sources: VersionSources, configFile: string): string {
  const explicit = sources.releaseVersion ?? sources.optionVersion;
  if (manifest.version) {
    return manifest.version;
  }
  const version = explicit ?? pkg.version ?? versionFromGoTag(manifest, sources.refName);
  if (!version) {
    throw new MonochangeError(
      `package \`${pkg.id}\` has no version to publish (${manifest.ecosystem} manifests ${manifest.ecosystem === 'go' ? 'carry no version' : 'declare none'})`,
      {
        file: configFile,
        key: formatKeyPath(['package', pkg.id, 'version']),
        fix: `run it from a job started by its release tag (\`${manifest.go?.relativePath ? `${manifest.go.relativePath}/` : ''}v1.2.3\`), through \`nx release publish\`, pass \`--version=1.2.3\` to the target, or set \`version = "1.2.3"\` under ${packageTable(pkg.id)}`,
      },
    );
  }
  return version.replace(/^v(?=\d)/, '');
}

function versionFromGoTag(manifest: Manifest, refName: string | undefined): string | undefined {
  if (manifest.ecosystem !== 'go' || !refName) return undefined;
  const prefix = manifest.go?.relativePath ? `${manifest.go.relativePath}/` : '';
  if (!refName.startsWith(prefix)) return undefined;
  const match = /^v(\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?)$/.exec(refName.slice(prefix.length));
  return match?.[1];
}

export function resolveTarget(config: MonochangeConfig, pkg: PackageConfig, project: string, sources: VersionSources = {}): PackageTarget {
  const manifest = readManifest(config.root, pkg);
  const adapter = pkg.publish.mode === 'builtin' ? registryAdapter(pkg.publish.registry) : undefined;
  const version = resolveVersion(pkg, manifest, sources, config.file);
  return { pkg, project, manifest, adapter, name: adapter ? adapter.registryName(manifest) : manifest.name, version };
}
