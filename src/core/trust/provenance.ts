import type { CiIdentity } from '../ci/types';
import type { PackageConfig } from '../config/types';
import { capabilityMessage, providerRegistryCapability } from './capabilities';

export type ProvenanceRefusalCode =
  'provenance.trust-disabled' | 'provenance.identity-unverifiable' | 'provenance.unsupported' | 'provenance.adapter-cannot-require';

export type ProvenanceVerdict = { ok: true; addProvenanceFlag: boolean } | { ok: false; code: ProvenanceRefusalCode; reason: string };

export interface CheckProvenanceInput {
  pkg: PackageConfig;
  registry: string;
  identity: CiIdentity;
}

const EXTERNAL_OPT_OUT =
  'set `publish.attestations.require_registry_provenance = false` to opt out or use an external publisher that enforces its own attestation policy.';

/**
 * `publish.attestations.require_registry_provenance`: passes only where the
 * upload itself can carry registry-native provenance — npm from GitHub Actions or GitLab CI/CD
 * (`--provenance`), and JSR from GitHub Actions (automatic, no flag).
 */
export function checkProvenance({ pkg, registry, identity }: CheckProvenanceInput): ProvenanceVerdict {
  if (!pkg.publish.attestations.requireRegistryProvenance) return { ok: true, addProvenanceFlag: false };

  const id = `\`${pkg.id}\``;
  if (!pkg.publish.trustedPublishing.enabled) {
    return {
      ok: false,
      code: 'provenance.trust-disabled',
      reason: `${id} requires registry-native package provenance, but trusted publishing is disabled. Registry provenance is only enforceable for built-in publishing from a verifiable CI/OIDC identity; set \`publish.trusted_publishing = true\` or set \`publish.attestations.require_registry_provenance = false\` to opt out.`,
    };
  }

  const cap = capabilityMessage(registry, identity);
  if (identity.provider === 'unknown' || !identity.verifiable) {
    return {
      ok: false,
      code: 'provenance.identity-unverifiable',
      reason: `${id} requires registry-native package provenance from a verifiable CI/OIDC identity, but the current publishing context is local or unverifiable. ${cap} Run \`nx run-many -t publish\` from the configured CI workflow or set \`publish.attestations.require_registry_provenance = false\` to opt out.`,
    };
  }

  const cell = providerRegistryCapability(registry, identity.provider);
  if (!cell.registryNativeProvenance) {
    return {
      ok: false,
      code: 'provenance.unsupported',
      reason: `${id} cannot require registry-native package provenance for ${registry} from ${identity.label}. ${cap} This registry/provider combination does not expose provenance monochange can require; ${EXTERNAL_OPT_OUT}`,
    };
  }
  if (!cell.adapterCanRequireProvenance) {
    return {
      ok: false,
      code: 'provenance.adapter-cannot-require',
      reason: `${id} cannot require registry-native package provenance for ${registry} yet. ${cap} The registry supports provenance, but monochange's current built-in publisher for this ecosystem does not expose a publish command that can require it; ${EXTERNAL_OPT_OUT}`,
    };
  }
  return { ok: true, addProvenanceFlag: registry === 'npm' };
}
