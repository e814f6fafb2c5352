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
  ['RUNNER_ENVIRONMENT', 'runner_environment'],
];

/**
 * Every variable that is set must equal its claim exactly. A difference means something between
 * GitHub and this process rewrote the environment (or handed us someone else's token): refuse.
 */
export function crossCheckEnv(env: Env, claims: GithubClaims): { ok: true } | Refusal {
  const disagreements: string[] = [];
  for (const [variable, claim] of ENV_CLAIM_PAIRS) {
    const fromEnv = env[variable];
    if (fromEnv === undefined) continue;
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
