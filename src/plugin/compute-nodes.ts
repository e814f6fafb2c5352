/**
 * Projects and targets from the root monochange.toml (computed here; create-nodes.ts reuses a
 * cached computation when nothing it read has changed).
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
import type { CreateNodesContext, CreateNodesResult, CreateNodesResultArray } from '@nx/devkit';
import { formatError, isMonochangeError, MonochangeError } from '../core/errors';
import { CONFIG_FILE_NAME } from '../core/config/types';
import { memoFileReader, type FileReader } from '../core/manifests/file-reader';
import { findExistingProject, type NxSeesFile } from './existing-project';
import { nodesForBrokenConfig } from './broken-config';
import { nxApi } from './nx-api';
import { resolveManifestErrors, resolveTargetNames, type MonochangePluginOptions } from './options';
import { findPublishCycles, formatCycle, publishPrerequisites } from '../core/publish/package-edges';
import { buildTargets, type PluginTarget } from './project-targets';
import type { PackageConfig } from '../core/config/types';
import { readDeclaredWorkspace } from './read-declared';
import { forNx } from './user-error';
import { candidateEdges, type CandidateEdge } from './create-dependencies';
import { projectRootOf } from './create-nodes';
import { declaredProjectNames } from './project-name';

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
  warn: (line: string) => void = (line) => nxApi().logger.warn(line),
): CreateNodesResult {
  return nodesAndEdges(configFile, options, context, reader, warn).result;
}

/** The projects, and the edge candidates createDependencies draws from the same manifests. */
function nodesAndEdges(
  configFile: string,
  options: MonochangePluginOptions | undefined,
  context: Pick<CreateNodesContext, 'workspaceRoot'>,
  reader: FileReader,
  warn: (line: string) => void,
  nxSees?: NxSeesFile,
): { result: CreateNodesResult; edges: CandidateEdge[] } {
  const names = resolveTargetNames(options);
  const manifestErrors = resolveManifestErrors(options);
  const root = context.workspaceRoot;
  const declared = readDeclaredWorkspace(root, { reader });
  const { config, manifests, edges, errors: unreadable } = declared;
  const manifestErrorOf = new Map(unreadable.map(({ id, error }) => [id, formatError(error)]));
  const errors: Array<[string, unknown]> = unreadable.map(({ file, error }) => [file, error]);
  const ids = config.packages.map((p) => p.id);

  const existing = new Map(config.packages.map((p) => [p.id, findExistingProject(root, projectRootOf(p.path), reader, nxSees)]));
  const projectName = declaredProjectNames(config.packages, (id) => existing.get(id)?.name, configFile);
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
    projects[projectRoot] = known ? { tags, targets } : { name: projectName(first.id), projectType: 'library', tags, targets };
  }
  const result: CreateNodesResult = { projects };
  if (errors.length > 0 && manifestErrors === 'error') throw new PartialNodes(result, errors);
  // Nx fails the whole project graph on a plugin error, hiding every project; a warning keeps the
  // workspace usable while the broken package's own tasks fail with the same message.
  for (const [, error] of errors) warn(`@monochange/nx: ${formatError(error)}`);
  // Every edge createDependencies draws stays within the packages `edgeSources` picks, so the
  // edges among all packages give the same candidates as reading those packages alone.
  return { result, edges: candidateEdges(declared) };
}

/** What one graph computation of the plugin gives: createNodes' results and errors, the warnings to print, the edge candidates. */
export interface ComputedGraph {
  results: CreateNodesResultArray;
  /** Per-file errors for Nx (an AggregateCreateNodesError of these, with `results`). */
  errors: Array<[string | null, Error]>;
  /** Printed by the caller, in this order, as Nx warnings. */
  warnings: string[];
  /** What createDependencies needs from the manifests, when the caller asked for it. */
  edges: CandidateEdge[];
}

/**
 * What `createNodesFromFiles` does (a result per file, the per-file errors thrown together with the
 * partial results as an AggregateCreateNodesError), without loading Nx's devkit: the caller throws
 * and prints. A package's unreadable manifest under `manifestErrors: "error"` is reported under its
 * own file, with the projects of every other package kept. Synchronous, reading through one memo
 * reader, so the graph cache can record every file it asked about.
 */
export function computeGraph(
  rootConfigs: readonly string[],
  options: MonochangePluginOptions | undefined,
  context: Pick<CreateNodesContext, 'workspaceRoot'>,
  withEdges: boolean,
  nxSees?: NxSeesFile,
): ComputedGraph {
  const out: ComputedGraph = { results: [], errors: [], warnings: [], edges: [] };
  const warn = (line: string) => out.warnings.push(line);
  for (const file of rootConfigs) {
    const reader = memoFileReader();
    try {
      const { result, edges } = nodesAndEdges(file, options, context, reader, warn, nxSees);
      out.results.push([file, result]);
      if (withEdges) out.edges = edges;
    } catch (cause) {
      if (cause instanceof PartialNodes) {
        out.results.push([file, cause.result]);
        for (const [f, e] of cause.errors) out.errors.push([f, forNx(e) as Error]);
      } else if (isConfigError(cause)) {
        // A bad monochange.toml: one warning, every other project and target keeps working, and
        // the monochange targets of the packages it still names fail with the message.
        warn(`@monochange/nx: ${formatError(cause)}`);
        out.results.push([file, nodesForBrokenConfig(context.workspaceRoot, resolveTargetNames(options), cause)]);
      } else {
        out.errors.push([file, forNx(cause) as Error]);
      }
    }
  }
  return out;
}

/** An error of monochange.toml itself (not of a plugin option or a manifest). */
function isConfigError(error: unknown): boolean {
  if (!isMonochangeError(error)) return false;
  const file = error.details.file ?? '';
  return file === CONFIG_FILE_NAME || file.endsWith(`/${CONFIG_FILE_NAME}`) || file.endsWith(`\\${CONFIG_FILE_NAME}`);
}
