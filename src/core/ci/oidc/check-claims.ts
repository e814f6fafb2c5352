import type { RegistryClaimRules } from '../../registries/types';
import { isPublishEvent, refusedEventReason } from '../../workflow/untrusted-triggers';
import type { CiIdentity } from '../types';
import { parseWorkflowRef } from '../workflow-ref';
import { checkGitlabClaims } from './gitlab/check-claims';

/**
 * Pre-upload check of verified claims against what the package's trusted publisher expects,
 * using the registry's own comparison rules (its adapter's `trust.claims`), so a mismatch is
 * refused here, before anything is uploaded, with a sentence that says why.
 */

export interface ClaimExpectations {
  /** `owner/repo` (`publish.trusted_publishing.repository`, else `[source]`). */
  repository: string;
  /** Workflow file name, e.g. `publish.yml`. */
  workflow: string;
  environment?: string;
  /** Pinned immutable ids (`publish.trusted_publishing.repository_id` / `repository_owner_id`). */
  repositoryId?: string;
  repositoryOwnerId?: string;
  /** Tags the release may run from (tag-bound registries), e.g. `sub/v1.2.3` or `name-v1.2.3`. */
  tags?: string[];
  /** Registry provenance is required (npm). */
  provenance?: boolean;
}

export type ClaimCheckResult = { ok: true; warnings: string[] } | { ok: false; code: string; reason: string };

/** Rules for registries without an adapter: strict defaults. */
export function customRegistryClaimRules(registry: string): RegistryClaimRules {
  return {
    label: `registry "${registry}"`,
    workflowClaim: 'workflow_ref',
    repositoryCase: 'exact',
    environmentCase: 'exact',
    refuseReusable: false,
    requireLocalJobWorkflow: true,
    tagOnly: false,
  };
}

const CONFIG = 'publish.trusted_publishing';
const RUN_FROM = 'Publish from the configured workflow';

export function checkClaimsForPackage(input: { identity: CiIdentity; rules: RegistryClaimRules; expected: ClaimExpectations }): ClaimCheckResult {
  const { identity, rules, expected } = input;
  if (!identity.verified || !identity.claims) {
    return fail(
      'claims.unverified',
      `Trusted publishing to ${rules.label} needs a CI identity verified from a signed OIDC token (GitHub Actions or GitLab CI/CD), but this one comes from environment variables only${identity.reason ? ` (${identity.reason})` : ''}. ${RUN_FROM} in a job with \`id-token: write\` (GitHub) or \`id_tokens: { MONOCHANGE_ID_TOKEN: { aud: monochange-nx } }\` (GitLab).`,
    );
  }
  if (identity.provider === 'gitlab_ci') return checkGitlabClaims(identity.claims, rules, expected);
  return checkClaims(identity.claims, rules, expected);
}

