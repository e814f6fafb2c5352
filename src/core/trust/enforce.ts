import { packageTable } from '../config/key-path';
import type { CiIdentity } from '../ci/types';
import type { MonochangeConfig, PackageConfig } from '../config/types';
import { MonochangeError } from '../errors';
import { registryAdapter } from '../registries';
import type { Env } from '../types';
import { capabilityMessage, providerRegistryCapability } from './capabilities';
import { type ExpectedContext, resolveExpectedContext } from './context';
import { refusedTokenVariables } from './tokens';

export const TRUST_REFUSAL_CODES = [
  'trust.identity-unverifiable',
  'trust.provider-unsupported',
  'trust.token-present',
  'trust.credential-present',
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
      /** Expectations taken from the running job instead of monochange.toml (they check nothing). */
      warnings?: string[];
    }
  | { allowed: false; code: TrustRefusalCode; reason: string };

export interface EnforceTrustInput {
  pkg: PackageConfig;
  /** Registry id of the package (built-in id or custom string). */
  registry: string;
  identity: CiIdentity;
  env: Env;
  config: Pick<MonochangeConfig, 'source'>;
  /** Why the signed token was not verified (shown when the identity is unverified). */
  unverifiedReason?: string;
  /** Where the registry's CLI looks for config files (workspace root, package directory). */
  dirs?: { root: string; packageDir: string };
}

const RUN_FROM_CI = 'Run `nx run-many -t publish` from the configured CI workflow or set `publish.trusted_publishing = false` to opt out.';

type Refusal = { code: TrustRefusalCode; reason: string };

/**
 * May this package be published from this CI identity? Only an identity read from a
 * signature-verified OIDC token passes, for every registry (Go tags included): variables alone can
 * be set by anyone who starts the process. Call only for real (non-dry-run) publishes of built-in
 * packages.
 */
export function enforceTrust(input: EnforceTrustInput): TrustVerdict {
  const { pkg, registry, identity, env, config } = input;
  if (!pkg.publish.trustedPublishing.enabled) return { allowed: true, skipped: true };

  const cap = capabilityMessage(registry, identity);
  const id = `\`${pkg.id}\``;

  if (!identity.verified) {
    return refuse('trust.identity-unverifiable', `${id} ${unverifiedIdentityReason(identity, input.unverifiedReason)} ${cap} ${RUN_FROM_CI}`);
  }

  if (!providerRegistryCapability(registry, identity.provider).trustedPublishing) {
    return refuse(
      'trust.provider-unsupported',
      `${id} cannot enforce trusted publishing for ${registry} from ${identity.label}. ${cap} Set \`publish.trusted_publishing = false\` to opt out for unsupported registries/providers.`,
    );
  }

  const tokens = refusedTokenVariables(registry, env);
  const tokenRule = registryAdapter(registry)?.trust.tokenVariables;
  if (tokenRule && tokens.length > 0) return refuse('trust.token-present', tokenRule.message(pkg.id, tokens));
  const stored = input.dirs && registryAdapter(registry)?.trust.credentialRefusal?.({ pkgId: pkg.id, env, ...input.dirs });
  if (stored) return refuse('trust.credential-present', stored.reason);

  const resolved = resolveExpectedContext(pkg, config, identity);
  if (!resolved.ok) {
    return refuse('trust.context-unresolved', `${id}: ${resolved.message}. ${cap} To fix: ${resolved.fix}.`);
  }
  const { context } = resolved;
  if (registryAdapter(registry)?.trust.pinnedRepositoryRequired && context.sources.repository === 'runtime') {
    return refuse(
      'trust.context-unresolved',
      `${id}: no registry checks who pushes a ${registry} release tag, so the repository it may be released from must come from monochange.toml, not from the running job (which would make the check vacuous). To fix: set \`[source]\` owner and repo, or \`repository = "owner/repo"\` under ${packageTable(pkg.id, 'publish', 'trusted_publishing')}.`,
    );
  }
  if (identity.provider === 'gitlab_ci') {
    const differs = compareGitlab(identity, context);
    if (differs) return refuse(differs.code, gitlabMismatchMessage(pkg.id, differs.reason));
    return { allowed: true, context, warnings: unpinnedWarnings(pkg.id, context) };
  }
  const mismatch = compareGithub(identity, context, { requireIdToken: true });
  if (mismatch) return refuse(mismatch.code, githubMismatchMessage(pkg.id, mismatch.reason));
  return { allowed: true, context, warnings: unpinnedWarnings(pkg.id, context) };
}

