import { registryAdapter } from '../registries';
import { credentialChecks, identityChecks, rateLimitChecks, toolChecks, workflowChecks } from './checks/index';
import { registryOf } from './checks/support';
import { registryStateCheck, trustCheck } from './core-checks';
import type { ReadinessCheck } from './types';

/** The checks the package's registry declares for itself (npm pack list, Cargo metadata, JSR slow types…). */
export const registryOwnChecks: ReadinessCheck = async (ctx) => (await registryAdapter(registryOf(ctx))?.readinessChecks?.(ctx)) ?? [];

/**
 * Every readiness check, in the order they are reported. The registry state comes first: the deep
 * checks skip packages whose version is already published (and external ones).
 */
export const READINESS_CHECKS: ReadinessCheck[] = [
  registryStateCheck,
  trustCheck,
  identityChecks,
  workflowChecks,
  credentialChecks,
  toolChecks,
  registryOwnChecks,
  rateLimitChecks,
];
