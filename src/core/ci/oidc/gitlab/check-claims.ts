import type { RegistryClaimRules } from '../../../registries/types';
import { checkEnvironmentClaim, type ClaimCheckResult, type ClaimExpectations } from '../check-claims';
import { parseConfigRefUri } from './claims';

/**
 * GitLab `pipeline_source` values that may publish: a push (of the release tag or branch), the
 * "Run pipeline" button (`web`), a pipeline schedule and the pipelines API (`api`): each is started
 * by a project member with rights on the ref, or by a schedule a maintainer owns. Everything else
 * is refused, including sources GitLab adds later.
 */
export const GITLAB_PUBLISH_SOURCES = new Set(['push', 'web', 'schedule', 'api']);

/** Why each known refused source never publishes. */
const REFUSED_SOURCES: Record<string, string> = {
  merge_request_event: 'runs merge-request pipelines, possibly of a fork whose code the project does not control',
  external_pull_request_event: 'runs pipelines for pull requests of an external (GitHub) repository, possibly from a fork',
  external: 'runs pipelines for code hosted outside GitLab',
  trigger: 'is started by anyone holding a pipeline trigger token, a long-lived shared secret',
  pipeline: 'is started by a pipeline of another project (multi-project pipeline)',
  parent_pipeline:
    'is a child pipeline, whose configuration the parent pipeline may have generated at run time, and which does not say what started the parent',
  chat: 'is started by a ChatOps command typed in a chat channel',
  webide: 'is started from the Web IDE on unreviewed changes',
  security_orchestration_policy: 'runs jobs injected by a security policy project',
  ondemand_dast_scan: 'runs on-demand DAST scans',
  ondemand_dast_validation: 'runs DAST site validations',
};

const CONFIG = 'publish.trusted_publishing';
const RUN_FROM = 'Publish from the configured pipeline';
const DEFAULT_CONFIG_FILE = '.gitlab-ci.yml';

/**
 * Pre-upload check of a verified GitLab ID token against what the package's trusted publisher
 * expects, in the style of the GitHub check (../check-claims.ts): project path (and the pinned
 * project id), pipeline configuration file, environment, pipeline source, and, for tag-bound
 * registries, the exact release tag on a protected ref.
 */
