import type { ReadinessCheck } from '../../readiness/types';
import { cargoChecks } from '../../readiness/checks/cargo';

/** Cargo metadata, path dependencies and dependencies not yet on crates.io. */
export const cratesIoReadinessChecks: ReadinessCheck = (ctx) => cargoChecks(ctx);
