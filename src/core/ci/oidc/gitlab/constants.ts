/** Fixed values of the GitLab CI/CD ID token check (issue 15). */

/** The `id_tokens:` variable the publish job declares, with audience OIDC_AUDIENCE (`monochange-nx`). */
export const GITLAB_ID_TOKEN_ENV = 'MONOCHANGE_ID_TOKEN';

/** Issuer of GitLab.com ID tokens; a self-managed instance is its own issuer (`[source] host`). */
export const GITLAB_OIDC_ISSUER = 'https://gitlab.com';

/** Where a GitLab instance publishes its OpenID configuration, relative to the issuer. */
export const DISCOVERY_PATH = '/.well-known/openid-configuration';

/** Longest OpenID configuration document read, bytes (GitLab's is about 2 KB). */
export const DISCOVERY_MAX_BYTES = 64 * 1024;

export const DISCOVERY_TIMEOUT_MS = 10_000;

/** How the publish job declares the token (quoted in refusals). */
export const ID_TOKENS_SNIPPET = `id_tokens: { ${GITLAB_ID_TOKEN_ENV}: { aud: monochange-nx } }`;
