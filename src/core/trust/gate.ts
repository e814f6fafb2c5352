import { checkClaimsForPackage, customRegistryClaimRules } from '../ci/oidc';
import type { MonochangeConfig } from '../config/types';
import { npmTrustCommandFor } from '../registries/npm';
import { enforceTrust } from './enforce';
import { configuredOrManualOutcome, disabledOutcome, plannedOutcome } from './outcome';
import { checkProvenance } from './provenance';
import type { Env, TrustOutcome } from '../types';
import type { IdentityResolution } from '../run/identity';
import type { PackageTarget } from '../run/target';

export type GateVerdict = { allowed: true; provenance: boolean; warnings: string[] } | { allowed: false; code: string; reason: string };

/**
 * What the publish state machine asks of the trust rules (src/core/trust): may this package be
 * uploaded from this job, with or without provenance, and what to report about trusted publishing.
 */
export interface TrustGate {
  /** Trust + provenance checks, before any upload of a real (non dry-run) publish. */
  check(target: PackageTarget): Promise<GateVerdict>;
  /** The artifact's `trustedPublishing` object for a phase of the run. */
  outcome(target: PackageTarget, phase: 'planned' | 'done' | 'disabled'): TrustOutcome;
}

/**
 * Composes the trust rules of src/core/trust (context, tokens, matrix, provenance) with the
 * signed-token checks of src/core/ci/oidc into the one question the publish state machine asks.
 */
export function createTrustGate(config: MonochangeConfig, resolution: IdentityResolution, env: Env): TrustGate {
  const { identity } = resolution;
  return {
    async check(target: PackageTarget): Promise<GateVerdict> {
      const { pkg } = target;
      const registry = pkg.publish.registry;
      const warnings = [...resolution.oidc.warnings];
      if (pkg.publish.trustedPublishing.enabled) {
        if (resolution.oidc.status === 'refused') {
          return { allowed: false, code: resolution.oidc.code, reason: `\`${pkg.id}\` refused: ${resolution.oidc.reason}` };
        }
        const unverifiedReason = 'reason' in resolution.oidc ? resolution.oidc.reason : undefined;
        const dirs = { root: config.root, packageDir: target.manifest.dir };
        const verdict = enforceTrust({ pkg, registry, identity, env, config, unverifiedReason, dirs });
        if (!verdict.allowed) return { allowed: false, code: verdict.code, reason: verdict.reason };
        warnings.push(...(verdict.warnings ?? []));
        const context = verdict.context;
        const rules = target.adapter?.trust.claims ?? customRegistryClaimRules(registry);
        const claims = checkClaimsForPackage({
          identity,
          rules,
          expected: {
            repository: context?.repository ?? pkg.publish.trustedPublishing.repository ?? '',
            workflow: context?.workflow ?? pkg.publish.trustedPublishing.workflow ?? '',
            // Only a configured environment is an expectation; the job's own would check nothing.
            environment: context?.sources.environment === 'config' ? context.environment : undefined,
            repositoryId: pkg.publish.trustedPublishing.repositoryId,
            repositoryOwnerId: pkg.publish.trustedPublishing.repositoryOwnerId,
            tags: target.adapter?.trust.releaseTags?.(target.manifest, target.version),
            provenance: pkg.publish.attestations.requireRegistryProvenance,
          },
        });
        if (!claims.ok) return { allowed: false, code: claims.code, reason: `\`${pkg.id}\` refused: ${claims.reason}` };
        warnings.push(...claims.warnings);
      }
      const provenance = checkProvenance({ pkg, registry, identity });
      if (!provenance.ok) return { allowed: false, code: provenance.code, reason: provenance.reason };
      return { allowed: true, provenance: provenance.addProvenanceFlag, warnings };
    },
    outcome(target: PackageTarget, phase: 'planned' | 'done' | 'disabled'): TrustOutcome {
      if (phase === 'disabled' || !target.adapter) return disabledOutcome();
      const input = {
        pkg: target.pkg,
        registry: target.pkg.publish.registry,
        name: target.name,
        identity,
        config,
        setupUrl: target.adapter.setupUrl(target.manifest),
        npmTrustCommand:
          target.pkg.publish.registry === 'npm'
            ? (ctx: { repository: string; workflow: string; environment?: string }) => npmTrustCommandFor(target.manifest, ctx, env)
            : undefined,
      };
      return phase === 'planned' ? plannedOutcome(input) : configuredOrManualOutcome(input);
    },
  };
}
