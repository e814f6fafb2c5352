import { publishable } from '../../config/resolve-publish';
import type { MonochangeConfig, PackageConfig } from '../../config/types';
import { readManifest } from '../../manifests';
import type { Manifest } from '../../manifests/types';

const cache = new WeakMap<MonochangeConfig, Map<string, Manifest | Error>>();

/**
 * The manifest of another declared package, read once per loaded config. A manifest that cannot
 * be read comes back as the Error (callers decide what that means for them).
 */
export function declaredManifest(config: MonochangeConfig, pkg: PackageConfig): Manifest | Error {
  let byId = cache.get(config);
  if (!byId) {
    byId = new Map();
    cache.set(config, byId);
  }
  let manifest = byId.get(pkg.id);
  if (!manifest) {
    try {
      manifest = readManifest(config.root, pkg);
    } catch (error) {
      manifest = error instanceof Error ? error : new Error(String(error));
    }
    byId.set(pkg.id, manifest);
  }
  return manifest;
}

/** Is the package uploaded by this run's built-in publishing to `registry`? */
export function inPublishSet(pkg: PackageConfig, registry: string): boolean {
  return publishable(pkg) && pkg.publish.registry === registry;
}