export function checkGitlabClaims(claims: Record<string, string | undefined>, rules: RegistryClaimRules, expected: ClaimExpectations): ClaimCheckResult {
  const reg = rules.label;
  const warnings: string[] = [];
  const c = (name: string) => claims[name] ?? '';

  if (!expected.repository) {
    return fail(
      'claims.expected-missing',
      `No GitLab project is configured for trusted publishing to ${reg}: set \`${CONFIG}.repository\` to the project path ("group/project"), or \`[source]\` owner and repo with provider = "gitlab".`,
    );
  }
  const expectedFile = normalizeConfigFile(expected.workflow) || DEFAULT_CONFIG_FILE;

  const source = c('pipeline_source');
  if (!GITLAB_PUBLISH_SOURCES.has(source)) {
    const why = REFUSED_SOURCES[source] ?? 'is not one of the pipeline sources known to be started only by people who may publish';
    return fail(
      source === 'merge_request_event' || source === 'external_pull_request_event' ? 'claims.event-pull-request' : 'claims.event-not-allowed',
      `The OIDC token comes from a "${source}" pipeline, which ${why}; publishing to ${reg} is never allowed from it. ${RUN_FROM} on a tag push, a schedule, the "Run pipeline" button or the pipelines API.`,
    );
  }

  const project = c('project_path');
  const sameProject = rules.repositoryCase === 'exact' ? project === expected.repository : project.toLowerCase() === expected.repository.toLowerCase();
  if (!sameProject) {
    const caseOnly = project.toLowerCase() === expected.repository.toLowerCase();
    return fail(
      'claims.repository-mismatch',
      `Trusted publishing to ${reg} expects GitLab project "${expected.repository}", but the OIDC token was issued for "${project}"${caseOnly ? ` (${reg} compares it case-sensitively)` : ''}. ${caseOnly ? `Set \`${CONFIG}.repository\` to "${project}" exactly as GitLab spells it.` : `Publish from "${expected.repository}", or fix \`${CONFIG}.repository\`.`}`,
    );
  }
  if (expected.repositoryId !== undefined && c('project_id') !== expected.repositoryId) {
    return fail(
      'claims.repository-id-mismatch',
      `Trusted publishing to ${reg} is pinned to GitLab project id ${expected.repositoryId}, but the OIDC token says project_id ${c('project_id') || '(absent)'}: "${project}" is a different (renamed, recreated or forked) project. Publish from the original project, or update \`${CONFIG}.repository_id\` if the project was deliberately replaced.`,
    );
  }
  if (expected.repositoryOwnerId !== undefined && c('namespace_id') !== expected.repositoryOwnerId) {
    return fail(
      'claims.repository-owner-id-mismatch',
      `Trusted publishing to ${reg} is pinned to GitLab namespace id ${expected.repositoryOwnerId}, but the OIDC token says namespace_id ${c('namespace_id') || '(absent)'}: the namespace "${c('namespace_path')}" is a different (renamed or recreated) group or user. Publish from the original namespace, or update \`${CONFIG}.repository_owner_id\`.`,
    );
  }

  const configRef = parseConfigRefUri(c('ci_config_ref_uri'));
  // The instance as ci_config_ref_uri spells it: host, plus the path of a GitLab under a relative URL root.
  let issuerHost = '';
  try {
    const url = new URL(c('iss'));
    issuerHost = `${url.host}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    issuerHost = '';
  }
  const configProject = configRef ? `${configRef.host}/${configRef.project}`.toLowerCase() : '';
  if (!configRef || !issuerHost || configProject !== `${issuerHost}/${project}`.toLowerCase()) {
    return fail(
      'claims.job-workflow-foreign',
      `The pipeline configuration of this job is "${c('ci_config_ref_uri')}", outside project "${project}" on ${issuerHost || 'its GitLab instance'}. A pipeline defined in another project (or remote file) never publishes here. Keep the publish job in "${expectedFile}" of "${project}".`,
    );
  }
  if (configRef.path !== expectedFile) {
    return fail(
      'claims.workflow-mismatch',
      `Trusted publishing to ${reg} expects the pipeline configuration "${expectedFile}", but the OIDC token's ci_config_ref_uri names "${configRef.path}" ("${c('ci_config_ref_uri')}"). ${RUN_FROM} "${expectedFile}", or fix \`${CONFIG}.workflow\` (file names are compared exactly).`,
    );
  }
  const refPath = `refs/${c('ref_type') === 'tag' ? 'tags' : 'heads'}/${c('ref')}`;
  if (configRef.ref !== refPath && configRef.ref !== c('sha')) {
    return fail(
      'claims.workflow-ref-mismatch',
      `The OIDC token's ci_config_ref_uri "${c('ci_config_ref_uri')}" reads the pipeline configuration at "${configRef.ref}", which is neither the job's ref "${refPath}" nor its commit ${c('sha')}. ${RUN_FROM} at the ref being released.`,
    );
  }

  const environmentCheck = checkEnvironmentClaim({
    environment: claims.environment,
    expected: expected.environment,
    rules,
    provider: 'GitLab',
    file: expectedFile,
    unpinnedRisk: 'so a job of another environment cannot publish',
  });
  if (!environmentCheck.ok) return environmentCheck;
  if (environmentCheck.warning) warnings.push(environmentCheck.warning);

  if (rules.tagOnly) {
    const tags = expected.tags ?? [];
    const wanted = tags.map((t) => `"${t}"`).join(' or ');
    if (c('ref_type') !== 'tag') {
      return fail(
        'claims.ref-not-tag',
        `${reg} publishing must run from a tag, but the OIDC token says ref "${c('ref')}" (ref_type "${c('ref_type')}")${tags.length ? `; expected tag ${wanted}` : ''}. Push the release tag and publish from the pipeline it starts.`,
      );
    }
    if (!tags.length) {
      return fail(
        'claims.tag-unknown',
        `${reg} publishing must run from the release's tag, but no expected tag was worked out for this package, so "${c('ref')}" cannot be checked. Report this: it is a bug in the caller.`,
      );
    }
    if (!tags.includes(c('ref'))) {
      return fail(
        'claims.tag-mismatch',
        `${reg} publishing of this version must run from tag ${wanted}, but the OIDC token says ref "${c('ref')}". Publish from the pipeline of the tag that matches the package and version being released.`,
      );
    }
    // Anyone with Developer access can push an unprotected tag; only a protected one says a maintainer released it.
    if (c('ref_protected') !== 'true') {
      return fail(
        'claims.ref-unprotected',
        `${reg} publishing from tag "${c('ref')}" needs a protected tag, but the OIDC token says ref_protected "${c('ref_protected')}": any Developer of "${project}" can push an unprotected tag. Protect the release tags (Settings → Repository → Protected tags, e.g. "v*") and push the tag again.`,
      );
    }
  } else if (c('ref_protected') !== 'true') {
    warnings.push(
      `The OIDC token says ref "${c('ref')}" is not protected: any Developer of "${project}" could run this publish job on it. Protect the release ref (Settings → Repository → Protected branches/tags).`,
    );
  }
  return { ok: true, warnings };
}

/** `./.gitlab-ci.yml` means `.gitlab-ci.yml`. */
function normalizeConfigFile(file: string | undefined): string {
  return (file ?? '').trim().replace(/^\.\//, '');
}

function fail(code: string, reason: string): ClaimCheckResult {
  return { ok: false, code, reason };
}
