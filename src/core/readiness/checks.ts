import {
  cargoChecks,
  credentialChecks,
  goChecks,
  identityChecks,
  jsrChecks,
  npmChecks,
  pythonChecks,
  rateLimitChecks,
  toolChecks,
  workflowChecks,
} from './checks/index';
import { registryStateCheck, trustCheck } from './core-checks';
import type { ReadinessCheck } from './types';

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
  npmChecks,
  cargoChecks,
  jsrChecks,
  pythonChecks,
  goChecks,
  rateLimitChecks,
];
