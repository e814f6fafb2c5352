import type { Env } from '../../../types';
import type { CiIdentity } from '../../types';
import { GITLAB_MAX_TOKEN_SECONDS, OIDC_AUDIENCE } from '../constants';
import { claimJobToken } from '../jti-ledger';
import { refuse, type Refusal } from '../refusal';
import { verifyIdToken, type JwksGetter, type TokenWording } from '../verify-token';
import { identityFromGitlabClaims, readGitlabClaims } from './claims';
import { GITLAB_ID_TOKEN_ENV, ID_TOKENS_SNIPPET } from './constants';
import { crossCheckGitlabEnv } from './cross-check';
import { discoverJwksUrl, resolveGitlabIssuer, type GitlabIssuerConfig } from './issuer';

export interface VerifyGitlabIdentityInput {
  env: Env;
  /** `source.oidc.issuer`, `source.provider`/`host` and `file` (for messages) are read. */
  config?: GitlabIssuerConfig;
  /** fetch for the discovery document and the JWKS. */
  fetch?: typeof fetch;
  /** Key getter replacing the remote JWKS (tests); discovery is then skipped. */
  jwks?: JwksGetter;
  now?: () => Date;
}

export type GitlabIdentityResult =
  | { status: 'verified'; identity: CiIdentity; warnings: string[] }
  | { status: 'unverified'; code: string; reason: string; missing: string[]; warnings: string[] }
  | { status: 'refused'; code: string; reason: string; warnings: string[] };

export const GITLAB_WORDING: TokenWording = {
  issuerName: 'GitLab',
  checkSource: `Check what sets ${GITLAB_ID_TOKEN_ENV} in this job: it must come from \`${ID_TOKENS_SNIPPET}\` in .gitlab-ci.yml.`,
  issuerFix: 'Publish from a GitLab CI/CD job of that instance, or set `[source] host` (self-managed GitLab) in monochange.toml.',
  // GitLab mints the job's ID tokens when the job starts and lets them live as long as the job's
  // timeout (60 minutes by default), so both caps are met only by a short publish job.
  lifetimeFix: `GitLab ID tokens live as long as the job's timeout: set \`timeout: 1 hour\` (or less) on the publish job in .gitlab-ci.yml. Check also what sets ${GITLAB_ID_TOKEN_ENV} in this job.`,
  ageFix: `GitLab mints the job's ID token when the job starts: keep builds in an earlier job so the publish job reaches the upload sooner, then re-run it.`,
};

/**
 * Establishes who runs this GitLab CI/CD job from its signed ID token (`MONOCHANGE_ID_TOKEN`,
 * declared with `id_tokens:` and our own audience): verify it against the trusted instance's keys
 * (found through its OpenID discovery, same origin only), read the claims, refuse if the CI_*
 * variables contradict them, and accept one token per job. No hand-off is needed: every process
 * of the job has the token in its environment, and each verifies it.
 */
export async function verifyGitlabIdentity(input: VerifyGitlabIdentityInput): Promise<GitlabIdentityResult> {
  const { env } = input;
  const issuer = resolveGitlabIssuer(input.config);
  if (!issuer.ok) return refused(issuer, []);
  const warnings = [...issuer.warnings];

  const token = env[GITLAB_ID_TOKEN_ENV];
  if (!token) {
    return {
      status: 'unverified',
      code: 'oidc.id-token-missing',
      reason: `${GITLAB_ID_TOKEN_ENV} is not set: the publish job declares no ID token for @monochange/nx. Add \`${ID_TOKENS_SNIPPET}\` to the publish job in .gitlab-ci.yml`,
      missing: [GITLAB_ID_TOKEN_ENV],
      warnings,
    };
  }

  let jwksUrl = `${issuer.issuer}/oauth/discovery/keys`;
  if (!input.jwks) {
    const discovered = await discoverJwksUrl(issuer, input.fetch);
    if (!discovered.ok) return refused(discovered, warnings, token);
    jwksUrl = discovered.jwksUrl;
  }
  const verified = await verifyIdToken(token, {
    issuer: issuer.issuer,
    jwksUrl,
    audience: OIDC_AUDIENCE,
    jwks: input.jwks,
    fetch: input.fetch,
    now: input.now,
    wording: GITLAB_WORDING,
    limits: { maxLifetimeSeconds: GITLAB_MAX_TOKEN_SECONDS, maxAgeSeconds: GITLAB_MAX_TOKEN_SECONDS },
  });
  if (!verified.ok) return refused(verified, warnings, token);

  const parsed = readGitlabClaims(verified.payload as Record<string, unknown>);
  if (!parsed.ok) return refused(parsed, warnings, token);

  const agreed = crossCheckGitlabEnv(env, parsed);
  if (!agreed.ok) return refused(agreed, warnings, token);

  const { claims } = parsed;
  if (!claimJobToken(env, { issuer: issuer.issuer, projectId: claims.project_id, jobId: claims.job_id }, claims.jti)) {
    return refused(
      refuse(
        'oidc.token-replayed',
        `Job ${claims.job_id} of "${claims.project_path}" already used another ID token (a different jti than "${claims.jti}"): a job is accepted with one token only, so this one is refused. Check what sets ${GITLAB_ID_TOKEN_ENV} in this job, then re-run it.`,
      ),
      warnings,
      token,
    );
  }
  return { status: 'verified', identity: identityFromGitlabClaims(parsed), warnings };
}

/** Defence in depth: no reason may carry the token, whatever produced it. */
function refused(refusal: Refusal, warnings: string[], token?: string): GitlabIdentityResult {
  let reason = refusal.reason;
  if (token) {
    reason = reason.split(token).join('***');
    const signature = token.split('.')[2];
    if (signature && signature.length >= 16) reason = reason.split(signature).join('***');
  }
  return { status: 'refused', code: refusal.code, reason, warnings };
}
