import type { Env } from '../../types';
import type { CiIdentity } from '../types';
import { identityFromClaims, readGithubClaims } from './claims';
import { OIDC_AUDIENCE, TOKEN_REQUEST_TIMEOUT_MS } from './constants';
import { crossCheckEnv } from './cross-check';
import { resolveIssuer, type OidcConfigInput } from './issuer';
import { maskInGithubLog, type Writer } from './mask';
import type { Refusal } from './refusal';
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
  /** Receives the `::add-mask::` line; defaults to stdout. */
  write?: Writer;
}

/** Every result carries `warnings` (e.g. a non-default issuer) to print on every run. */
export type GithubIdentityResult =
  | { status: 'verified'; identity: CiIdentity; warnings: string[] }
  | { status: 'unverified'; code: string; reason: string; missing: string[]; warnings: string[] }
  | { status: 'refused'; code: string; reason: string; warnings: string[] };

/**
 * Establishes who is running this publish from a signature-verified GitHub Actions ID token
 * (reference security.md §2.2): request it with our own audience, mask it, verify it against the
 * configured issuer, read the claims, and refuse if the environment contradicts them.
 * The token lives only in this function's scope: it is not returned, stored or put in any env.
 */
export async function verifyGithubIdentity(input: VerifyGithubIdentityInput): Promise<GithubIdentityResult> {
  const { env } = input;
  const issuer = resolveIssuer(input.config);
  if (!issuer.ok) return refused(issuer, []);
  const warnings = [...issuer.warnings];

  const endpoint = findTokenEndpoint(env);
  if (!endpoint.available) {
    return { status: 'unverified', code: endpoint.code, reason: endpoint.reason, missing: endpoint.missing, warnings };
  }

  const requested = await requestIdToken({
    requestUrl: endpoint.requestUrl,
    requestToken: endpoint.requestToken,
    audience: OIDC_AUDIENCE,
    fetch: input.fetch,
    timeoutMs: TOKEN_REQUEST_TIMEOUT_MS,
  });
  if (!requested.ok) return refused(requested, warnings, [endpoint.requestToken]);
  const token = requested.token;
  // Masked before anything else happens to it, valid or not.
  maskInGithubLog(token, env, input.write ?? ((text) => process.stdout.write(text)));
  const secrets = [token, endpoint.requestToken];

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

  const agreed = crossCheckEnv(env, parsed.claims);
  if (!agreed.ok) return refused(agreed, warnings, secrets);

  return { status: 'verified', identity: identityFromClaims(parsed), warnings };
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