/** Why an identity that no signed token confirmed cannot publish, per provider. */
export function unverifiedIdentityReason(identity: CiIdentity, why?: string): string {
  if (identity.provider === 'unknown') {
    return 'requires trusted publishing from a CI job whose identity is proven by a signed OIDC token, but no CI provider was detected; local/manual publishing is not allowed when `publish.trusted_publishing = true`.';
  }
  if (identity.provider === 'github_actions') {
    return `requires a GitHub Actions identity confirmed by the job's signed OIDC token, but ${why ?? 'no token was verified'}.`;
  }
  if (identity.provider === 'gitlab_ci') {
    return `requires a GitLab CI/CD identity read from the job's signature-verified ID token, but ${why ?? `no token was verified (the publish job must declare \`id_tokens: { MONOCHANGE_ID_TOKEN: { aud: monochange-nx } }\`)`}; GitLab variables alone can be set by any process, so nothing is published.`;
  }
  return `runs in what its environment variables call ${identity.label}, but @monochange/nx accepts only an identity read from a signature-verified OIDC token and does not verify ${identity.label} tokens yet (only GitHub Actions and GitLab CI/CD ID tokens are verified); variables alone can be set by any process, so nothing is published. Publish from GitHub Actions or GitLab CI/CD, or set \`publish.trusted_publishing = false\` for this package and publish it with the registry's own credentials step.`;
}

/** Expectations filled in from the job itself compare the job with itself: say so on every run. */
function unpinnedWarnings(pkgId: string, context: ExpectedContext): string[] {
  const unpinned = (['repository', 'workflow', 'environment'] as const).filter((k) => context.sources[k] === 'runtime');
  if (!unpinned.length) return [];
  return [
    `\`${pkgId}\`: the expected ${unpinned.join(', ')} ${unpinned.length > 1 ? 'are' : 'is'} not pinned in monochange.toml and ${unpinned.length > 1 ? 'were' : 'was'} taken from the running job, so ${unpinned.length > 1 ? 'they check' : 'it checks'} nothing: set ${unpinned.map((k) => `\`${k}\``).join(', ')} under ${packageTable(pkgId, 'publish', 'trusted_publishing')} (or the ecosystem's table, or \`[source]\` for the repository).`,
  ];
}

/** First difference between the running GitHub job and the expected context: repository, workflow, environment, then the ID token. */
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
      reason: 'GitHub Actions did not expose `ACTIONS_ID_TOKEN_REQUEST_URL` and `ACTIONS_ID_TOKEN_REQUEST_TOKEN`; grant `id-token: write` to the publish job',
    };
  }
  return undefined;
}

/**
 * First difference between the verified GitLab job and the expected context. GitLab resolves
 * project paths case-insensitively; the registry's own (stricter) comparison follows in the claims
 * check.
 */
export function compareGitlab(identity: CiIdentity, expected: Pick<ExpectedContext, 'repository' | 'workflow' | 'environment'>): Refusal | undefined {
  if (!identity.repository || identity.repository.toLowerCase() !== expected.repository.toLowerCase()) {
    return {
      code: 'trust.repository-mismatch',
      reason: `expected GitLab project \`${expected.repository}\`, but the job's token says \`${identity.repository ?? '(none)'}\``,
    };
  }
  if (identity.workflow !== expected.workflow) {
    return {
      code: 'trust.workflow-mismatch',
      reason: `expected the pipeline file \`${expected.workflow}\`, but the job's token says \`${identity.workflow ?? '(none)'}\``,
    };
  }
  if (expected.environment !== undefined && identity.environment !== expected.environment) {
    return {
      code: 'trust.environment-mismatch',
      reason: `expected GitLab environment \`${expected.environment}\`, but the job's token says ${identity.environment ? `\`${identity.environment}\`` : 'none'}`,
    };
  }
  return undefined;
}

function gitlabMismatchMessage(pkgId: string, reason: string): string {
  return `\`${pkgId}\` requires trusted publishing from the configured GitLab CI/CD identity, but the current job does not match: ${reason}. Run the publish from the configured GitLab pipeline or set \`publish.trusted_publishing = false\` to opt out.`;
}

function githubMismatchMessage(pkgId: string, reason: string): string {
  return `\`${pkgId}\` requires trusted publishing from the configured GitHub Actions OIDC identity, but the current context does not match: ${reason}. ${RUN_FROM_CI}`;
}

function refuse(code: TrustRefusalCode, reason: string): TrustVerdict {
  return { allowed: false, code, reason };
}

/** A refusal as the user-facing error executors print (message only, no stack). */
export function trustRefusalError(pkg: Pick<PackageConfig, 'id'>, verdict: TrustVerdict): MonochangeError | undefined {
  if (verdict.allowed) return undefined;
  return new MonochangeError(verdict.reason, { code: verdict.code, key: pkg.id });
}
