import { GITLAB_PUBLISH_SOURCES } from '../../ci/oidc/gitlab/check-claims';
import { GITLAB_ID_TOKEN_ENV } from '../../ci/oidc/gitlab/constants';
import { registryAdapter } from '../../registries';
import { capabilityMessage, providerRegistryCapability, supportedProvidersList } from '../../trust/capabilities';
import type { Check } from '../../types';
import { unverifiedIdentityReason } from '../../trust/enforce';
import { refusedEventReason } from '../../workflow/untrusted-triggers';
import type { ReadinessCheck, ReadinessContext } from '../types';
import { fail, listOf, pass, registryOf, trustedPublishing, willPublish } from './support';

/**
 * Who is running this job and may it publish by trusted publishing: provider detected and
 * supported for the registry, OIDC token obtainable, a trigger registries accept, and (pub.dev,
 * Go) the tag of the version being published. The repository/workflow/environment comparison
 * belongs to the core trust check and is not repeated here.
 */
export const identityChecks: ReadinessCheck = (ctx) => {
  if (!willPublish(ctx)) return [];
  if (!trustedPublishing(ctx)) {
    return [pass('identity.provider', 'trusted publishing is off for this package (publish.trusted_publishing = false): identity checks skipped')];
  }
  const checks: Check[] = [providerCheck(ctx)];
  if (ctx.identity.provider === 'unknown') return checks;
  checks.push(supportedCheck(ctx), idTokenCheck(ctx), triggerCheck(ctx));
  const tag = tagCheck(ctx);
  if (tag) checks.push(tag);
  if (ctx.identity.provider === 'gitlab_ci') checks.push(gitlabEnvironmentCheck(ctx));
  return checks;
};

const OPT_OUT = 'or set `publish.trusted_publishing = false` for this package to publish with a token instead';

function providerCheck(ctx: ReadinessContext): Check {
  const { identity } = ctx;
  const registry = registryOf(ctx);
  if (identity.provider === 'unknown') {
    return fail(
      'identity.provider',
      `${capabilityMessage(registry, identity)} (${identity.reason ?? 'no CI environment variables found'})`,
      `run readiness and publish from the CI workflow that publishes (${supportedProvidersList(registry)}), ${OPT_OUT}`,
    );
  }
  if (!identity.verifiable) {
    return fail(
      'identity.provider',
      capabilityMessage(registry, identity),
      `run from a normal ${identity.label} job that exposes its repository and workflow variables, ${OPT_OUT}`,
    );
  }
  // The same rule as the publish gate: only a signed token proves who runs the job, and only
  // GitHub Actions and GitLab CI/CD tokens are verified (the gate verifies them).
  if (identity.provider !== 'github_actions' && identity.provider !== 'gitlab_ci') {
    return fail('identity.provider', `this job ${unverifiedIdentityReason(identity)}`, `publish from GitHub Actions or GitLab CI/CD, ${OPT_OUT}`);
  }
  const where = [
    identity.repository && `repository \`${identity.repository}\``,
    identity.workflow && `workflow \`${identity.workflow}\``,
    identity.job && `job \`${identity.job}\``,
  ]
    .filter(Boolean)
    .join(', ');
  return pass('identity.provider', `running on ${identity.label}${where ? ` (${where})` : ''}`);
}

function supportedCheck(ctx: ReadinessContext): Check {
  const { identity } = ctx;
  const registry = registryOf(ctx);
  const message = capabilityMessage(registry, identity);
  if (providerRegistryCapability(registry, identity.provider).trustedPublishing) return pass('identity.supported', message);
  return fail('identity.supported', message, `publish from one of: ${supportedProvidersList(registry)}; ${OPT_OUT}`);
}

const GITHUB_OIDC_VARS = ['ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'];

