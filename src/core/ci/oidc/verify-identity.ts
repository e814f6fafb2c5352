import type { Env } from '../../types';
import type { CiIdentity } from '../types';
import { identityFromClaims, readGithubClaims } from './claims';
import { OIDC_AUDIENCE, TOKEN_REQUEST_TIMEOUT_MS } from './constants';
import { crossCheckEnv } from './cross-check';
import { HANDED_TOKEN_ENV } from './handoff-env';
import { resolveIssuer, type IssuerSettings, type OidcConfigInput } from './issuer';
import { claimFreshJti, isHandedJti } from './jti-ledger';
import { maskInGithubLog, type Writer } from './mask';
import { refuse, type Refusal } from './refusal';
import { findTokenEndpoint, requestIdToken } from './request-token';
import { verifyIdToken, type JwksGetter } from './verify-token';

export interface VerifyGithubIdentityInput {
  env: Env;
  /** Only `source.oidc.issuer` (and `file`, for messages) is read. */
  config?: OidcConfigInput;
  fetch?: typeof fetch;
  /** Key getter replacing the remote JWKS of the configured issuer (tests). */
  jwks?: JwksGetter;
  now?: () => Date;
  /**
   * Receives the `::add-mask::` line of a token this process requested. Defaults to stdout, except
   * inside an Nx task, whose output Nx may prefix (`proj: ::add-mask::…` masks nothing and prints
   * the token): there the line is not written, and the run's preflight masks the token it hands down.
   */
  write?: Writer;
  /**
   * The run's preflight (in the Nx process itself): the verified token is handed to the run's tasks
   * through `MONOCHANGE_OIDC_TOKEN`, marked in the job's ledger as handed.
   */
  handOff?: boolean;
}

/** Every result carries `warnings` (e.g. a non-default issuer) to print on every run. */
export type GithubIdentityResult =
  | { status: 'verified'; identity: CiIdentity; warnings: string[]; handedToken?: string }
  | { status: 'unverified'; code: string; reason: string; missing: string[]; warnings: string[] }
  | { status: 'refused'; code: string; reason: string; warnings: string[] };

/**
 * Establishes who is running this publish from a signature-verified GitHub Actions ID token:
 * request it with our own audience, mask it, verify it against the
 * configured issuer, read the claims, refuse if the environment contradicts them, and use each
 * token once per job. A task of a run whose preflight already did this verifies the token handed
 * to it instead of requesting one. The token is returned only to a preflight that hands it down.
 */
export async function verifyGithubIdentity(input: VerifyGithubIdentityInput): Promise<GithubIdentityResult> {
  const { env } = input;
  const issuer = resolveIssuer(input.config);
  if (!issuer.ok) return refused(issuer, []);
  const warnings = [...issuer.warnings];

  const handed = env[HANDED_TOKEN_ENV];
  if (handed && !input.handOff) {
    const result = await verifyToken(handed, input, issuer, warnings, 'handed');
    // Expired on the way (a long run): this task asks for a token of its own below.
    if (result.status !== 'refused' || !STALE_CODES.has(result.code)) return result;
  }

  const endpoint = findTokenEndpoint(env);
  if (!endpoint.available) {
    return { status: 'unverified', code: endpoint.code, reason: endpoint.reason, missing: endpoint.missing, warnings };
  }

  const requested = await requestIdToken({
    requestUrl: endpoint.requestUrl,
    requestToken: endpoint.requestToken,
    audience: OIDC_AUDIENCE,
    issuer: issuer.issuer,
    fetch: input.fetch,
    timeoutMs: TOKEN_REQUEST_TIMEOUT_MS,
  });
  if (!requested.ok) return refused(requested, warnings, [endpoint.requestToken]);
  const token = requested.token;
  // Masked before anything else happens to it, valid or not.
  const write = input.write ?? (isNxTask(env) ? undefined : (text: string) => process.stdout.write(text));
  if (write) maskInGithubLog(token, env, write);

  const result = await verifyToken(token, input, issuer, warnings, input.handOff ? 'hand-off' : 'fresh', [endpoint.requestToken]);
  if (result.status === 'verified' && input.handOff) return { ...result, handedToken: token };
  return result;
}

/** Refusals after which a task may still request a token of its own. */
const STALE_CODES = new Set(['oidc.token-expired', 'oidc.token-too-old']);

async function verifyToken(
  token: string,
  input: VerifyGithubIdentityInput,
  issuer: IssuerSettings,
  warnings: string[],
  use: 'fresh' | 'hand-off' | 'handed',
  otherSecrets: string[] = [],
): Promise<GithubIdentityResult> {
  const secrets = [token, ...otherSecrets];
  const verified = await verifyIdToken(token, {
    issuer: issuer.issuer,
    jwksUrl: issuer.jwksUrl,
    audience: OIDC_AUDIENCE,
    jwks: input.jwks,
    fetch: input.fetch,
    now: input.now,
  });
  if (!verified.ok) return refused(verified, warnings, secrets);

  const parsed = readGithubClaims(verified.payload as Record<string, unknown>);
  if (!parsed.ok) return refused(parsed, warnings, secrets);

  const agreed = crossCheckEnv(input.env, parsed.claims);
  if (!agreed.ok) return refused(agreed, warnings, secrets);

  const jti = parsed.claims.jti;
  if (use === 'handed') {
    if (!isHandedJti(input.env, jti)) {
      return refused(
        refuse(
          'oidc.token-not-handed',
          `${HANDED_TOKEN_ENV} holds a token that no preflight of this job handed down (its jti is not in the job's ledger): a token is accepted once, so it is not used. Run the publish through \`nx\` with the plugin registered in nx.json, and do not set ${HANDED_TOKEN_ENV} yourself.`,
        ),
        warnings,
        secrets,
      );
    }
  } else if (!claimFreshJti(input.env, jti, use === 'hand-off' ? 'handed' : 'fresh')) {
    return refused(
      refuse(
        'oidc.token-replayed',
        `The OIDC token with jti "${jti}" was already used in this job: each token is accepted once, so a replayed one is refused. Check what sets ACTIONS_ID_TOKEN_REQUEST_URL in this job, then re-run it.`,
      ),
      warnings,
      secrets,
    );
  }
  return { status: 'verified', identity: identityFromClaims(parsed), warnings };
}

/** Nx sets these in the environment of every task it runs. */
function isNxTask(env: Env): boolean {
  return Boolean(env.NX_TASK_TARGET_PROJECT || env.NX_TASK_HASH);
}

/** Defence in depth: no reason may carry the token or the request token, whatever produced it. */
function refused(refusal: Refusal, warnings: string[], secrets: string[] = []): GithubIdentityResult {
  let reason = refusal.reason;
  for (const secret of secrets) {
    if (!secret) continue;
    reason = reason.split(secret).join('***');
    // A signature alone is as identifying as the whole token.
    const signature = secret.split('.')[2];
    if (signature && signature.length >= 16) reason = reason.split(signature).join('***');
  }
  return { status: 'refused', code: refusal.code, reason, warnings };
}
