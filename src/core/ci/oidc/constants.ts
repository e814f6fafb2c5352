/** Fixed values of the GitHub Actions OIDC identity check. */

/**
 * Audience of the ID token we request. Plugin-specific on purpose: a registry accepts only its own
 * audience (`npm:registry.npmjs.org`, `pypi`, `crates.io`, …), so this token cannot be replayed
 * against any registry if it leaks.
 */
export const OIDC_AUDIENCE = 'monochange-nx';

/** Issuer of public GitHub (github.com) Actions ID tokens. */
export const GITHUB_OIDC_ISSUER = 'https://token.actions.githubusercontent.com';

/** Leeway for `exp`, `nbf` and `iat`, seconds (PyPI uses 30, crates.io 60). */
export const CLOCK_TOLERANCE_SECONDS = 30;

/** The only signature algorithm GitHub uses and the only one accepted. */
export const ALLOWED_ALGORITHM = 'RS256';

/** How long the token endpoint may take to answer, ms. */
export const TOKEN_REQUEST_TIMEOUT_MS = 15_000;

/**
 * Most bytes of the token endpoint's answer that are read. A genuine `{ "value": "<jwt>" }` is a
 * few KB; anything larger is refused and the rest is not downloaded.
 */
export const TOKEN_RESPONSE_MAX_BYTES = 64 * 1024;

/**
 * Longest lifetime (`exp - iat`) accepted. GitHub's ID tokens live 5 minutes; a token meant to
 * live for days was not minted for a CI job and is refused.
 */
export const MAX_TOKEN_LIFETIME_SECONDS = 15 * 60;

/** Oldest token (`now - iat`) accepted: a job uses the token it just asked for. */
export const MAX_TOKEN_AGE_SECONDS = 10 * 60;

/**
 * GitLab mints a job's ID token when the job starts and lets it live until the job's timeout
 * (one hour by default): accepted up to six hours, never days.
 */
export const GITLAB_MAX_TOKEN_SECONDS = 6 * 3600;
