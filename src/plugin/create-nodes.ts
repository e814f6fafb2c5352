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
 *   monochange.toml is one warning: the packages it still names keep projects whose monochange
 *   targets fail with its message (see broken-config.ts), and the run hook refuses our targets.
 */
import { formatKeyPath } from '../core/config/key-path';
import type { CreateNodes, CreateNodesContext, CreateNodesResult, CreateNodesResultArray } from '@nx/devkit';
import { formatError, isMonochangeError, MonochangeError } from '../core/errors';
import { CONFIG_FILE_NAME } from '../core/config/types';
import { memoFileReader, type FileReader } from '../core/manifests/file-reader';
import { findExistingProject } from '../core/publish/existing-project';
import { nodesForBrokenConfig } from './broken-config';
import { nxApi } from './nx-api';
import { resolveManifestErrors, resolveTargetNames, type MonochangePluginOptions } from './options';
import { findPublishCycles, formatCycle, publishPrerequisites } from '../core/publish/package-edges';
import { buildTargets, type PluginTarget } from './project-targets';
import type { PackageConfig } from '../core/config/types';
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

  // Nx has one project per directory. A directory can hold packages of two ecosystems (a napi
  // package: package.json + Cargo.toml): the first declared owns the project and the plain target
  // names, the others (its twins) add `<target>-<type>` targets to that project.
  const ownerAt = new Map<string, PackageConfig>();
  const twinsAt = new Map<string, PackageConfig[]>();
  for (const pkg of config.packages) {
    const projectRoot = projectRootOf(pkg.path);
    const taken = ownerAt.get(projectRoot);
    const twins = twinsAt.get(projectRoot) ?? [];
    if (!taken) {
      ownerAt.set(projectRoot, pkg);
    } else if (taken.type !== pkg.type && !twins.some((t) => t.type === pkg.type)) {
      twinsAt.set(projectRoot, [...twins, pkg]);
    } else {
      errors.push([
        configFile,
        new MonochangeError(`packages \`${taken.id}\` and \`${pkg.id}\` share the path "${pkg.path}"`, {
          code: 'plugin.shared-path',
          file: configFile,
          key: formatKeyPath(['package', pkg.id, 'path']),
          fix: `Nx has one project per directory, which takes one package per ecosystem, so only \`${taken.id}\` gets targets; give each published package of one ecosystem its own directory`,
        }),
      ]);
    }
  }
  const twinIds = new Set([...twinsAt.values()].flat().map((p) => p.id));
  const byId = new Map(config.packages.map((p) => [p.id, p]));
  const targetName = (name: string, id: string) => (twinIds.has(id) ? `${name}-${byId.get(id)!.type}` : name);

  const projects: NonNullable<CreateNodesResult['projects']> = {};
  for (const [projectRoot, first] of ownerAt) {
    const twins = twinsAt.get(projectRoot) ?? [];
    const known = existing.get(first.id);
    const targets: Record<string, PluginTarget> = {};
    for (const pkg of twins.length > 0 ? [first, ...twins] : [first]) {
      const after = prerequisites.get(pkg.id) ?? [];
      const afterTwins = twinIds.size > 0 ? after.filter((d) => twinIds.has(d)) : [];
      const own = buildTargets(pkg === first ? names : { ...names, releasePublish: null }, {
        pkg,
        displayName: manifests.get(pkg.id)?.name ?? pkg.id,
        publishAfter: (afterTwins.length > 0 ? after.filter((id) => !twinIds.has(id)) : after).map(projectName),
        cycle: cycleOf.get(pkg.id),
        manifestError: manifestErrorOf.get(pkg.id),
      });
      for (const name in own) {
        const target = own[name];
        // In a shared directory each target names its package, and waits for a twin's own target.
        if (twins.length > 0 && !('command' in target.options)) target.options = { package: pkg.id } as unknown as PluginTarget['options'];
        for (const id of afterTwins) {
          if (!target.dependsOn && name !== names.publish && name !== names.releasePublish) continue;
          const dependency = byId.get(id)!;
          (target.dependsOn ??= []).push({
            target: targetName(names.publish, id),
            projects: [projectName(ownerAt.get(projectRootOf(dependency.path))!.id)],
            params: 'forward',
          });
        }
        targets[targetName(name, pkg.id)] = target;
      }
    }
    const tags = ['monochange', `monochange:${first.type}`];
    for (const twin of twins) tags.push(`monochange:${twin.type}`);
    // A project Nx already infers (project.json, package.json) keeps its name; others are named by id.
    projects[projectRoot] = known ? { tags, targets } : { name: first.id, projectType: 'library', tags, targets };
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
      } else if (isConfigError(cause)) {
        // A bad monochange.toml: one warning, every other project and target keeps working, and
        // the monochange targets of the packages it still names fail with the message.
        nxApi().logger.warn(`@monochange/nx: ${formatError(cause)}`);
        results.push([file, nodesForBrokenConfig(context.workspaceRoot, resolveTargetNames(options), cause)]);
      } else {
        errors.push([file, forNx(cause) as Error]);
      }
    }
  }
  if (errors.length > 0) throw new (nxApi().AggregateCreateNodesError)(errors, results);
  return results;
}

/** An error of monochange.toml itself (not of a plugin option or a manifest). */
function isConfigError(error: unknown): boolean {
  if (!isMonochangeError(error)) return false;
  const file = error.details.file ?? '';
  return file === CONFIG_FILE_NAME || file.endsWith(`/${CONFIG_FILE_NAME}`) || file.endsWith(`\\${CONFIG_FILE_NAME}`);
}

/** Nx 22+ (v2 signature): projects and targets from the root `monochange.toml`. */
export const createNodes: CreateNodes<MonochangePluginOptions> = [CONFIG_FILE_NAME, createNodesInternal];

/** Nx 21 only reads this name; Nx 23 deprecates it. Same implementation. */
export const createNodesV2: CreateNodes<MonochangePluginOptions> = createNodes;
