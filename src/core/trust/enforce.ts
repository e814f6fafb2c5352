import type { CiIdentity } from '../ci/types';
import type { MonochangeConfig, PackageConfig } from '../config/types';
import { MonochangeError } from '../errors';
import type { Env } from '../types';
import { capabilityMessage, providerRegistryCapability } from './capabilities';
import { type ExpectedContext, resolveExpectedContext } from './context';
import { refusedTokenVariables } from './tokens';

export const TRUST_REFUSAL_CODES = [
  'trust.identity-unverifiable',
  'trust.provider-unsupported',
  'trust.token-present',
  'trust.repository-mismatch',
  'trust.workflow-mismatch',
  'trust.environment-mismatch',
  'trust.id-token-missing',
  'trust.context-unresolved',
] as const;
export type TrustRefusalCode = (typeof TRUST_REFUSAL_CODES)[number];

export type TrustVerdict =
  | {
      allowed: true;
      /** Trusted publishing is off for the package: nothing was checked. */
      skipped?: boolean;
      /** The expected GitHub context the run was compared with. */
      context?: ExpectedContext;
    }
  | { allowed: false; code: TrustRefusalCode; reason: string };

export interface EnforceTrustInput {
  pkg: PackageConfig;
  /** Registry id of the package (built-in id or custom string). */
  registry: string;
  identity: CiIdentity;
  env: Env;
  config: Pick<MonochangeConfig, 'source'>;
}

const RUN_FROM_CI =
  'Run `nx run-many -t publish` from the configured CI workflow or set `publish.trusted_publishing = false` to opt out.';

type Refusal = { code: TrustRefusalCode; reason: string };

/**
 * May this package be published from this CI identity (reference §4.4, stricter where the
 * reference is GitHub-centric, gap 19)? Unknown local shells and unsupported providers are never
 * treated as trusted. Call only for real (non-dry-run) release publishes of built-in packages.
 */
export function enforceTrust(input: EnforceTrustInput): TrustVerdict {
  const { pkg, registry, identity, env, config } = input;
  if (!pkg.publish.trustedPublishing.enabled) return { allowed: true, skipped: true };
  if (registry === 'go_proxy') return enforceGoTrust(input);

  const cap = capabilityMessage(registry, identity);
  const id = `\`${pkg.id}\``;

  if (!isVerifiable(identity)) {
    return refuse(
      'trust.identity-unverifiable',
      `${id} requires trusted publishing from a verifiable CI/OIDC identity before built-in release publishing can continue; local/manual publishing is not allowed when \`publish.trusted_publishing = true\`. ${cap} ${RUN_FROM_CI}`,
    );
  }

  if (!providerRegistryCapability(registry, identity.provider).trustedPublishing) {
    return refuse(
      'trust.provider-unsupported',
      `${id} cannot enforce trusted publishing for ${registry} from ${identity.label}. ${cap} Set \`publish.trusted_publishing = false\` to opt out for unsupported registries/providers.`,
    );
  }

  const tokens = refusedTokenVariables(registry, env);
  if (tokens.length > 0) return refuse('trust.token-present', tokenMessage(pkg.id, registry, tokens));

  if (identity.provider !== 'github_actions') {
    const mismatch = compareNonGithub(pkg, identity, config);
    return mismatch ? refuse(mismatch.code, nonGithubMismatchMessage(pkg.id, identity, mismatch.reason)) : { allowed: true };
  }

  const resolved = resolveExpectedContext(pkg, config, identity);
  if (!resolved.ok) {
    return refuse('trust.context-unresolved', `${id}: ${resolved.message}. ${cap} To fix: ${resolved.fix}.`);
  }
  const mismatch = compareGithub(identity, resolved.context, { requireIdToken: true });
  if (mismatch) return refuse(mismatch.code, githubMismatchMessage(pkg.id, mismatch.reason));
  return { allowed: true, context: resolved.context };
}

/**
 * Go publishing pushes git tags instead of uploading to a registry, so no OIDC registry exchange
 * exists to require (the reference refuses every Go publish, gap 7). We still insist on a
 * verifiable CI identity whose repository/workflow match the expected context.
 */
