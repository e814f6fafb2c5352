/** Verified GitHub Actions CI identity from the signed OIDC token (issue 7). Nx-free. */
export { OIDC_AUDIENCE, GITHUB_OIDC_ISSUER, CLOCK_TOLERANCE_SECONDS, ALLOWED_ALGORITHM } from './constants';
export { resolveIssuer, type IssuerSettings, type OidcConfigInput } from './issuer';
export { findTokenEndpoint, requestIdToken, type TokenEndpoint, type RequestIdTokenOptions } from './request-token';
export { verifyIdToken, type JwksGetter, type VerifyIdTokenOptions } from './verify-token';
export { readGithubClaims, identityFromClaims, REQUIRED_CLAIMS, OPTIONAL_CLAIMS, type GithubClaims, type ParsedGithubClaims } from './claims';
export { crossCheckEnv, ENV_CLAIM_PAIRS } from './cross-check';
export { checkClaims, checkClaimsForPackage, customRegistryClaimRules, type ClaimExpectations, type ClaimCheckResult } from './check-claims';
export { maskInGithubLog, type Writer } from './mask';
export { verifyGithubIdentity, type GithubIdentityResult, type VerifyGithubIdentityInput } from './verify-identity';
export type { Refusal } from './refusal';
export { verifyGitlabIdentity, checkGitlabClaims, GITLAB_ID_TOKEN_ENV, type GitlabIdentityResult, type VerifyGitlabIdentityInput } from './gitlab';
export { GITHUB_WORDING, type TokenWording } from './verify-token';
