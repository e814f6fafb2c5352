import { createRemoteJWKSet, customFetch, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { ALLOWED_ALGORITHM, CLOCK_TOLERANCE_SECONDS, MAX_TOKEN_AGE_SECONDS, MAX_TOKEN_LIFETIME_SECONDS } from './constants';
import { refuse, shown, type Refusal } from './refusal';

export type JwksGetter = JWTVerifyGetKey;

export interface VerifyIdTokenOptions {
  /** Exact issuer (from `resolveIssuer`). */
  issuer: string;
  /** JWKS location derived from the configured issuer. Ignored when `jwks` is given. */
  jwksUrl: string;
  audience: string;
  /** Key getter (tests, or a pre-built JWKS); defaults to the remote JWKS at `jwksUrl`. */
  jwks?: JwksGetter;
  /** fetch used for the remote JWKS. */
  fetch?: typeof fetch;
  now?: () => Date;
  /** Provider-specific wording of refusals; GitHub Actions' by default. */
  wording?: TokenWording;
  /** Longest lifetime and oldest age accepted, seconds; GitHub's few minutes by default. */
  limits?: TokenLimits;
}

export interface TokenLimits {
  maxLifetimeSeconds: number;
  maxAgeSeconds: number;
}

export const GITHUB_TOKEN_LIMITS: TokenLimits = { maxLifetimeSeconds: MAX_TOKEN_LIFETIME_SECONDS, maxAgeSeconds: MAX_TOKEN_AGE_SECONDS };

/** What a refusal tells the user to check, per CI provider. */
export interface TokenWording {
  /** `GitHub`, `GitLab`: who issues genuine tokens. */
  issuerName: string;
  /** Sentence naming where the token came from, e.g. "Check what sets ACTIONS_ID_TOKEN_REQUEST_URL in this job." */
  checkSource: string;
  /** Sentence on fixing a wrong issuer. */
  issuerFix: string;
  /** Extra sentence for a token that lives too long (GitLab: its lifetime is the job's timeout). */
  lifetimeFix?: string;
  /** Extra sentence for a token too old (GitLab: it was minted when the job started). */
  ageFix?: string;
}

export const GITHUB_WORDING: TokenWording = {
  issuerName: 'GitHub',
  checkSource: 'Check what sets ACTIONS_ID_TOKEN_REQUEST_URL in this job.',
  issuerFix: 'Publish from GitHub Actions of that issuer, or set `[source.oidc] issuer` in monochange.toml to your GitHub Enterprise issuer.',
};

/** Thrown by our key getter wrapper so key-lookup failures are told apart from token failures. */
class KeyLookupError extends Error {
  constructor(readonly inner: unknown) {
    super('key lookup failed');
  }
}

/**
 * Verifies an ID token the way PyPI and crates.io do: RS256 only, a `kid` known to the configured
 * issuer's JWKS, exact `iss`, exactly one string `aud`, `exp` and `iat` required, `nbf`/`exp`/`iat`
 * within 30 s. Structural checks come first so each problem has its own refusal; no reason ever
 * quotes the token.
 */
export async function verifyIdToken(token: string, opts: VerifyIdTokenOptions): Promise<{ ok: true; payload: JWTPayload } | Refusal> {
  const parts = token.split('.');
  const w = opts.wording ?? GITHUB_WORDING;
  const malformed = (why: string) => malformedWith(why, w);
  if (parts.length !== 3) {
    return malformed(`it has ${parts.length} part(s) separated by ".", a JWT has 3`);
  }
  if (parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) return malformed('a part is not base64url text');
  const header = decodePart(parts[0]);
  if (!header) return malformed('its header is not base64url-encoded JSON');
  const payload = decodePart(parts[1]);
  if (!payload) return malformed('its payload is not base64url-encoded JSON');

  if (header.alg !== ALLOWED_ALGORITHM) {
    const why =
      header.alg === 'none'
        ? 'an unsigned token'
        : typeof header.alg === 'string' && header.alg.startsWith('HS')
          ? `a shared-secret algorithm, which ${w.issuerName} never uses (signing with the public key as the secret is a known forgery)`
          : `not the algorithm ${w.issuerName} signs with`;
    return refuse(
      'oidc.token-alg',
      `The OIDC token's header says alg ${shown(header.alg)} (${why}); only ${ALLOWED_ALGORITHM} is accepted. The token did not come from the ${w.issuerName} issuer. ${w.checkSource}`,
    );
  }
  if (typeof header.kid !== 'string' || header.kid === '') {
    return refuse(
      'oidc.token-no-kid',
      `The OIDC token's header has no key id (kid ${shown(header.kid)}), so it cannot be matched to a key of ${opts.issuer}; ${w.issuerName} always sets one. ${w.checkSource}`,
    );
  }
  const kid = header.kid;
  if (parts[2] === '') return malformed('it has no signature');

  if (payload.iss !== opts.issuer) {
    return refuse('oidc.token-issuer', `The OIDC token says issuer (iss) ${shown(payload.iss)}, but exactly "${opts.issuer}" is trusted. ${w.issuerFix}`);
  }
  if (payload.aud === undefined) {
    return refuse('oidc.token-audience-missing', `The OIDC token has no audience (aud); exactly "${opts.audience}" is required. ${w.checkSource}`);
  }
  if (Array.isArray(payload.aud)) {
    return refuse(
      'oidc.token-audience-array',
      `The OIDC token's audience (aud) is a list ${shown(payload.aud)}; it must be the single string "${opts.audience}" (a token meant for several audiences could be replayed elsewhere). ${w.checkSource}`,
    );
  }

  const now = opts.now?.() ?? new Date();
  const getKey = opts.jwks ?? remoteJwks(opts);
  const guardedGetKey: JWTVerifyGetKey = async (protectedHeader, jws) => {
    try {
      return await getKey(protectedHeader, jws);
    } catch (error) {
      throw new KeyLookupError(error);
    }
  };

  let verified: JWTPayload;
  try {
    const result = await jwtVerify(token, guardedGetKey, {
      algorithms: [ALLOWED_ALGORITHM],
      issuer: opts.issuer,
      audience: opts.audience,
      requiredClaims: ['exp', 'iat'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      currentDate: now,
    });
    verified = result.payload;
  } catch (error) {
    return joseRefusal(error, { kid, opts, payload, now });
  }

  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (typeof verified.iat === 'number' && verified.iat > nowSeconds + CLOCK_TOLERANCE_SECONDS) {
    return refuse(
      'oidc.token-iat-future',
      `The OIDC token was issued in the future: iat is ${iso(verified.iat)}, now is ${iso(nowSeconds)} (${CLOCK_TOLERANCE_SECONDS} s leeway). Check the runner's clock, then re-run the job.`,
    );
  }
  const limits = opts.limits ?? GITHUB_TOKEN_LIMITS;
  const lifetime = (verified.exp ?? 0) - (verified.iat ?? 0);
  if (lifetime > limits.maxLifetimeSeconds) {
    return refuse(
      'oidc.token-lifetime',
      `The OIDC token is valid for ${describeSeconds(lifetime)} (iat ${iso(verified.iat)}, exp ${iso(verified.exp)}); more than ${describeSeconds(limits.maxLifetimeSeconds)} is never accepted from this CI provider. ${w.lifetimeFix ?? `It was not minted for this job. ${w.checkSource}`}`,
    );
  }
  const age = nowSeconds - (verified.iat ?? nowSeconds);
  if (age > limits.maxAgeSeconds + CLOCK_TOLERANCE_SECONDS) {
    return refuse(
      'oidc.token-too-old',
      `The OIDC token was issued ${describeSeconds(age)} ago (iat ${iso(verified.iat)}); a token older than ${describeSeconds(limits.maxAgeSeconds)} is not accepted from this CI provider. ${w.ageFix ?? `Re-run the job. ${w.checkSource}`}`,
    );
  }
  return { ok: true, payload: verified };
}

function describeSeconds(seconds: number): string {
  if (seconds >= 2 * 86_400) return `${Math.round(seconds / 86_400)} days`;
  if (seconds >= 2 * 3600) return `${Math.round(seconds / 3600)} hours`;
  if (seconds >= 120) return `${Math.round(seconds / 60)} minutes`;
  return `${seconds} s`;
}

function remoteJwks(opts: VerifyIdTokenOptions): JWTVerifyGetKey {
  const f = opts.fetch;
  return createRemoteJWKSet(new URL(opts.jwksUrl), {
    timeoutDuration: 10_000,
    ...(f ? { [customFetch]: (url: string, init: RequestInit) => f(url, init) } : {}),
  });
}

function joseRefusal(error: unknown, ctx: { kid: string; opts: VerifyIdTokenOptions; payload: Record<string, unknown>; now: Date }): Refusal {
  const { kid, opts, payload, now } = ctx;
  const w = opts.wording ?? GITHUB_WORDING;
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (error instanceof KeyLookupError) {
    const inner = error.inner as { code?: string; message?: string };
    if (inner?.code === 'ERR_JWKS_NO_MATCHING_KEY') {
      return refuse(
        'oidc.token-unknown-kid',
        `The OIDC token is signed with key id "${kid}", which ${opts.issuer} does not publish (${opts.jwksUrl}): it was not issued by that issuer. ${w.checkSource} Check also that \`[source.oidc] issuer\` is right.`,
      );
    }
    return refuse(
      'oidc.jwks-unavailable',
      `Could not load the signing keys of ${opts.issuer} from ${opts.jwksUrl}: ${describe(inner)}. Re-run the job; if it persists, check that the issuer is reachable from the runner.`,
    );
  }
  const e = error as { code?: string; claim?: string; reason?: string; message?: string };
  switch (e?.code) {
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return refuse(
        'oidc.token-bad-signature',
        `The OIDC token's signature does not verify with key "${kid}" of ${opts.issuer}: the token was forged or altered. ${w.checkSource}`,
      );
    case 'ERR_JWT_EXPIRED':
      return refuse(
        'oidc.token-expired',
        `The OIDC token expired at ${iso(payload.exp)} (now ${iso(nowSeconds)}, ${CLOCK_TOLERANCE_SECONDS} s leeway). Request a fresh token by re-running the job, and check the runner's clock.`,
      );
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return refuse('oidc.token-alg', `The OIDC token is not signed with ${ALLOWED_ALGORITHM}, the only algorithm accepted.`);
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
      return malformedWith(describe(e), w);
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return claimRefusal(e.claim ?? '', e.reason ?? '', { opts, payload, nowSeconds });
    default:
      return refuse('oidc.token-invalid', `The OIDC token could not be verified: ${describe(e)}. Re-run the job; if it persists, report it.`);
  }
}

function claimRefusal(claim: string, reason: string, ctx: { opts: VerifyIdTokenOptions; payload: Record<string, unknown>; nowSeconds: number }): Refusal {
  const { opts, payload, nowSeconds } = ctx;
  const w = opts.wording ?? GITHUB_WORDING;
  if (reason === 'missing') {
    return refuse(
      'oidc.token-missing-claim',
      `The OIDC token has no "${claim}" claim, which is required; ${w.issuerName} always sets it, so the token is not a genuine ${w.issuerName} ID token.`,
    );
  }
  if (claim === 'nbf') {
    return refuse(
      'oidc.token-not-yet-valid',
      `The OIDC token is not valid yet: nbf is ${iso(payload.nbf)}, now is ${iso(nowSeconds)} (${CLOCK_TOLERANCE_SECONDS} s leeway). Check the runner's clock, then re-run the job.`,
    );
  }
  if (claim === 'aud') {
    return refuse(
      'oidc.token-audience',
      `The OIDC token's audience (aud) is ${shown(payload.aud)}, but "${opts.audience}" is required: it was minted for another service and is not used here. ${w.checkSource}`,
    );
  }
  if (claim === 'iss') {
    return refuse('oidc.token-issuer', `The OIDC token says issuer (iss) ${shown(payload.iss)}, but exactly "${opts.issuer}" is trusted.`);
  }
  return refuse(
    'oidc.token-claim-invalid',
    `The OIDC token's "${claim}" claim is invalid (${shown(payload[claim])}): it is not a genuine ${w.issuerName} ID token.`,
  );
}

function decodePart(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function malformedWith(why: string, w: TokenWording): Refusal {
  return refuse('oidc.token-malformed', `The OIDC token is not a well-formed JWT: ${why}. ${w.checkSource}`);
}

function iso(seconds: unknown): string {
  return typeof seconds === 'number' && Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString() : shown(seconds);
}

function describe(error: unknown): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.cause?.code === 'ECONNREFUSED') return 'connection refused';
  return e?.cause?.message ?? e?.message ?? String(error);
}