function idTokenCheck(ctx: ReadinessContext): Check {
  const { identity, env } = ctx;
  const registry = registryOf(ctx);
  // On GitLab the job's own ID token is what proves who may push a Go tag.
  if (identity.provider === 'gitlab_ci') return gitlabIdTokenCheck(ctx);
  const noIdToken = registryAdapter(registry)?.trust.ci.noIdToken;
  if (noIdToken) return pass('identity.id-token', noIdToken.identity);
  if (identity.provider === 'github_actions') {
    const missing = GITHUB_OIDC_VARS.filter((key) => env[key] === undefined);
    if (missing.length === 0) return pass('identity.id-token', 'the job can request an OIDC token (`id-token: write` is granted)');
    return fail(
      'identity.id-token',
      `GitHub Actions did not expose ${listOf(missing)}: the job has no \`id-token: write\` permission, so no OIDC token can be exchanged with ${ctx.target.adapter?.label ?? registry}`,
      'add `permissions: { id-token: write, contents: read }` to the publish job (job level, not workflow level); fork pull requests never get it',
    );
  }
  return pass('identity.id-token', `${identity.label} issues the OIDC token through its own job configuration; not visible from here`);
}

/**
 * GitLab hands ID tokens to the job as variables it declares with `id_tokens:`: ours
 * (MONOCHANGE_ID_TOKEN, which proves the job's identity) always, and the registry's own for npm and
 * PyPI, whose CLIs exchange it. Only presence is checked here; the publish gate verifies ours.
 */
function gitlabIdTokenCheck(ctx: ReadinessContext): Check {
  const { env } = ctx;
  const registry = registryOf(ctx);
  const needed = [{ variable: GITLAB_ID_TOKEN_ENV, aud: 'monochange-nx' }];
  // The `id_tokens:` entry the registry's client reads, besides ours (audience, for the hint).
  const own = registryAdapter(registry)?.trust.ci.gitlabIdToken;
  if (own) needed.push({ variable: own.name, aud: own.aud });
  const missing = needed.filter((n) => !env[n.variable]);
  if (!missing.length) return pass('identity.id-token', `the job declares ${listOf(needed.map((n) => n.variable))} (\`id_tokens:\`)`);
  const target = ctx.target.adapter?.label ?? registry;
  return fail(
    'identity.id-token',
    `GitLab CI/CD job has no ${listOf(missing.map((n) => n.variable))}: ${missing
      .map((n) =>
        n.variable === GITLAB_ID_TOKEN_ENV
          ? `@monochange/nx proves the job's identity from \`${GITLAB_ID_TOKEN_ENV}\``
          : `${target} takes the OIDC token for trusted publishing from \`${n.variable}\``,
      )
      .join('; ')}`,
    `add \`id_tokens: { ${missing.map((n) => `${n.variable}: { aud: "${n.aud}" }`).join(', ')} }\` to the publish job in .gitlab-ci.yml`,
  );
}

/** A configured environment must be the job's (`environment:` of the publish job). */
function gitlabEnvironmentCheck(ctx: ReadinessContext): Check {
  const expected = ctx.target.pkg.publish.trustedPublishing.environment?.trim();
  const actual = ctx.env.CI_ENVIRONMENT_NAME || undefined;
  if (!expected) {
    return pass(
      'identity.environment',
      actual ? `the job deploys to environment \`${actual}\` (none is required by monochange.toml)` : 'no GitLab environment is required by monochange.toml',
    );
  }
  if (actual === expected) return pass('identity.environment', `the job deploys to the configured environment \`${expected}\``);
  return fail(
    'identity.environment',
    `trusted publishing requires the GitLab environment \`${expected}\`, but this job ${actual ? `deploys to \`${actual}\`` : 'declares no environment'}`,
    `add \`environment: ${expected}\` to the publish job in .gitlab-ci.yml, or fix \`publish.trusted_publishing.environment\``,
  );
}

