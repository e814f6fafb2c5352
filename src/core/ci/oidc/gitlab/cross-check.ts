import type { Env } from '../../../types';
import { refuse, type Refusal } from '../refusal';
import type { ParsedGitlabClaims } from './claims';

/** Variables GitLab's runner sets from the same facts the token's claims carry. */
export const GITLAB_ENV_CLAIM_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['CI_PROJECT_PATH', 'project_path'],
  ['CI_PROJECT_NAMESPACE', 'namespace_path'],
  ['CI_PROJECT_ID', 'project_id'],
  ['CI_COMMIT_REF_NAME', 'ref'],
  ['CI_COMMIT_REF_PROTECTED', 'ref_protected'],
  ['CI_PIPELINE_SOURCE', 'pipeline_source'],
  ['CI_PIPELINE_ID', 'pipeline_id'],
  ['CI_JOB_ID', 'job_id'],
  ['CI_COMMIT_SHA', 'sha'],
];

/** The runner always sets these; without them the token cannot be bound to this job. */
const REQUIRED_VARIABLES = GITLAB_ENV_CLAIM_PAIRS.map(([v]) => v);

/**
 * The token must be this job's: each variable equals its claim exactly. Also: CI_COMMIT_TAG is set
 * exactly for a tag ref and names it, CI_ENVIRONMENT_NAME equals the environment claim (both or
 * neither), and CI_CONFIG_PATH, when set, names the configuration file of ci_config_ref_uri.
 */
export function crossCheckGitlabEnv(env: Env, parsed: ParsedGitlabClaims): { ok: true } | Refusal {
  const { claims, config } = parsed;
  const absent = ['GITLAB_CI', ...REQUIRED_VARIABLES].filter((v) => !env[v]);
  if (absent.length) {
    return refuse(
      'oidc.env-missing',
      `${absent.join(', ')} ${absent.length > 1 ? 'are' : 'is'} not set, so the OIDC token cannot be bound to this job (GitLab's runner always sets ${absent.length > 1 ? 'them' : 'it'}). Publish from an unmodified GitLab CI/CD job.`,
    );
  }
  const c = claims as unknown as Record<string, string | undefined>;
  const disagreements: string[] = [];
  const differ = (variable: string, claim: string, fromToken: string | undefined) => {
    disagreements.push(
      `${variable}=${env[variable] === undefined ? '(unset)' : `"${env[variable]}"`} but the token says ${claim}=${fromToken === undefined ? '(absent)' : `"${fromToken}"`}`,
    );
  };
  for (const [variable, claim] of GITLAB_ENV_CLAIM_PAIRS) if (env[variable] !== c[claim]) differ(variable, claim, c[claim]);

  const tag = env.CI_COMMIT_TAG || undefined;
  if (claims.ref_type === 'tag' ? tag !== claims.ref : tag !== undefined)
    differ('CI_COMMIT_TAG', claims.ref_type === 'tag' ? 'ref' : 'ref_type', claims.ref_type === 'tag' ? claims.ref : claims.ref_type);
  const environment = env.CI_ENVIRONMENT_NAME || undefined;
  if (environment !== claims.environment) differ('CI_ENVIRONMENT_NAME', 'environment', claims.environment);
  const configPath = env.CI_CONFIG_PATH || undefined;
  if (configPath !== undefined && configPath !== config.path) differ('CI_CONFIG_PATH', 'ci_config_ref_uri', claims.ci_config_ref_uri);

  if (!disagreements.length) return { ok: true };
  return refuse(
    'oidc.env-mismatch',
    `The environment disagrees with the signed OIDC token: ${disagreements.join('; ')}. Something rewrote this job's variables or supplied a token from another job; publish only from an unmodified run of the configured pipeline.`,
  );
}
