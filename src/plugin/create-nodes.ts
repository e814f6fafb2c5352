import type { CreateNodes, CreateNodesContext, CreateNodesResult, CreateNodesResultArray } from '@nx/devkit';
import { statSync } from 'node:fs';
import { CONFIG_FILE_NAME } from '../core/config/types';
import type { FileReader } from '../core/manifests/file-reader';
import type { CandidateEdge } from './create-dependencies';
import { graphCacheFile, graphCacheKey, pruneGraphCache, readGraphCache, recordFsInputs, writeGraphCache } from './graph-cache';
import { nxApi } from './nx-api';
import type { MonochangePluginOptions } from './options';

/**
 * The computation (config parser, manifest readers, package edges) is loaded only when the graph
 * cache cannot answer: a cache hit loads none of it. See compute-nodes.ts for what is computed.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on a cache miss only
const computeModule = () => require('./compute-nodes') as typeof import('./compute-nodes');

/** Nx project root of a package path (`""` → `"."`). */
export function projectRootOf(path: string): string {
  return path === '' ? '.' : path;
}

/** One graph computation's projects (see compute-nodes.ts). */
export function nodesFromConfig(
  configFile: string,
  options: MonochangePluginOptions | undefined,
  context: Pick<CreateNodesContext, 'workspaceRoot'>,
  reader?: FileReader,
): CreateNodesResult {
  return computeModule().nodesFromConfig(configFile, options, context, reader);
}

type Entry = { key: string; root: string; edges: CandidateEdge[] };

/**
 * The edge candidates of the computation createNodes just made or reused, for the
 * createDependencies call Nx makes next in the same process (taken once).
 */
let handOff: Entry | undefined;

export function takeComputedEdges(root: string, options: MonochangePluginOptions | undefined): CandidateEdge[] | undefined {
  const entry = handOff;
  handOff = undefined;
  return entry && entry.root === root && entry.key === keyOf(root, options) ? entry.edges : undefined;
}

/**
 * Writing the cache (fingerprinting the files read, serialising the results) is left until Nx has
 * the results when the plugin runs in Nx's plugin worker process: that worker serialises the
 * results as soon as createNodes returns, and the write runs on the next turn of the event loop,
 * while Nx merges what its plugins returned (or at the latest when the next computation starts).
 * Where Nx runs the plugin in its own process, Nx merges the very objects returned, so the cache is
 * written before returning them.
 */
let pendingWrite: (() => void) | undefined;

/** Whether this process is Nx's plugin worker (which serialises what createNodes returns at once). */
export function inNxPluginWorker(argv: readonly string[] = process.argv): boolean {
  return /[\\/]plugin-worker\.[cm]?[jt]s$/.test(argv[1] ?? '');
}

/** Writes the last computation's cache entry now, if it is still waiting. */
export function flushGraphCacheWrite(): void {
  const write = pendingWrite;
  pendingWrite = undefined;
  write?.();
}

/** Where the graph cache lives: Nx's workspace data directory (removed by `nx reset`). */
export interface GraphCacheOptions {
  dir: string;
}

/**
 * The cache is used only while Nx computes the project graph (Nx sets `NX_GRAPH_CREATION` in its
 * plugin workers and around an in-process computation), in Nx's workspace data directory.
 */
function nxGraphCache(root: string): GraphCacheOptions | undefined {
  if (!(globalThis as { NX_GRAPH_CREATION?: boolean }).NX_GRAPH_CREATION) return undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- already loaded by Nx's plugin worker
    const { workspaceDataDirectoryForWorkspace } = require('nx/src/utils/cache-directory') as { workspaceDataDirectoryForWorkspace?: (root: string) => string };
    return typeof workspaceDataDirectoryForWorkspace === 'function' ? { dir: workspaceDataDirectoryForWorkspace(root) } : undefined;
  } catch {
    return undefined;
  }
}

/** The plugin's own version and build (its files' sizes and times): a rebuilt or upgraded plugin computes afresh. */
let build: unknown;
function buildOf(): unknown {
  if (build === undefined) {
    let version: string | undefined;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- outside the compiled tree
      version = (require('../../package.json') as { version?: string }).version;
    } catch {
      version = undefined; // a copy of the compiled files alone: their stamps below still tell builds apart
    }
    const stamp = (file: string) => {
      const stat = statSync(file, { throwIfNoEntry: false });
      return stat ? [stat.size, stat.mtimeMs] : null;
    };
    build = [version, stamp(__filename), stamp(require.resolve('./compute-nodes'))];
  }
  return build;
}

