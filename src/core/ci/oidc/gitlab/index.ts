/** Verified GitLab CI/CD identity from the job's signed ID token (issue 15). Nx-free. */
export { GITLAB_ID_TOKEN_ENV, GITLAB_OIDC_ISSUER, ID_TOKENS_SNIPPET } from './constants';
export { resolveGitlabIssuer, discoverJwksUrl, type GitlabIssuerConfig, type GitlabIssuerSettings } from './issuer';
export { readGitlabClaims, identityFromGitlabClaims, parseConfigRefUri, GITLAB_REQUIRED_CLAIMS, GITLAB_OPTIONAL_CLAIMS, type GitlabClaims } from './claims';
export { crossCheckGitlabEnv, GITLAB_ENV_CLAIM_PAIRS } from './cross-check';
export { checkGitlabClaims, GITLAB_PUBLISH_SOURCES } from './check-claims';
export { verifyGitlabIdentity, GITLAB_WORDING, type GitlabIdentityResult, type VerifyGitlabIdentityInput } from './verify-identity';
