import type { ReadinessCheck } from '../../readiness/types';
import { jsrChecks } from '../../readiness/checks/jsr';

/** deno.json metadata and slow types, by `deno publish --dry-run`. Called on use: the check module reaches back to this adapter (through readiness/checks/tools.ts), so it may not be loaded yet when the adapter is. */
export const jsrReadinessChecks: ReadinessCheck = (ctx) => jsrChecks(ctx);
