import type { CiIdentity } from '../../types';
import { PROVIDER_LABELS } from '../../types';
import { readClaimValues } from '../claim-values';
import { refuse, shown, type Refusal } from '../refusal';

/** The GitLab claims identity is derived from, all as strings (the token itself is never kept). */
export interface GitlabClaims {
  iss: string;
  aud: string;
  jti: string;
  project_path: string;
  project_id: string;
  namespace_path: string;
  namespace_id: string;
  /** Bare branch or tag name (`v1.2.3`, `main`): GitLab puts no `refs/…` prefix here. */
  ref: string;
  ref_type: string;
  /** `"true"` or `"false"`. */
  ref_protected: string;
  pipeline_source: string;
  pipeline_id: string;
  job_id: string;
  sha: string;
  /** `<host>/<project_path>//<config file>@<ref_path>`. */
  ci_config_ref_uri: string;
  ref_path?: string;
  environment?: string;
  environment_protected?: string;
  runner_environment?: string;
  project_visibility?: string;
  user_login?: string;
}

export const GITLAB_REQUIRED_CLAIMS = [
  'iss',
  'aud',
  'jti',
  'project_path',
  'project_id',
  'namespace_path',
  'namespace_id',
  'ref',
  'ref_type',
  'ref_protected',
  'pipeline_source',
  'pipeline_id',
  'job_id',
  'sha',
  'ci_config_ref_uri',
] as const;
export const GITLAB_OPTIONAL_CLAIMS = ['ref_path', 'environment', 'environment_protected', 'runner_environment', 'project_visibility', 'user_login'] as const;

/** `ci_config_ref_uri` split up. */
export interface GitlabConfigRef {
  host: string;
  project: string;
  /** The pipeline configuration file, e.g. `.gitlab-ci.yml` or `ci/release.yml`. */
  path: string;
  /** `refs/tags/v1.2.3`, `refs/heads/main` or a commit. */
  ref: string;
}

export function parseConfigRefUri(uri: string): GitlabConfigRef | undefined {
  const at = uri.lastIndexOf('@');
  if (at <= 0) return undefined;
  const left = uri.slice(0, at);
  const ref = uri.slice(at + 1);
  const split = left.indexOf('//');
  if (split <= 0 || !ref) return undefined;
  const hostAndProject = left.slice(0, split);
  const path = left.slice(split + 2);
  const slash = hostAndProject.indexOf('/');
  if (slash <= 0 || !path || path.startsWith('/')) return undefined;
  return { host: hostAndProject.slice(0, slash), project: hostAndProject.slice(slash + 1), path, ref };
}

export interface ParsedGitlabClaims {
  claims: GitlabClaims;
  config: GitlabConfigRef;
  /** `refs/tags/<ref>` or `refs/heads/<ref>`. */
  refPath: string;
}

/** Reads the claims from a verified payload; a missing or malformed one is a refusal. */
export function readGitlabClaims(payload: Record<string, unknown>): ({ ok: true } & ParsedGitlabClaims) | Refusal {
  const { values: out, missing } = readClaimValues(payload, GITLAB_REQUIRED_CLAIMS, GITLAB_OPTIONAL_CLAIMS, asString);
  if (missing.length) {
    return refuse(
      'oidc.claims-missing',
      `The verified OIDC token lacks the GitLab claim(s) ${missing.join(', ')}, which identify the project, pipeline and job. Publish from a GitLab CI/CD job of GitLab 16.2 or later (older instances do not set ci_config_ref_uri).`,
    );
  }
  const claims = out as unknown as GitlabClaims;
  if (!/^[^/\s]+(\/[^/\s]+)+$/.test(claims.project_path)) {
    return refuse('oidc.claims-invalid', `The OIDC token's project_path claim ${shown(claims.project_path)} is not "group/project".`);
  }
  if (!claims.project_path.startsWith(`${claims.namespace_path}/`)) {
    return refuse(
      'oidc.claims-invalid',
      `The OIDC token's project_path ${shown(claims.project_path)} is not in its namespace_path ${shown(claims.namespace_path)}.`,
    );
  }
  for (const name of ['project_id', 'namespace_id', 'pipeline_id', 'job_id'] as const) {
    if (!/^[0-9]+$/.test(claims[name])) return refuse('oidc.claims-invalid', `The OIDC token's ${name} claim ${shown(claims[name])} is not a numeric id.`);
  }
  if (claims.ref_type !== 'tag' && claims.ref_type !== 'branch') {
    return refuse('oidc.claims-invalid', `The OIDC token's ref_type claim ${shown(claims.ref_type)} is neither "tag" nor "branch".`);
  }
  if (claims.ref_protected !== 'true' && claims.ref_protected !== 'false') {
    return refuse('oidc.claims-invalid', `The OIDC token's ref_protected claim ${shown(claims.ref_protected)} is neither "true" nor "false".`);
  }
  const refPath = `refs/${claims.ref_type === 'tag' ? 'tags' : 'heads'}/${claims.ref}`;
  if (claims.ref_path !== undefined && claims.ref_path !== refPath) {
    return refuse(
      'oidc.claims-invalid',
      `The OIDC token's ref_path ${shown(claims.ref_path)} does not name its ref ${shown(claims.ref)} (ref_type ${shown(claims.ref_type)}).`,
    );
  }
  const config = parseConfigRefUri(claims.ci_config_ref_uri);
  if (!config) {
    return refuse(
      'oidc.claims-invalid',
      `The OIDC token's ci_config_ref_uri claim ${shown(claims.ci_config_ref_uri)} is not "<host>/<project>//<file>@<ref>".`,
    );
  }
  return { ok: true, claims, config, refPath };
}

/** The CiIdentity a verified GitLab token proves (contract in ../../types.ts). */
export function identityFromGitlabClaims(parsed: ParsedGitlabClaims): CiIdentity {
  const { claims, config, refPath } = parsed;
  const record: Record<string, string> = {};
  for (const [k, v] of Object.entries(claims)) if (typeof v === 'string') record[k] = v;
  const identity: CiIdentity = {
    provider: 'gitlab_ci',
    label: PROVIDER_LABELS.gitlab_ci,
    repository: claims.project_path,
    workflow: config.path,
    workflowRef: claims.ci_config_ref_uri,
    job: claims.job_id,
    ref: refPath,
    refName: claims.ref,
    refType: claims.ref_type as 'tag' | 'branch',
    eventName: claims.pipeline_source,
    runId: claims.pipeline_id,
    oidcAvailable: true,
    verifiable: true,
    verified: true,
    claims: record,
  };
  if (claims.environment !== undefined) {
    identity.environment = claims.environment;
    identity.environmentSource = 'oidc';
  }
  if (claims.runner_environment !== undefined) identity.runnerEnvironment = claims.runner_environment;
  return identity;
}

function asString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  // GitLab sends ids and booleans as strings; accept integral numbers and booleans from other encoders.
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  return undefined;
}