function keyOf(root: string, options: MonochangePluginOptions | undefined, withNxFiles = true): string {
  return graphCacheKey([1, buildOf(), process.platform, root, options ?? null, withNxFiles]);
}

/**
 * createNodes, with the graph cache when `cache` is given: a result computed from files that have not changed since (see graph-cache.ts) is returned as it
 * was, its warnings printed again. Computations that fail are not cached.
 */
export async function createNodesWithCache(
  configFiles: readonly string[],
  options: MonochangePluginOptions | undefined,
  context: CreateNodesContext,
  cache: GraphCacheOptions | undefined,
  nxFiles?: ReadonlySet<string>,
): Promise<CreateNodesResultArray> {
  handOff = undefined;
  flushGraphCacheWrite();
  // Only the workspace's own config declares packages; nested monochange.toml files are ignored.
  const rootConfigs = configFiles.filter((file) => file === CONFIG_FILE_NAME);
  if (rootConfigs.length === 0) return [];
  const root = context.workspaceRoot;
  const key = cache ? keyOf(root, options, nxFiles !== undefined) : '';
  const file = cache ? graphCacheFile(cache.dir, key) : '';
  if (cache) {
    const hit = readGraphCache<CreateNodesResultArray, CandidateEdge[]>(file, key);
    if (hit && (hit.listed ?? []).every((asked) => Array.isArray(asked) && nxFiles?.has(asked[0]) === asked[1])) {
      if (hit.warnings.length > 0) for (const line of hit.warnings) nxApi().logger.warn(line);
      handOff = { key, root, edges: hit.edges };
      return hit.nodes;
    }
  }
  // What Nx's file list answered, kept with the cache entry and asked again on a hit.
  const listed = new Map<string, boolean>();
  const nxSees =
    nxFiles &&
    ((relativeFile: string) => {
      const seen = nxFiles.has(relativeFile);
      listed.set(relativeFile, seen);
      return seen;
    });
  const compute = () => computeModule().computeGraph(rootConfigs, options, context, cache !== undefined, nxSees);
  const { value: out, inputs } = cache ? recordFsInputs(compute) : { value: compute(), inputs: undefined };
  if (out.warnings.length > 0) for (const line of out.warnings) nxApi().logger.warn(line);
  if (out.errors.length > 0) throw new (nxApi().AggregateCreateNodesError)(out.errors, out.results);
  if (cache && inputs) {
    handOff = { key, root, edges: out.edges };
    pendingWrite = () => {
      const recorded = inputs();
      if (!recorded) return;
      writeGraphCache(file, { key, inputs: recorded, listed: [...listed], nodes: out.results, edges: out.edges, warnings: out.warnings });
      pruneGraphCache(file);
    };
    if (inNxPluginWorker()) setImmediate(flushGraphCacheWrite);
    else flushGraphCacheWrite();
  }
  return out.results;
}

function createNodesInternal(
  configFiles: readonly string[],
  options: MonochangePluginOptions | undefined,
  context: CreateNodesContext,
): Promise<CreateNodesResultArray> {
  return createNodesWithCache(configFiles, options, context, nxGraphCache(context.workspaceRoot), nxFileList(configFiles, context));
}

/**
 * Besides monochange.toml, the plugin's pattern matches the files Nx's own plugins infer projects
 * from, so Nx's file list (which it has already made) tells which package directories hold one,
 * without asking the disk for each package. It is the list Nx's plugins see: git-ignored files are
 * not in it.
 */
export const PLUGIN_FILES = `{${CONFIG_FILE_NAME},package.json,**/package.json,project.json,**/project.json}`;

/**
 * The files Nx matched for the plugin's pattern, unless an `include`/`exclude` in nx.json's
 * plugins may have narrowed that list (then the disk is asked).
 */
function nxFileList(configFiles: readonly string[], context: CreateNodesContext): ReadonlySet<string> | undefined {
  const narrowed = (context.nxJsonConfiguration?.plugins ?? []).some((p) => typeof p === 'object' && p !== null && ('include' in p || 'exclude' in p));
  return narrowed ? undefined : new Set(configFiles);
}

/** Nx 22+ (v2 signature): projects and targets from the root `monochange.toml`. */
export const createNodes: CreateNodes<MonochangePluginOptions> = [PLUGIN_FILES, createNodesInternal];

/** Nx 21 only reads this name; Nx 23 deprecates it. Same implementation. */
export const createNodesV2: CreateNodes<MonochangePluginOptions> = createNodes;
