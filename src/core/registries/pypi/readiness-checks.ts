import type { ReadinessCheck } from '../../readiness/types';
import { pythonChecks } from '../../readiness/checks/python';

/** pyproject.toml name, version and readme. */
export const pypiReadinessChecks: ReadinessCheck = (ctx) => pythonChecks(ctx);
