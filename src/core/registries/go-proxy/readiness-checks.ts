import type { ReadinessCheck } from '../../readiness/types';
import { goChecks } from '../../readiness/checks/go';

/** Module path major version, a free release tag and a clean tree. */
export const goReadinessChecks: ReadinessCheck = (ctx) => goChecks(ctx);
