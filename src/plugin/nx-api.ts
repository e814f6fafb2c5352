import type * as Devkit from '@nx/devkit';

/** The few Nx functions the plugin itself calls (types come from @nx/devkit). */
export type NxApi = Pick<typeof Devkit, 'AggregateCreateNodesError' | 'logger' | 'DependencyType' | 'validateDependency'>;

let loaded: NxApi | undefined;

/**
 * Nx's devkit functions, loaded on first use rather than when Nx loads the plugin: computing the
 * projects needs none of them (only a failure or a warning does), and createDependencies needs them
 * only once it has an edge to validate. They come from `nx/src/devkit-exports`, the module
 * `@nx/devkit` re-exports (same objects, from the workspace's own nx), which spares the plugin
 * worker the rest of @nx/devkit (generator and executor utilities: ~120 more modules). Should an
 * Nx version move that module, `@nx/devkit` is the fallback.
 */
export function nxApi(): NxApi {
  if (!loaded) {
    try {
      loaded = require('nx/src/devkit-exports') as NxApi;
    } catch {
      loaded = require('@nx/devkit') as NxApi;
    }
  }
  return loaded;
}
