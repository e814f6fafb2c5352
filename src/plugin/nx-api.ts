import type * as Devkit from '@nx/devkit';

/** The few Nx functions the plugin itself calls (types come from @nx/devkit). */
export type NxApi = Pick<typeof Devkit, 'AggregateCreateNodesError' | 'logger'>;

let loaded: NxApi | undefined;

/**
 * Nx's devkit functions, loaded on first use rather than when Nx loads the plugin: computing the
 * projects and edges needs none of them, only a warning or a failure does. They come from
 * `nx/src/devkit-exports`, the module `@nx/devkit` re-exports (same objects, from the workspace's
 * own nx), which spares the plugin worker the rest of @nx/devkit (generator and executor utilities:
 * ~120 more modules). Should an Nx version move that module, `@nx/devkit` is the fallback.
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

/**
 * Nx's hash of a file's text, as its file map (`context.fileMap` of createDependencies) has it for
 * each file: `hashArray([text])` hashes the text's UTF-8 bytes as Nx hashes a file's. From Nx's
 * native module, which its plugin worker has already loaded; undefined when this Nx has no such
 * function (then nothing is compared by hash).
 */
export function nxTextHash(): ((text: string) => string) | undefined {
  if (textHash === undefined) {
    try {
      const { hashArray } = require('nx/src/native') as { hashArray?: (input: string[]) => string };
      textHash = typeof hashArray === 'function' ? (text) => hashArray([text]) : null;
    } catch {
      textHash = null;
    }
  }
  return textHash ?? undefined;
}

let textHash: ((text: string) => string) | null | undefined;
