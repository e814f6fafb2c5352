import { verifyGithubIdentity } from '../ci/oidc';
import { HANDED_TOKEN_ENV } from '../ci/oidc/handoff-env';
import { findWorkspaceConfig, loadConfig } from '../config';
import type { Env } from '../types';

/**
 * In the Nx process, before any task of a run that includes one of our targets: request the job's
 * ID token once, mask it on the raw log (this process's stdout reaches the runner unprefixed,
 * whatever Nx's output style), verify it, and hand it to the run's tasks through `env`, which Nx
 * copies to them. Tasks then verify that token instead of requesting one whose `::add-mask::` line
 * Nx could prefix (`proj: ::add-mask::…` masks nothing and prints the token).
 *
 * Nothing is handed when the identity cannot be verified: each task then finds and reports why.
 * GitHub Actions only: a GitLab CI/CD job already has its ID token in every process's environment
 * (`MONOCHANGE_ID_TOKEN`, from `id_tokens:`), so each task verifies that token itself and the job's
 * ledger accepts that one token throughout the job (ci/oidc/jti-ledger.ts `claimJobToken`).
 */
export async function handOffOidcToken(options: {
  root: string;
  /** The targets the Nx command runs. */
  runTargets: readonly string[];
  env: Env;
  /** The plugin's targets. */
  targets: readonly string[];
  fetch?: typeof fetch;
  write?: (text: string) => void;
}): Promise<'handed' | 'skipped' | 'unverified'> {
  const { env } = options;
  // A token is only ever handed down by this run's own hook.
  delete env[HANDED_TOKEN_ENV];
  if (env.GITHUB_ACTIONS !== 'true' || !env.ACTIONS_ID_TOKEN_REQUEST_URL || !env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) return 'skipped';
  if (!options.runTargets.some((t) => options.targets.includes(t))) return 'skipped';
  if (!findWorkspaceConfig(options.root)) return 'skipped';
  let config;
  try {
    config = loadConfig(options.root);
  } catch {
    return 'skipped'; // the tasks report the configuration error
  }
  const result = await verifyGithubIdentity({
    env,
    config,
    fetch: options.fetch,
    handOff: true,
    write: options.write ?? ((text) => process.stdout.write(text)),
  });
  if (result.status !== 'verified' || !result.handedToken) return 'unverified';
  env[HANDED_TOKEN_ENV] = result.handedToken;
  return 'handed';
}
