import type { MonochangeConfig } from '../config/types';
import type { CiIdentity } from '../ci/types';
import type { PackageTarget } from '../run/target';
import type { TrustGate } from '../trust/gate';
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
  /**
   * What `npm pack --dry-run` would ship from a package dir. Batch runs pass a lister that asks
   * one npm process for many packages; by default the npm check runs npm for this package alone.
   */
  packFiles?: (dir: string) => Promise<PackedFiles>;
  /** Filled by the registry-state check: is the version already on the registry. */
  state: { exists?: boolean; anyVersionExists?: boolean };
}

/** A readiness check: returns zero or more checks (pass/warn/fail with stable ids). Never mutates anything. */
export type ReadinessCheck = (ctx: ReadinessContext) => Promise<Check[]> | Check[];

/** The files `npm pack` would put in the tarball (posix paths), or why they could not be listed. */
export type PackedFiles = { files: Set<string> } | { error: string };
