import type { Manifest } from '../../manifests/types';

const present = (value: string | undefined) => Boolean(value && value.trim());

/**
 * Why a crate cannot be published to crates.io, one message per problem.
 * Workspace-inherited fields are already resolved by the manifest reader.
 */
export function cargoReadinessBlockers(manifest: Manifest): string[] {
  const cargo = manifest.cargo;
  if (!cargo || cargo.missingPackage) return ['Cargo manifest is missing [package]'];
  const blockers: string[] = [];
  if (cargo.publish === false) blockers.push('package.publish is false');
  else if (Array.isArray(cargo.publish) && !cargo.publish.includes('crates-io')) blockers.push('package.publish does not include crates-io');
  if (!present(cargo.description)) blockers.push('package.description is required for crates.io');
  if (!present(cargo.license) && !present(cargo.licenseFile)) blockers.push('package.license or package.license-file is required for crates.io');
  return blockers;
}