/** Why GitLab pipeline sources outside the gate's allow-list may not publish. */
function gitlabRefusedSource(source: string): string | undefined {
  if (GITLAB_PUBLISH_SOURCES.has(source)) return undefined;
  if (source === 'merge_request_event') return 'runs merge-request pipelines (fork merge requests run code from outside the project)';
  if (source === 'external_pull_request_event') return 'runs pipelines for external pull requests';
  return 'is not a pipeline source started only by people who may publish (allowed: push, web, schedule, api)';
}

function triggerCheck(ctx: ReadinessContext): Check {
  const { identity, env } = ctx;
  const event = identity.eventName;
  if (!event) return pass('identity.trigger', `${identity.label} did not say what triggered this run; nothing to refuse`);
  const refused =
    identity.provider === 'github_actions' ? refusedEventReason(event) : identity.provider === 'gitlab_ci' ? gitlabRefusedSource(event) : undefined;
  const fork =
    identity.provider === 'gitlab_ci' &&
    env.CI_MERGE_REQUEST_SOURCE_PROJECT_ID &&
    env.CI_PROJECT_ID &&
    env.CI_MERGE_REQUEST_SOURCE_PROJECT_ID !== env.CI_PROJECT_ID
      ? ' from a fork'
      : '';
  if (refused) {
    return fail(
      'identity.trigger',
      `this run was triggered by \`${event}\`${fork}, which ${refused}; publishing is refused from it`,
      identity.provider === 'gitlab_ci'
        ? 'publish from a pipeline of a tag push, a schedule, the "Run pipeline" button or the pipelines API'
        : 'publish on a tag push, `release: published` or `workflow_dispatch` from the default branch',
    );
  }
  return pass('identity.trigger', `triggered by \`${event}\``);
}

/** Tag-bound registries (pub.dev, Go): the run must be on the tag of the version being published. */
function tagCheck(ctx: ReadinessContext): Check | undefined {
  const { identity, target } = ctx;
  // The publish gate's own rule, from the registry adapter: readiness and publish cannot disagree.
  const expected = target.adapter?.trust.releaseTags?.(target.manifest, target.version);
  if (!expected?.length) return undefined;
  const refName = identity.refName ?? refNameFrom(identity.ref);
  const isTag = identity.refType === 'tag' || identity.ref?.startsWith('refs/tags/');
  const wanted = listOf(expected);
  if (isTag && refName && expected.includes(refName)) {
    // On GitLab any Developer can push an unprotected tag; the gate refuses it for tag releases.
    if (identity.provider === 'gitlab_ci' && ctx.env.CI_COMMIT_REF_PROTECTED !== 'true') {
      return fail(
        'identity.tag',
        `${target.name} ${target.version} runs from tag \`${refName}\`, but the tag is not protected (CI_COMMIT_REF_PROTECTED is ${ctx.env.CI_COMMIT_REF_PROTECTED ? `\`${ctx.env.CI_COMMIT_REF_PROTECTED}\`` : 'unset'}): any Developer of the project can push an unprotected tag`,
        'protect the release tags (Settings → Repository → Protected tags, e.g. `v*`) and push the tag again',
      );
    }
    return pass('identity.tag', `running from tag \`${refName}\` of version ${target.version}`);
  }
  const running = refName ? `${isTag ? 'tag' : 'branch'} \`${refName}\`` : 'an unknown ref';
  const rule = target.adapter?.trust.releaseTagRule;
  return fail(
    'identity.tag',
    `${target.name} ${target.version} must be published from ${expected.length > 1 ? `one of the tags ${wanted}` : `tag ${wanted}`}, but this run is on ${running}; ${rule?.why ?? ''}`,
    `push ${expected.length > 1 ? `tag ${listOf([expected[0]])} (or ${listOf([expected[1]])})` : `tag ${wanted}`} and let the workflow run on \`push: tags\`${rule?.registrySetup ? `, and ${rule.registrySetup}` : ''}`,
  );
}

function refNameFrom(ref: string | undefined): string | undefined {
  return ref?.replace(/^refs\/(tags|heads)\//, '');
}
