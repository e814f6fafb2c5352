import type { TrustOutcome } from '../types';
import type { PackageTarget } from './target';

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
