import type { EcosystemConfigKey } from '../../core/types';
import type { TomlTableEdit } from '../../core/workflow/toml-edit';
import type { NormalizedOptions } from './normalize-options';
import type { DeclaredPackage } from './read-declared';

/** Registries with registry-native provenance monochange can require (npm provenance, JSR). */
export const PROVENANCE_ECOSYSTEMS: readonly EcosystemConfigKey[] = ['npm', 'deno'];

/**
 * pub.dev wants one workflow per package, started by that package's own tag; Go modules are
 * released by their own `<dir>/vX.Y.Z` tags the same way.
 */
export function dartWorkflowFile(pkg: Pick<DeclaredPackage, 'id'>): string {
  return `publish-${fileSafeId(pkg.id)}.yml`;
}

/**
 * A package id as part of a file or artifact name: an ecosystem prefix's `:` (`dart:vault`), or any
 * other character a checkout on Windows or GitHub's artifact upload refuses, becomes `-`.
 */
export function fileSafeId(id: string): string {
  return id.replace(/[:"<>|*?\\/\s]/g, '-');
}

/** Ecosystems whose packages each get a tag-triggered workflow of their own. */
export const OWN_WORKFLOW_ECOSYSTEMS: readonly EcosystemConfigKey[] = ['dart', 'go'];
const ownWorkflow = (eco: EcosystemConfigKey) => OWN_WORKFLOW_ECOSYSTEMS.includes(eco);

const LABELS: Record<EcosystemConfigKey, string> = {
  npm: 'npm',
  cargo: 'crates.io',
  deno: 'JSR',
  dart: 'pub.dev',
  python: 'PyPI',
  go: 'Go',
};

/**
 * The monochange.toml tables to write: ecosystem-level `trusted_publishing` (and `attestations` for
 * npm/JSR) tables, or package-level ones when `--packages` limits the set. Dart packages always get
 * a package-level `workflow` because each has its own workflow file.
 */
export function configEdits(o: NormalizedOptions): TomlTableEdit[] {
  const edits: TomlTableEdit[] = [];
  const trust = (workflow: string | null): TomlTableEdit['values'] => ({
    enabled: true,
    repository: o.repository,
    ...(workflow === null ? {} : { workflow }),
    environment: o.environment === '' ? undefined : o.environment,
  });
  const provenance = { require_registry_provenance: o.provenance };

  if (o.limited) {
    for (const pkg of o.packages) {
      const base = ['package', pkg.id, 'publish'];
      edits.push({
        table: [...base, 'trusted_publishing'],
        values: trust(ownWorkflow(pkg.ecosystem) ? dartWorkflowFile(pkg) : o.workflow),
      });
      if (PROVENANCE_ECOSYSTEMS.includes(pkg.ecosystem)) edits.push({ table: [...base, 'attestations'], values: provenance });
    }
    return edits;
  }

  for (const eco of o.ecosystems) {
    const base = ['ecosystems', eco, 'publish'];
    edits.push({
      table: [...base, 'trusted_publishing'],
      values: trust(ownWorkflow(eco) ? null : o.workflow),
      comment: ecosystemComment(eco),
    });
    if (PROVENANCE_ECOSYSTEMS.includes(eco)) {
      edits.push({
        table: [...base, 'attestations'],
        values: provenance,
        comment: [`Require ${eco === 'npm' ? 'npm provenance' : 'JSR provenance'} on every ${LABELS[eco]} publish.`],
      });
    }
  }
  for (const pkg of o.packages.filter((p) => ownWorkflow(p.ecosystem))) {
    edits.push({
      table: ['package', pkg.id, 'publish', 'trusted_publishing'],
      values: { workflow: dartWorkflowFile(pkg) },
      comment: [`${pkg.ecosystem === 'dart' ? 'pub.dev' : 'Go'}: ${pkg.name} is published by its own tag-triggered workflow.`],
    });
  }
  return edits;
}

function ecosystemComment(eco: EcosystemConfigKey): string[] {
  if (eco === 'dart') {
    return [
      'Trusted publishing (OIDC) for pub.dev: publishes are accepted only from this repository',
      '(and environment, when required on pub.dev); each package has its own workflow below.',
    ];
  }
  if (eco === 'go') {
    return [
      'Go modules are published by version tags (there is no registry OIDC exchange): each module',
      'has a workflow started by its own `<dir>/vX.Y.Z` tag, which makes sure the Go proxy serves it.',
    ];
  }
  return [
    `Trusted publishing (OIDC) for ${LABELS[eco]}: the registry accepts publishes only from this`,
    'repository, workflow file and environment, as configured on the registry for each package.',
  ];
}