function enforceGoTrust({ pkg, identity, config }: EnforceTrustInput): TrustVerdict {
  const id = `\`${pkg.id}\``;
  const goNote =
    'Go modules are published by pushing a git tag, so with trusted publishing on monochange only tags from a verifiable GitHub Actions or GitLab CI/CD job that matches the configured context.';

  if (!isVerifiable(identity)) {
    const seen = identity.provider === 'unknown' ? 'no supported CI provider identity was detected' : `${identity.label} did not expose enough publish-time environment variables`;
    return refuse(
      'trust.identity-unverifiable',
      `${id} requires a verifiable CI identity before tagging a Go release, but ${seen}; local/manual publishing is not allowed when \`publish.trusted_publishing = true\`. ${goNote} ${RUN_FROM_CI}`,
    );
  }

  if (identity.provider === 'github_actions') {
    const resolved = resolveExpectedContext(pkg, config, identity);
    if (!resolved.ok) {
      return refuse('trust.context-unresolved', `${id}: ${resolved.message}. ${goNote} To fix: ${resolved.fix}.`);
    }
    const mismatch = compareGithub(identity, resolved.context, { requireIdToken: false });
    if (mismatch) return refuse(mismatch.code, githubMismatchMessage(pkg.id, mismatch.reason));
    return { allowed: true, context: resolved.context };
  }

  if (identity.provider === 'gitlab_ci') {
    const mismatch = compareNonGithub(pkg, identity, config);
    return mismatch ? refuse(mismatch.code, nonGithubMismatchMessage(pkg.id, identity, mismatch.reason)) : { allowed: true };
  }

  return refuse(
    'trust.provider-unsupported',
    `${id} cannot enforce trusted publishing for go_proxy from ${identity.label}. ${goNote} Set \`publish.trusted_publishing = false\` to opt out for unsupported registries/providers.`,
  );
}

function isVerifiable(identity: CiIdentity): boolean {
  return identity.provider !== 'unknown' && identity.verifiable;
}

/** First difference between the running GitHub job and the expected context (reference order). */
export function compareGithub(
  identity: CiIdentity,
  expected: Pick<ExpectedContext, 'repository' | 'workflow' | 'environment'>,
  opts: { requireIdToken: boolean },
): Refusal | undefined {
  if (!identity.repository) {
    return { code: 'trust.repository-mismatch', reason: 'GitHub Actions did not expose `GITHUB_REPOSITORY`' };
  }
  // GitHub owner and repository names are case-insensitive (PyPI and crates.io compare so too).
  if (identity.repository.toLowerCase() !== expected.repository.toLowerCase()) {
    return {
      code: 'trust.repository-mismatch',
      reason: `expected GitHub repository \`${expected.repository}\`, but detected \`${identity.repository}\``,
    };
  }
  if (!identity.workflow) {
    return {
      code: 'trust.workflow-mismatch',
      reason: 'GitHub Actions did not expose `GITHUB_WORKFLOW_REF` with a workflow filename',
    };
  }
  if (identity.workflow !== expected.workflow) {
    return {
      code: 'trust.workflow-mismatch',
      reason: `expected GitHub workflow \`${expected.workflow}\`, but detected \`${identity.workflow}\``,
    };
  }
  if (expected.environment !== undefined && identity.environment !== expected.environment) {
    const detected = identity.environment ? `\`${identity.environment}\`` : 'none';
    return {
      code: 'trust.environment-mismatch',
      reason: `expected GitHub environment \`${expected.environment}\`, but detected ${detected}`,
    };
  }
  if (opts.requireIdToken && !identity.oidcAvailable) {
    return {
      code: 'trust.id-token-missing',
      reason:
        'GitHub Actions did not expose `ACTIONS_ID_TOKEN_REQUEST_URL` and `ACTIONS_ID_TOKEN_REQUEST_TOKEN`; grant `id-token: write` to the publish job',
    };
  }
  return undefined;
}

