import { AsyncLocalStorage } from 'node:async_hooks';
import path from 'node:path';
import { formatError } from '../errors';
import { loadConfig } from '../config';
import type { MonochangeConfig } from '../config/types';
import type { Env } from '../types';
import { createExecaRunner, type CommandRunner } from '../util/command';
import { HttpClient } from '../util/http';
import { resolveIdentity, type IdentityResolution } from './identity';
import type { PreparedUpload } from '../registries/types';
import type { Logger } from './progress';
import type { PackageTarget } from './target';
import { createTrustGate, type TrustGate } from '../trust/gate';

/** Everything one task needs: config, identity, HTTP pool, command runner, trust gate. */
export interface RunContext {
  root: string;
  config: MonochangeConfig;
  env: Env;
  resolution: IdentityResolution;
  http: HttpClient;
  runner: CommandRunner;
  gate: TrustGate;
  log: Logger;
  /** Batch runs: a package's share of the uploads prepared ahead for the whole batch (see prepare-uploads.ts). */
  preparedUpload?: (target: PackageTarget) => Promise<PreparedUpload | undefined>;
}

export interface RunContextOptions {
  root: string;
  env?: Env;
  log?: Logger;
  runner?: CommandRunner;
  http?: HttpClient;
  fetch?: typeof fetch;
  /** Skip OIDC (readiness in a plain shell still reports what is missing). */
  write?: (text: string) => void;
  /** Read-only run (readiness): the HTTP client answers repeated lookups of a URL once. */
  readOnly?: boolean;
}

/** What a run needs before its identity is known: config, env, logger, HTTP pool, command runner. */
export type RunBase = Pick<RunContext, 'root' | 'config' | 'env' | 'log' | 'http' | 'runner'>;

export function createRunBase(options: RunContextOptions): RunBase {
  // A plain copy: reading process.env (an exotic object) per check costs more than the checks.
  const env = options.env ?? { ...process.env };
  const root = path.resolve(options.root);
  const config = loadConfig(root);
  const log = options.log ?? ((line: string) => console.log(line));
  const http =
    options.http ??
    new HttpClient({
      timeoutMs: config.lookup.timeoutMs,
      retries: config.lookup.retries,
      concurrency: config.lookup.concurrency,
      fetch: options.fetch,
      memoize: options.readOnly === true,
      onRetry: ({ url, attempt, waitMs, reason }) =>
        (packageLog.getStore() ?? log)(`↻ lookup ${url} answered ${reason}; retry ${attempt} in ${Math.round(waitMs / 100) / 10}s`),
    });
  return { root, config, env, log, http, runner: options.runner ?? createExecaRunner(env) };
}

/** The run's CI identity, resolved and verified, and the trust gate over it. */
export async function withIdentity(base: RunBase, options: Pick<RunContextOptions, 'fetch' | 'write'> = {}): Promise<RunContext> {
  const resolution = await resolveIdentity({ env: base.env, config: base.config, fetch: options.fetch, write: options.write });
  for (const warning of resolution.oidc.warnings) base.log(`⚠️  ${warning}`);
  return { ...base, resolution, gate: createTrustGate(base.config, resolution, base.env) };
}

export async function createRunContext(options: RunContextOptions): Promise<RunContext> {
  return withIdentity(createRunBase(options), options);
}

/**
 * For a task in a process of its own: the run context, or the failed result the task reports
 * when it cannot be built (a bad monochange.toml…), its one line already logged.
 */
export async function taskRunContext(
  options: RunContextOptions & { projectName: string; log: Logger },
): Promise<RunContext | { success: false; error: string }> {
  try {
    return await createRunContext(options);
  } catch (error) {
    const message = formatError(error);
    options.log(`❌ ${options.projectName}: ${message}`);
    return { success: false, error: message };
  }
}

/**
 * The logger of the package whose work is running: a lookup retried on the shared HTTP pool is
 * reported in that package's own output block, not the run's.
 */
const packageLog = new AsyncLocalStorage<Logger>();

export function withPackageLog<T>(log: Logger, work: () => Promise<T>): Promise<T> {
  return packageLog.run(log, work);
}
