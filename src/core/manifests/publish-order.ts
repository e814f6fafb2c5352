import type { DependencyKind, Manifest } from './types';

/** Kinds that must be published before the dependent: dev dependencies never order publishing, peer ranges are not installed from the registry at publish time. */
const ORDERING_KINDS: ReadonlySet<DependencyKind> = new Set(['normal', 'build', 'optional']);

/** Names of the dependencies that order publishing (normal, build, optional), de-duplicated, in manifest order. */
export function dependencyNamesForPublishOrder(manifest: Manifest): string[] {
  const names = new Set<string>();
  for (const dep of manifest.dependencies) if (ORDERING_KINDS.has(dep.kind)) names.add(dep.name);
  return [...names];
}
