import { formatError } from '../errors';
import type { Check } from '../types';
import { registryAdapter } from '../registries';
import type { ReadinessCheck } from './types';

/** Registry state: is this version there (→ already_published), does the package exist at all. */
export const registryStateCheck: ReadinessCheck = async (ctx) => {
  const { target } = ctx;
  const adapter = target.adapter;
  if (!adapter) return [];
  const lookup = { env: ctx.env, http: ctx.http };
  const checks: Check[] = [];
  try {
    ctx.state.exists = await adapter.versionExists(target.manifest, target.version, lookup);
  } catch (error) {
    return [
      { id: 'registry.lookup', status: 'fail', message: formatError(error), fix: 'make the registry reachable (or fix the URL override) and re-run readiness' },
    ];
  }
  if (ctx.state.exists) {
    checks.push({ id: 'registry.version', status: 'pass', message: `${target.name} ${target.version} is already on ${adapter.label}; publish will skip it` });
    return checks;
  }
  checks.push({ id: 'registry.version', status: 'pass', message: `${target.name} ${target.version} is not on ${adapter.label} yet` });
  try {
    ctx.state.anyVersionExists = await adapter.versionExists(target.manifest, null, lookup);
  } catch (error) {
    checks.push({ id: 'registry.lookup', status: 'fail', message: formatError(error), fix: 'make the registry reachable and re-run readiness' });
    return checks;
  }
  const tp = target.pkg.publish.trustedPublishing.enabled;
  // What the registry does with trusted publishing for a package that does not exist yet.
  const newPackage = registryAdapter(target.pkg.publish.registry)?.trust.newPackage;
  if (!ctx.state.anyVersionExists && tp && newPackage === 'placeholder-first') {
    checks.push({
      id: 'registry.package-missing',
      status: 'fail',
      message: `${target.name} does not exist on ${adapter.label}, and ${adapter.label} cannot create a package through trusted publishing`,
      fix: `publish a placeholder first: \`npx nx run ${target.project}:placeholder-publish\` (with a one-time token or an owner's login), then configure the trusted publisher at ${adapter.setupUrl(target.manifest)}`,
    });
  } else if (!ctx.state.anyVersionExists && tp && newPackage === 'link-first') {
    checks.push({
      id: 'registry.package-missing',
      status: 'warn',
      message: `${target.name} does not exist on ${adapter.label} yet`,
      fix: `create the package in its scope and link it to the repository at ${adapter.setupUrl(target.manifest)}, or run \`npx nx run ${target.project}:placeholder-publish\``,
    });
  } else {
    checks.push({
      id: 'registry.package-exists',
      status: 'pass',
      message: ctx.state.anyVersionExists ? `${target.name} exists on ${adapter.label}` : `${adapter.label} can create ${target.name} on its first publish`,
    });
  }
  return checks;
};

/** Trust context, signed identity and provenance policy: the same gate a real publish passes. */
export const trustCheck: ReadinessCheck = async (ctx) => {
  const { target } = ctx;
  if (!target.adapter) return [];
  const verdict = await ctx.gate.check(target);
  if (verdict.allowed) {
    const checks: Check[] = [
      {
        id: 'trust.context',
        status: 'pass',
        message: target.pkg.publish.trustedPublishing.enabled
          ? `this ${ctx.identity.label} job matches the trusted-publishing context${ctx.identity.verified ? ' (confirmed by the signed OIDC token)' : ''}`
          : 'trusted publishing is off for this package (publish.trusted_publishing = false)',
      },
    ];
    for (const warning of verdict.warnings) checks.push({ id: 'trust.warning', status: 'warn', message: warning });
    return checks;
  }
  return [{ id: checkIdFor(verdict.code), status: 'fail', message: verdict.reason, fix: fixFor(verdict.code) }];
};

function checkIdFor(code: string): string {
  if (code.startsWith('provenance.')) return 'provenance.policy';
  return code;
}

function fixFor(code: string): string {
  switch (code) {
    case 'trust.identity-unverifiable':
    case 'trust.provider-unsupported':
      return 'run publish from the configured CI workflow (GitHub Actions job with `id-token: write`), or set `publish.trusted_publishing = false` for this package';
    case 'trust.token-present':
      return 'remove the long-lived token variables from the job (and `registry-url` from actions/setup-node)';
    case 'trust.id-token-missing':
      return 'add `permissions: { id-token: write, contents: read }` to the publish job';
    case 'trust.repository-mismatch':
    case 'trust.workflow-mismatch':
    case 'trust.environment-mismatch':
      return 'run from the configured repository/workflow/environment, or correct `trusted_publishing` in monochange.toml to match the registry record';
    default:
      return code.startsWith('provenance.')
        ? 'set `publish.attestations.require_registry_provenance = false` for this package, or publish from a provider/registry pair that supports provenance'
        : 'see the message; run `nx run-many -t readiness` again after fixing it';
  }
}

/** Blockers known from the manifest alone (Cargo metadata crates.io requires). */
export function blockerCheck(id: string, blockers: (ctx: Parameters<ReadinessCheck>[0]) => string[], fix: string): ReadinessCheck {
  return (ctx) => {
    const found = blockers(ctx);
    if (!found.length) return [{ id, status: 'pass', message: 'manifest has what the registry requires' }];
    return found.map((b) => ({ id, status: 'fail' as const, message: b, fix }));
  };
}