export function checkClaims(claims: Record<string, string | undefined>, rules: RegistryClaimRules, expected: ClaimExpectations): ClaimCheckResult {
  const reg = rules.label;
  const warnings: string[] = [];
  const c = (name: string) => claims[name] ?? '';

  if (!expected.repository) {
    return fail(
      'claims.expected-missing',
      `No repository is configured for trusted publishing to ${reg}: set \`${CONFIG}.repository\` (or \`[source]\` owner and repo).`,
    );
  }
  const expectedWorkflow = expected.workflow?.replace(/^\.github\/workflows\//, '');
  if (!expectedWorkflow) {
    return fail(
      'claims.expected-missing',
      `No workflow is configured for trusted publishing to ${reg}: set \`${CONFIG}.workflow\` to the publish workflow's file name, e.g. "publish.yml".`,
    );
  }

  // Events that run code or refs chosen by someone else never publish.
  const event = c('event_name');
  if (event === 'pull_request_target') {
    return fail(
      'claims.event-pull-request-target',
      `The OIDC token comes from a "pull_request_target" run, which executes with the base repository's permissions on behalf of any pull request author; publishing to ${reg} is never allowed from it. ${RUN_FROM} on a tag push or workflow_dispatch.`,
    );
  }
  if (event === 'workflow_run') {
    return fail(
      'claims.event-workflow-run',
      `The OIDC token comes from a "workflow_run" run, which can be set off by a workflow of a fork's pull request; publishing to ${reg} is never allowed from it. ${RUN_FROM} on a tag push or workflow_dispatch.`,
    );
  }
  if (event.startsWith('pull_request')) {
    return fail(
      'claims.event-pull-request',
      `The OIDC token comes from a "${event}" run (a pull request, possibly from a fork); publishing to ${reg} never happens on pull requests. ${RUN_FROM} on a tag push or workflow_dispatch.`,
    );
  }
  // An allow-list: any event not known to be started by people who may publish is refused.
  if (!isPublishEvent(event)) {
    return fail(
      'claims.event-not-allowed',
      `The OIDC token comes from a "${event}" run, which ${refusedEventReason(event)}; publishing to ${reg} is never allowed from it. ${RUN_FROM} on a tag push, a release or workflow_dispatch.`,
    );
  }
  if (rules.allowedEvents && !rules.allowedEvents.includes(event)) {
    return fail(
      'claims.event-not-allowed',
      `${reg} accepts publishing only from ${rules.allowedEvents.map((e) => `"${e}"`).join(' or ')} events, but the OIDC token comes from a "${event}" run. Trigger the publish workflow by a tag push or workflow_dispatch.`,
    );
  }

  const repository = c('repository');
  const sameRepo = rules.repositoryCase === 'exact' ? repository === expected.repository : repository.toLowerCase() === expected.repository.toLowerCase();
  if (!sameRepo) {
    const caseOnly = repository.toLowerCase() === expected.repository.toLowerCase();
    return fail(
      'claims.repository-mismatch',
      `Trusted publishing to ${reg} expects repository "${expected.repository}", but the OIDC token was issued for "${repository}"${caseOnly ? ` (${reg} compares it case-sensitively)` : ''}. ${caseOnly ? `Set \`${CONFIG}.repository\` to "${repository}" exactly as GitHub spells it.` : `Publish from "${expected.repository}", or fix \`${CONFIG}.repository\`.`}`,
    );
  }
  if (expected.repositoryId !== undefined && c('repository_id') !== expected.repositoryId) {
    return fail(
      'claims.repository-id-mismatch',
      `Trusted publishing to ${reg} is pinned to repository id ${expected.repositoryId}, but the OIDC token says repository_id ${c('repository_id') || '(absent)'}: "${repository}" is a different (renamed, recreated or forked) repository. Publish from the original repository, or update \`${CONFIG}.repository_id\` if the repository was deliberately replaced.`,
    );
  }
  if (expected.repositoryOwnerId !== undefined && c('repository_owner_id') !== expected.repositoryOwnerId) {
    return fail(
      'claims.repository-owner-id-mismatch',
      `Trusted publishing to ${reg} is pinned to owner id ${expected.repositoryOwnerId}, but the OIDC token says repository_owner_id ${c('repository_owner_id') || '(absent)'}: the owner "${c('repository_owner')}" is a different (renamed, recreated or fork) account. Publish from the original owner's repository, or update \`${CONFIG}.repository_owner_id\` if the account was deliberately replaced.`,
    );
  }

  if (rules.refuseReusable && c('workflow_ref') !== c('job_workflow_ref')) {
    return fail(
      'claims.reusable-workflow',
      `The publish job runs in a reusable workflow: the caller is workflow_ref "${c('workflow_ref')}" but the job is defined by job_workflow_ref "${c('job_workflow_ref')}". ${reg} trusted publishing does not support reusable workflows (it checks the ${rules.workflowClaim === 'workflow_ref' ? 'caller' : 'called workflow'} only). Move the publish job into "${expectedWorkflow}" itself.`,
    );
  }

  if (rules.requireLocalJobWorkflow) {
    const job = parseWorkflowRef(c('job_workflow_ref'));
    if (!job || job.repository.toLowerCase() !== repository.toLowerCase()) {
      return fail(
        'claims.job-workflow-foreign',
        `The publish job is defined by job_workflow_ref "${c('job_workflow_ref')}", a workflow outside "${repository}". ${reg} does not check the workflow itself, so a job from another repository's reusable workflow never publishes here. Define the publish job in "${expectedWorkflow}" of "${repository}" (a reusable workflow of the same repository is fine).`,
      );
    }
  }

  const claimName = rules.workflowClaim;
  const workflowRef = parseWorkflowRef(c(claimName));
  if (!workflowRef) {
    return fail(
      'claims.workflow-mismatch',
      `Trusted publishing to ${reg} expects workflow "${expectedWorkflow}", but the OIDC token's ${claimName} "${c(claimName)}" names no workflow file. ${RUN_FROM}.`,
    );
  }
  const sameWorkflowRepo = workflowRef.repository.toLowerCase() === repository.toLowerCase();
  if (workflowRef.workflowPath !== expectedWorkflow || !sameWorkflowRepo) {
    const found = sameWorkflowRepo ? `"${workflowRef.workflowPath}"` : `"${workflowRef.workflowPath}" of repository "${workflowRef.repository}"`;
    return fail(
      'claims.workflow-mismatch',
      `Trusted publishing to ${reg} expects workflow "${expectedWorkflow}", but the OIDC token's ${claimName} names ${found} ("${c(claimName)}"). ${RUN_FROM} "${expectedWorkflow}", or fix \`${CONFIG}.workflow\` (file names are compared exactly: ".yml" is not ".yaml").`,
    );
  }
  if (workflowRef.ref !== c('ref') && workflowRef.ref !== c('sha')) {
    return fail(
      'claims.workflow-ref-mismatch',
      `The OIDC token's ${claimName} "${c(claimName)}" runs the workflow at "${workflowRef.ref}", which is neither the run's ref "${c('ref')}" nor its commit ${c('sha')}. ${RUN_FROM} at the ref being released.`,
    );
  }

  const environmentCheck = checkEnvironmentClaim({
    environment: claims.environment,
    expected: expected.environment,
    rules,
    provider: 'GitHub',
    file: expectedWorkflow,
    unpinnedRisk: 'so its protection rules cannot be bypassed by another job',
  });
  if (!environmentCheck.ok) return environmentCheck;
  if (environmentCheck.warning) warnings.push(environmentCheck.warning);

  if (rules.tagOnly) {
    const ref = c('ref');
    const tags = expected.tags ?? [];
    const wanted = tags.map((t) => `"refs/tags/${t}"`).join(' or ');
    if (c('ref_type') !== 'tag' || !ref.startsWith('refs/tags/')) {
      return fail(
        'claims.ref-not-tag',
        `${reg} publishing must run from a tag, but the OIDC token says ref "${ref}" (ref_type "${c('ref_type')}")${tags.length ? `; expected ${wanted}` : ''}. Push the release tag and publish from the run it triggers.`,
      );
    }
    if (!tags.length) {
      return fail(
        'claims.tag-unknown',
        `${reg} publishing must run from the release's tag, but no expected tag was worked out for this package, so "${ref}" cannot be checked. Report this: it is a bug in the caller.`,
      );
    }
    // Exact: another package's tag that ends in the same version never passes.
    if (!tags.some((t) => ref === `refs/tags/${t}`)) {
      return fail(
        'claims.tag-mismatch',
        `${reg} publishing of this version must run from tag ${wanted}, but the OIDC token says ref "${ref}". Publish from the run of the tag that matches the package and version being released.`,
      );
    }
  }

  if (rules.provenanceNeedsPublicHostedRun && expected.provenance) {
    if (claims.runner_environment === 'self-hosted') {
      warnings.push(
        'The OIDC token says runner_environment "self-hosted": npm trusted publishing and provenance need a GitHub-hosted runner, so npm is likely to refuse. Run the publish job on a GitHub-hosted runner.',
      );
    }
    if (claims.repository_visibility && claims.repository_visibility !== 'public') {
      warnings.push(`The OIDC token says repository_visibility "${claims.repository_visibility}": npm generates provenance only for public repositories.`);
    }
  }
  return { ok: true, warnings };
}

