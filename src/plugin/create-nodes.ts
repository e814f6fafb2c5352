/**
 * Projects and targets from the root monochange.toml.
 *
 * Decisions checked in a real workspace (Nx 23.2.1 and 24.0.6, see plugin.integration.spec.ts):
 * - Publish order is `dependsOn` on the dependencies' publish targets (params forwarded, so a
 *   `--dry-run` reaches them). A run/build cycle makes `nx run`/`run-many` refuse the task graph
 *   before anything runs, printing `a:publish --> b:publish --> a:publish`. `nx release publish`
 *   (and NX_IGNORE_CYCLES) break the cycle and run anyway, so the publish targets of packages on a
 *   cycle are replaced by tasks that print the cycle and fail (see project-targets.ts).
 * - Nx fails the whole project graph on any plugin error, so a broken package manifest is by
 *   default a warning (every project stays listed; the package's tasks fail with the same
 *   message); `manifestErrors: "error"` makes it Nx's per-file plugin error instead. A bad
 *   monochange.toml is always that per-file error.
 */
import type { CreateNodes, CreateNodesContext, CreateNodesResult, CreateNodesResultArray } from '@nx/devkit';
import { formatError, MonochangeError } from '../core/errors';
import { CONFIG_FILE_NAME } from '../core/config/types';
import { memoFileReader, type FileReader } from '../core/manifests/file-reader';
import { findExistingProject } from '../core/publish/existing-project';
import { nxApi } from './nx-api';
import { resolveManifestErrors, resolveTargetNames, type MonochangePluginOptions } from './options';
import { findPublishCycles, formatCycle, publishPrerequisites } from '../core/publish/publish-order';
import { buildTargets } from './project-targets';
import { readDeclaredWorkspace } from './read-declared';
import { forNx } from './user-error';

/** Nx project root of a package path (`""` → `"."`). */
export function projectRootOf(path: string): string {
  return path === '' ? '.' : path;
}

/** Thrown from the per-file function: nodes for what could be read, plus the per-package errors. */
class PartialNodes extends Error {
  constructor(
    readonly result: CreateNodesResult,
    readonly errors: Array<[string, unknown]>,
  ) {
    super('partial monochange nodes');
  }
}

/** One graph computation's projects. `reader` is shared by every file read of this call (each file once). */
export function nodesFromConfig(
  configFile: string,
  options: MonochangePluginOptions | undefined,
  context: Pick<CreateNodesContext, 'workspaceRoot'>,
  reader: FileReader = memoFileReader(),
): CreateNodesResult {
  const names = resolveTargetNames(options);
  const manifestErrors = resolveManifestErrors(options);
  const root = context.workspaceRoot;
  const { config, manifests, edges, errors: unreadable } = readDeclaredWorkspace(root, { reader });
  const manifestErrorOf = new Map(unreadable.map(({ id, error }) => [id, formatError(error)]));
  const errors: Array<[string, unknown]> = unreadable.map(({ file, error }) => [file, error]);
  const ids = config.packages.map((p) => p.id);

  const existing = new Map(config.packages.map((p) => [p.id, findExistingProject(root, projectRootOf(p.path), reader)]));
  const projectName = (id: string) => existing.get(id)?.name ?? id;
  const prerequisites = publishPrerequisites(ids, edges);
  const cycleOf = new Map<string, string>();
  for (const cycle of findPublishCycles(ids, edges)) {
    for (const id of cycle) cycleOf.set(id, formatCycle(cycle));
  }

  const projects: NonNullable<CreateNodesResult['projects']> = {};
  const owner = new Map<string, string>();
  for (const pkg of config.packages) {
    const projectRoot = projectRootOf(pkg.path);
    const taken = owner.get(projectRoot);
    if (taken) {
      errors.push([
        configFile,
        new MonochangeError(`packages \`${taken}\` and \`${pkg.id}\` share the path "${pkg.path}"`, {
          code: 'plugin.shared-path',
          file: configFile,
          key: `package.${pkg.id}.path`,
          fix: `Nx has one project per directory, so only \`${taken}\` gets targets; give each published package its own directory`,
        }),
      ]);
      continue;
    }
    owner.set(projectRoot, pkg.id);
    const known = existing.get(pkg.id);
    projects[projectRoot] = {
      // A project Nx already infers (project.json, package.json) keeps its name; others are named by id.
      ...(known ? {} : { name: pkg.id, projectType: 'library' as const }),
      tags: ['monochange', `monochange:${pkg.type}`],
      targets: buildTargets(names, {
        pkg,
        displayName: manifests.get(pkg.id)?.name ?? pkg.id,
        publishAfter: (prerequisites.get(pkg.id) ?? []).map(projectName),
        cycle: cycleOf.get(pkg.id),
        manifestError: manifestErrorOf.get(pkg.id),
      }),
    };
  }
  const result: CreateNodesResult = { projects };
  if (errors.length > 0 && manifestErrors === 'error') throw new PartialNodes(result, errors);
  // Nx fails the whole project graph on a plugin error, hiding every project; a warning keeps the
  // workspace usable while the broken package's own tasks fail with the same message.
  if (errors.length > 0) {
    const { logger } = nxApi();
    for (const [, error] of errors) logger.warn(`@monochange/nx: ${formatError(error)}`);
  }
  return result;
}

/**
 * What `createNodesFromFiles` does (a result per file, the per-file errors thrown together with the
 * partial results as an AggregateCreateNodesError), without loading Nx's devkit unless something
 * failed. A package's unreadable manifest under `manifestErrors: "error"` is reported under its
 * own file, with the projects of every other package kept.
 */
async function createNodesInternal(
  configFiles: readonly string[],
  options: MonochangePluginOptions | undefined,
  context: CreateNodesContext,
): Promise<CreateNodesResultArray> {
  // Only the workspace's own config declares packages; nested monochange.toml files are ignored.
  const rootConfigs = configFiles.filter((file) => file === CONFIG_FILE_NAME);
  const results: Array<readonly [string, CreateNodesResult]> = [];
  const errors: Array<[string | null, Error]> = [];
  for (const file of rootConfigs) {
    try {
      results.push([file, nodesFromConfig(file, options, context)]);
    } catch (cause) {
      if (cause instanceof PartialNodes) {
        results.push([file, cause.result]);
        for (const [f, e] of cause.errors) errors.push([f, forNx(e) as Error]);
      } else {
        errors.push([file, forNx(cause) as Error]);
      }
    }
  }
  if (errors.length > 0) throw new (nxApi().AggregateCreateNodesError)(errors, results);
  return results;
}

/** Nx 22+ (v2 signature): projects and targets from the root `monochange.toml`. */
export const createNodes: CreateNodes<MonochangePluginOptions> = [CONFIG_FILE_NAME, createNodesInternal];

/** Nx 21 only reads this name; Nx 23 deprecates it. Same implementation. */
export const createNodesV2: CreateNodes<MonochangePluginOptions> = createNodes;
