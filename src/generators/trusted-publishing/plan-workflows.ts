import type { RegistryId } from '../../core/types';
import { DEFAULT_REGISTRY } from '../../core/types';
import type { GitlabPipelineSpec } from '../../core/workflow/render-gitlab';
import type { PublishWorkflowSpec } from '../../core/workflow/render-workflow';
import { dartWorkflowFile, fileSafeId, OWN_WORKFLOW_ECOSYSTEMS } from './config-edits';
import type { NormalizedOptions } from './normalize-options';

export interface PlannedWorkflow {
  /** Path in the workspace, e.g. `.github/workflows/publish.yml`. */
  path: string;
  file: string;
  spec: PublishWorkflowSpec;
  /** Registries it publishes to (for the audit). */
  registries: RegistryId[];
}

export const WORKFLOWS_DIR = '.github/workflows';

/**
 * One workflow for every registry but pub.dev (run-many over the selected projects), and one per
 * Dart package, triggered by that package's own `<name>-vX.Y.Z` tag as pub.dev requires.
 */
export function planWorkflows(o: NormalizedOptions, targets: { publish: string; readiness: string }, tagPatterns: string[]): PlannedWorkflow[] {
  const planned: PlannedWorkflow[] = [];
  const mainEcosystems = o.ecosystems.filter((e) => !OWN_WORKFLOW_ECOSYSTEMS.includes(e));
  const mainPackages = o.packages.filter((p) => !OWN_WORKFLOW_ECOSYSTEMS.includes(p.ecosystem));
  // Without a package to publish, `run-many` without --projects would publish every project.
  if (mainEcosystems.length > 0 && mainPackages.length > 0) {
    const allEnabled = o.config.packages.filter((p) => p.enabled);
    const everything = allEnabled.length === mainPackages.length && allEnabled.every((p) => mainPackages.includes(p));
    planned.push({
      path: `${WORKFLOWS_DIR}/${o.workflow}`,
      file: o.workflow,
      registries: mainEcosystems.map((e) => DEFAULT_REGISTRY[e]),
      spec: {
        name: 'Publish',
        trigger: o.trigger,
        tagPatterns,
        environment: o.environment,
        ecosystems: mainEcosystems,
        target: { kind: 'run-many', projects: everything ? undefined : [...new Set(mainPackages.map((p) => p.project))] },
        targets,
        concurrencyGroup: 'publish',
        artifactName: 'monochange-results',
        packageManager: o.packageManager,
      },
    });
  }
  for (const pkg of o.packages.filter((p) => p.ecosystem === 'dart')) {
    const file = dartWorkflowFile(pkg);
    planned.push({
      path: `${WORKFLOWS_DIR}/${file}`,
      file,
      registries: [DEFAULT_REGISTRY[pkg.ecosystem]],
      spec: {
        name: `Publish ${pkg.name} to pub.dev`,
        trigger: 'tag',
        tagPatterns: [`${pkg.name}-v[0-9]+.[0-9]+.[0-9]+`],
        environment: o.environment,
        ecosystems: ['dart'],
        target: { kind: 'project', project: pkg.project },
        targets,
        concurrencyGroup: `publish-${pkg.id}`,
        artifactName: `monochange-results-${fileSafeId(pkg.id)}`,
        packageManager: o.packageManager,
        flutter: pkg.type === 'flutter',
      },
    });
  }
  for (const pkg of o.packages.filter((p) => p.ecosystem === 'go')) {
    const file = dartWorkflowFile(pkg);
    const prefix = pkg.path === '.' || pkg.path === '' ? '' : `${pkg.path}/`;
    planned.push({
      path: `${WORKFLOWS_DIR}/${file}`,
      file,
      registries: [DEFAULT_REGISTRY[pkg.ecosystem]],
      spec: {
        name: `Publish Go module ${pkg.name}`,
        trigger: 'tag',
        tagPatterns: [`${prefix}v[0-9]+.[0-9]+.[0-9]+`],
        environment: o.environment,
        ecosystems: ['go'],
        target: { kind: 'project', project: pkg.project },
        targets,
        concurrencyGroup: `publish-${pkg.id}`,
        artifactName: `monochange-results-${fileSafeId(pkg.id)}`,
        packageManager: o.packageManager,
      },
    });
  }
  return planned;
}

/** The GitLab publish job: every selected package in one `run-many` (only npm and PyPI get here). */
export function planGitlabPipeline(
  o: NormalizedOptions,
  targets: { publish: string; readiness: string },
  tagPatterns: string[],
): GitlabPipelineSpec | undefined {
  // Without a package to publish, `run-many` without --projects would publish every project.
  if (o.packages.length === 0) return undefined;
  const allEnabled = o.config.packages.filter((p) => p.enabled);
  const everything = allEnabled.length === o.packages.length && allEnabled.every((p) => o.packages.includes(p));
  return {
    environment: o.environment,
    registries: o.ecosystems.map((e) => DEFAULT_REGISTRY[e]),
    provenance: o.provenance,
    trigger: o.trigger,
    tagPatterns,
    projects: everything ? undefined : [...new Set(o.packages.map((p) => p.project))],
    targets,
    packageManager: o.packageManager,
  };
}