function fail(code: string, reason: string): ClaimCheckResult {
  return { ok: false, code, reason };
}

/**
 * The job's deployment environment against the expected one, compared by the registry's case rule
 * (GitHub and GitLab alike); an environment nobody requires is a warning, not a refusal.
 */
export function checkEnvironmentClaim(input: {
  environment: string | undefined;
  expected: string | undefined;
  rules: RegistryClaimRules;
  provider: 'GitHub' | 'GitLab';
  /** The workflow or pipeline file the publish job is in, for the fix. */
  file: string;
  /** What pinning the environment prevents, for the warning. */
  unpinnedRisk: string;
}): { ok: true; warning?: string } | { ok: false; code: string; reason: string } {
  const { environment, expected, rules, provider, file } = input;
  const reg = rules.label;
  if (expected !== undefined) {
    if (environment === undefined || environment === '') {
      return {
        ok: false,
        code: 'claims.environment-missing',
        reason: `Trusted publishing to ${reg} requires the ${provider} environment "${expected}", but the OIDC token has none: the publish job does not declare it. Add \`environment: ${expected}\` to the publish job of "${file}".`,
      };
    }
    const same = rules.environmentCase === 'exact' ? environment === expected : environment.toLowerCase() === expected.toLowerCase();
    if (!same) {
      const caseOnly = environment.toLowerCase() === expected.toLowerCase();
      return {
        ok: false,
        code: 'claims.environment-mismatch',
        reason: `Trusted publishing to ${reg} requires the ${provider} environment "${expected}", but the OIDC token says environment "${environment}"${caseOnly ? ` (${reg} compares environment names case-sensitively)` : ''}. Use \`environment: ${expected}\` in the publish job, or fix \`${CONFIG}.environment\`.`,
      };
    }
    return { ok: true };
  }
  if (!environment) return { ok: true };
  return {
    ok: true,
    warning: `The OIDC token carries ${provider} environment "${environment}", but trusted publishing to ${reg} does not require one: set \`${CONFIG}.environment = "${environment}"\` (and the same on ${reg}) ${input.unpinnedRisk}.`,
  };
}
