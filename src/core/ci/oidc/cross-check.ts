import type { Env } from '../../types';
import type { GithubClaims } from './claims';
import { refuse, type Refusal } from './refusal';

/** Environment variables that GitHub sets from the same facts the token's claims carry. */
export const ENV_CLAIM_PAIRS: ReadonlyArray<readonly [string, keyof GithubClaims]> = [
  ['GITHUB_REPOSITORY', 'repository'],
  ['GITHUB_REF', 'ref'],
  ['GITHUB_SHA', 'sha'],
  ['GITHUB_WORKFLOW_REF', 'workflow_ref'],
  ['GITHUB_EVENT_NAME', 'event_name'],
  ['GITHUB_RUN_ID', 'run_id'],
  ['GITHUB_RUN_ATTEMPT', 'run_attempt'],
  ['RUNNER_ENVIRONMENT', 'runner_environment'],
];

/** The runner always sets these; without them a token cannot be bound to this run. */
const REQUIRED_VARIABLES = new Set([
  'GITHUB_REPOSITORY',
  'GITHUB_REF',
  'GITHUB_SHA',
  'GITHUB_WORKFLOW_REF',
  'GITHUB_EVENT_NAME',
  'GITHUB_RUN_ID',
  'GITHUB_RUN_ATTEMPT',
]);

/**
 * The token must be this run's: each variable equals its claim exactly, and the variables that
 * bind it to the run (repository, ref, commit, workflow, event, run id and attempt) must be set. A
 * difference means something between GitHub and this process rewrote the environment, or handed
 * us a token of another run: refuse.
 */
export function crossCheckEnv(env: Env, claims: GithubClaims): { ok: true } | Refusal {
  const absent = [...REQUIRED_VARIABLES].filter((v) => !env[v]);
  if (absent.length) {
    return refuse(
      'oidc.env-missing',
      `${absent.join(', ')} ${absent.length > 1 ? 'are' : 'is'} not set, so the OIDC token cannot be bound to this run (GitHub's runner always sets ${absent.length > 1 ? 'them' : 'it'}). Publish from an unmodified GitHub Actions job.`,
    );
  }
  const disagreements: string[] = [];
  for (const [variable, claim] of ENV_CLAIM_PAIRS) {
    const fromEnv = env[variable];
    if (fromEnv === undefined || (!REQUIRED_VARIABLES.has(variable) && claims[claim] === undefined)) continue;
    const fromToken = claims[claim];
    if (fromEnv !== fromToken) {
      disagreements.push(`${variable}="${fromEnv}" but the token says ${claim}=${fromToken === undefined ? '(absent)' : `"${fromToken}"`}`);
    }
  }
  if (!disagreements.length) return { ok: true };
  return refuse(
    'oidc.env-mismatch',
    `The environment disagrees with the signed OIDC token: ${disagreements.join('; ')}. Something rewrote this job's environment or supplied a token from another run; publish only from an unmodified run of the configured workflow.`,
  );
}
