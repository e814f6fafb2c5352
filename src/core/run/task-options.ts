import type { Env } from '../types';
import type { CommandRunner } from '../util/command';
import type { HttpClient } from '../util/http';
import type { Logger } from './progress';

/** Inputs of one publish/placeholder task, as an executor or a script gives them. */
export interface TaskOptions {
  root: string;
  projectName: string;
  projectRoot: string;
  /** `[package.<id>]` to publish (default: the package whose path is the project root). */
  packageId?: string;
  /** Root of the Nx project named like `packageId`, when there is one: the package at that path, if no id matches. */
  packageProjectRoot?: string;
  /** Go: version when not run by `nx release publish`. */
  version?: string;
  /** `nxReleaseVersionData[project].newVersion`. */
  releaseVersion?: string | null;
  dryRun: boolean;
  /** Artifact path (relative to the root); defaults per mode. */
  output?: string;
  env?: Env;
  log?: Logger;
  runner?: CommandRunner;
  http?: HttpClient;
  fetch?: typeof fetch;
  /** Placeholder only: configure the trusted publisher after the placeholder exists, where the registry lets the plugin do it (npm). */
  configureTrust?: boolean;
}
