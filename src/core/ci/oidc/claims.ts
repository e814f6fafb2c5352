import type { CiIdentity } from '../types';
import { PROVIDER_LABELS } from '../types';
import { parseWorkflowRef, type WorkflowRef } from '../workflow-ref';
import { readClaimValues } from './claim-values';
import { refuse, shown, type Refusal } from './refusal';

/** The GitHub claims identity is derived from, all as strings (the token itself is never kept). */
export interface GithubClaims {
  iss: string;
  aud: string;
  repository: string;
  repository_id: string;
  repository_owner: string;
  repository_owner_id: string;
  workflow_ref: string;
  job_workflow_ref: string;
  ref: string;
  ref_type: string;
  event_name: string;
  sha: string;
  /** Token id: each token is used once per job. */
  jti: string;
  /** The run and attempt the token was minted for: it is bound to this one. */
  run_id: string;
  run_attempt: string;
  environment?: string;
  runner_environment?: string;
  repository_visibility?: string;
}

export const REQUIRED_CLAIMS = [
  'iss',
  'aud',
  'repository',
  'repository_id',
  'repository_owner',
  'repository_owner_id',
  'workflow_ref',
  'job_workflow_ref',
  'ref',
  'ref_type',
  'event_name',
  'sha',
  'jti',
  'run_id',
  'run_attempt',
] as const;
export const OPTIONAL_CLAIMS = ['environment', 'runner_environment', 'repository_visibility'] as const;

export interface ParsedGithubClaims {
  claims: GithubClaims;
  workflow: WorkflowRef;
  jobWorkflow: WorkflowRef;
}

/** Reads the claims from a verified payload; a missing or malformed one is a refusal. */
export function readGithubClaims(payload: Record<string, unknown>): ({ ok: true } & ParsedGithubClaims) | Refusal {
  const { values: out, missing } = readClaimValues(payload, REQUIRED_CLAIMS, OPTIONAL_CLAIMS, asString);
  if (missing.length) {
    return refuse(
      'oidc.claims-missing',
      `The verified OIDC token lacks the GitHub claim(s) ${missing.join(', ')}, which identify the repository and workflow. Publish from a GitHub Actions job (a customised OIDC claim template must keep these claims).`,
    );
  }
  const claims = out as unknown as GithubClaims;

  if (!/^[^/\s]+\/[^/\s]+$/.test(claims.repository)) {
    return refuse('oidc.claims-invalid', `The OIDC token's repository claim ${shown(claims.repository)} is not "owner/repo".`);
  }
  for (const name of ['repository_id', 'repository_owner_id'] as const) {
    if (!/^[0-9]+$/.test(claims[name])) {
      return refuse('oidc.claims-invalid', `The OIDC token's ${name} claim ${shown(claims[name])} is not a numeric id.`);
    }
  }
  const workflow = parseWorkflowRef(claims.workflow_ref);
  if (!workflow) {
    return refuse(
      'oidc.claims-invalid',
      `The OIDC token's workflow_ref claim ${shown(claims.workflow_ref)} is not "owner/repo/.github/workflows/<file>.yml@<ref>".`,
    );
  }
  const jobWorkflow = parseWorkflowRef(claims.job_workflow_ref);
  if (!jobWorkflow) {
    return refuse(
      'oidc.claims-invalid',
      `The OIDC token's job_workflow_ref claim ${shown(claims.job_workflow_ref)} is not "owner/repo/.github/workflows/<file>.yml@<ref>".`,
    );
  }
  if (workflow.repository !== claims.repository) {
    return refuse(
      'oidc.claims-invalid',
      `The OIDC token's workflow_ref ${shown(claims.workflow_ref)} is not in its own repository ${shown(claims.repository)}.`,
    );
  }
  return { ok: true, claims, workflow, jobWorkflow };
}

/** The CiIdentity a verified token proves (contract in ../types.ts). */
export function identityFromClaims(parsed: ParsedGithubClaims): CiIdentity {
  const { claims, workflow } = parsed;
  const refType = claims.ref_type === 'branch' || claims.ref_type === 'tag' ? claims.ref_type : undefined;
  const record: Record<string, string> = {};
  for (const [k, v] of Object.entries(claims)) if (typeof v === 'string') record[k] = v;
  return {
    provider: 'github_actions',
    label: PROVIDER_LABELS.github_actions,
    repository: claims.repository,
    workflow: workflow.workflowPath,
    workflowRef: claims.workflow_ref,
    environment: claims.environment,
    environmentSource: claims.environment !== undefined ? 'oidc' : undefined,
    ref: claims.ref,
    refName: claims.ref.replace(/^refs\/(heads|tags)\//, ''),
    refType,
    eventName: claims.event_name,
    runId: claims.run_id,
    oidcAvailable: true,
    verifiable: true,
    runnerEnvironment: claims.runner_environment,
    verified: true,
    claims: record,
  };
}

function asString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  // GitHub sends ids as strings; accept integral numbers from other issuers' encoders.
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return undefined;
}
