import type { MonochangeConfig } from '../config/types';
import type { CiIdentity } from '../ci/types';
import type { PackageTarget } from '../publish/target';
import type { TrustGate } from '../publish/trust-gate.types';
import type { Check, Env } from '../types';
import type { CommandRunner } from '../util/command';
import type { HttpClient } from '../util/http';

export interface ReadinessContext {
  config: MonochangeConfig;
  target: PackageTarget;
  identity: CiIdentity;
  env: Env;
  http: HttpClient;
  /** Read-only commands only (`npm --version`, `git ls-remote`, `deno publish --dry-run`). */
  runner: CommandRunner;
  gate: TrustGate;
  /** Filled by the registry-state check: is the version already on the registry. */
  state: { exists?: boolean; anyVersionExists?: boolean };
}

/** A readiness check: returns zero or more checks (pass/warn/fail with stable ids). Never mutates anything. */
export type ReadinessCheck = (ctx: ReadinessContext) => Promise<Check[]> | Check[];
