import { detectCiIdentity } from '../ci/detect';
import { verifyGithubIdentity, verifyGitlabIdentity } from '../ci/oidc';
import type { CiIdentity } from '../ci/types';
import type { MonochangeConfig } from '../config/types';
import type { Env } from '../types';
import type { ArtifactIdentity } from './artifact-schema';

/** The CI identity of this run: detected from the environment, then confirmed from the signed OIDC token. */
export interface IdentityResolution {
  identity: CiIdentity;
  oidc:
    | { status: 'verified'; warnings: string[] }
    | { status: 'unverified'; reason: string; warnings: string[] }
    | { status: 'refused'; code: string; reason: string; warnings: string[] }
    | { status: 'not_applicable'; warnings: string[] };
}

export interface ResolveIdentityOptions {
  env: Env;
  config: MonochangeConfig;
  fetch?: typeof fetch;
  /** Where `::add-mask::` goes (stdout by default). */
  write?: (text: string) => void;
}

export async function resolveIdentity({ env, config, fetch, write }: ResolveIdentityOptions): Promise<IdentityResolution> {
  const detected = detectCiIdentity(env, { root: config.root });
  let result;
  if (detected.provider === 'github_actions') result = await verifyGithubIdentity({ env, config, fetch, write });
  else if (detected.provider === 'gitlab_ci') result = await verifyGitlabIdentity({ env, config, fetch });
  else return { identity: detected, oidc: { status: 'not_applicable', warnings: [] } };
  if (result.status === 'verified') {
    // The token is the fact; the environment only told us where to ask. Keep env-only fields the token lacks (GitHub's job).
    const identity: CiIdentity = { ...detected, ...result.identity, job: result.identity.job ?? detected.job, verified: true };
    if (!identity.environment && detected.environment) identity.environment = detected.environment;
    return { identity, oidc: { status: 'verified', warnings: result.warnings ?? [] } };
  }
  if (result.status === 'refused') {
    return { identity: { ...detected, verified: false }, oidc: { status: 'refused', code: result.code, reason: result.reason, warnings: [] } };
  }
  return { identity: { ...detected, verified: false }, oidc: { status: 'unverified', reason: result.reason, warnings: [] } };
}

/** The `identity` object of artifacts: what was used, never the token. */
export function artifactIdentity(resolution: IdentityResolution): ArtifactIdentity {
  const { identity } = resolution;
  return {
    provider: identity.provider,
    verified: identity.verified === true,
    repository: identity.repository ?? null,
    workflow: identity.workflow ?? null,
    environment: identity.environment ?? null,
    ref: identity.ref ?? identity.refName ?? null,
    eventName: identity.eventName ?? null,
    ...(identity.claims ? { claims: identity.claims } : {}),
    oidc: resolution.oidc.status,
    ...('reason' in resolution.oidc ? { oidcReason: resolution.oidc.reason } : {}),
  };
}
