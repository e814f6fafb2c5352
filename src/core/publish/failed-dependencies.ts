import path from 'node:path';
import type { MonochangeConfig } from '../config/types';
import { readManifest } from '../manifests';
import type { Manifest } from '../manifests/types';

/**
 * Which of a run's failed packages a skipped package (transitively) depends on, read from the
 * declared packages' manifests: a dependency matches a declared package by registry name or, for
 * path dependencies, by directory. Used to name what blocked a package Nx skipped; empty when the
 * manifests do not show the link (the caller then names every failed package of the run).
 */
export function failedDependencyLookup(config: MonochangeConfig, failedIds: readonly string[]): (packageId: string) => string[] {
  const manifests = new Map<string, Manifest>();
  for (const pkg of config.packages) {
    try {
      manifests.set(pkg.id, readManifest(config.root, pkg));
    } catch {
      // An unreadable manifest has no edges to follow; its own task reported the problem.
    }
  }
  const byName = new Map<string, string[]>();
  const byDir = new Map<string, string>();
  for (const [id, manifest] of manifests) {
    byName.set(manifest.name, [...(byName.get(manifest.name) ?? []), id]);
    byDir.set(path.resolve(manifest.dir), id);
  }
  const dependenciesOf = (id: string): string[] => {
    const manifest = manifests.get(id);
    if (!manifest) return [];
    return manifest.dependencies.flatMap((dep) => {
      const byPath = dep.path ? byDir.get(path.resolve(manifest.dir, dep.path)) : undefined;
      return byPath ? [byPath] : (byName.get(dep.name) ?? []).filter((other) => other !== id);
    });
  };
  const failed = new Set(failedIds);
  return (packageId) => {
    const found: string[] = [];
    const seen = new Set([packageId]);
    const queue = [packageId];
    while (queue.length) {
      for (const dep of dependenciesOf(queue.shift()!)) {
        if (seen.has(dep)) continue;
        seen.add(dep);
        if (failed.has(dep)) found.push(dep);
        // A failed package's own dependencies are not what blocked this one.
        else queue.push(dep);
      }
    }
    return found.sort();
  };
}