/**
 * GitLab and Google Cloud Build: compare the project/repository with the configured expectation
 * (the reference compares nothing, gap 19). No expectation configured → nothing to compare.
 * GitLab: `trusted_publishing.repository`, else `[source]` when its provider is `gitlab`.
 * Cloud Build exposes only the repository name (`REPO_NAME`), so only the last segment of the
 * configured `trusted_publishing.repository` is compared.
 */
function compareNonGithub(
  pkg: PackageConfig,
  identity: CiIdentity,
  config: Pick<MonochangeConfig, 'source'>,
): Refusal | undefined {
  const configured = pkg.publish.trustedPublishing.repository?.trim() || undefined;
  if (identity.provider === 'gitlab_ci') {
    const source = config.source;
    const expected =
      configured ?? (source?.provider === 'gitlab' && source.owner && source.repo ? `${source.owner}/${source.repo}` : undefined);
    if (!expected) return undefined;
    if (!identity.repository) {
      return { code: 'trust.repository-mismatch', reason: 'GitLab CI/CD did not expose `CI_PROJECT_PATH`' };
    }
    // GitLab project paths are case-insensitive (PyPI and npm compare so too).
    if (identity.repository.toLowerCase() !== expected.toLowerCase()) {
      return {
        code: 'trust.repository-mismatch',
        reason: `expected GitLab project \`${expected}\`, but detected \`${identity.repository}\``,
      };
    }
    return undefined;
  }
  if (identity.provider === 'google_cloud_build') {
    if (!configured) return undefined;
    const expectedName = configured.split('/').pop() ?? configured;
    if (!identity.repository) {
      return { code: 'trust.repository-mismatch', reason: 'Google Cloud Build did not expose `REPO_NAME`' };
    }
    if (identity.repository.toLowerCase() !== expectedName.toLowerCase()) {
      return {
        code: 'trust.repository-mismatch',
        reason: `expected Google Cloud Build repository \`${expectedName}\` (from \`${configured}\`), but detected \`${identity.repository}\``,
      };
    }
  }
  return undefined;
}

function githubMismatchMessage(pkgId: string, reason: string): string {
  return `\`${pkgId}\` requires trusted publishing from the configured GitHub Actions OIDC identity, but the current context does not match: ${reason}. ${RUN_FROM_CI}`;
}

function nonGithubMismatchMessage(pkgId: string, identity: CiIdentity, reason: string): string {
  return `\`${pkgId}\` requires trusted publishing from the configured ${identity.label} identity, but the current context does not match: ${reason}. Run \`nx run-many -t publish\` from the configured CI pipeline, fix \`publish.trusted_publishing.repository\`, or set \`publish.trusted_publishing = false\` to opt out.`;
}

function tokenMessage(pkgId: string, registry: string, tokens: string[]): string {
  const keys = tokens.join(', ');
  if (registry === 'pypi') {
    return `\`${pkgId}\` requires PyPI trusted publishing, but long-lived PyPI token environment variables are present: ${keys}. Remove token-based PyPI credentials and publish from the configured CI/OIDC workflow, or set \`publish.trusted_publishing = false\` to opt out. (@monochange/nx refuses these for PyPI as well as npm: a long-lived upload credential must not sit beside trusted publishing, where uv or twine could use it instead.)`;
  }
  return `\`${pkgId}\` requires npm trusted publishing, but long-lived npm token environment variables are present: ${keys}. Remove token-based npm credentials and publish from the configured CI/OIDC workflow, or set \`publish.trusted_publishing = false\` to opt out.`;
}

function refuse(code: TrustRefusalCode, reason: string): TrustVerdict {
  return { allowed: false, code, reason };
}

/** A refusal as the user-facing error executors print (message only, no stack). */
export function trustRefusalError(pkg: Pick<PackageConfig, 'id'>, verdict: TrustVerdict): MonochangeError | undefined {
  if (verdict.allowed) return undefined;
  return new MonochangeError(verdict.reason, { code: verdict.code, key: pkg.id });
}
