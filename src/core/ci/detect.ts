import type { Env } from '../types';
import { type CiIdentity, PROVIDER_LABELS } from './types';
import { readJobEnvironment } from './workflow-environment';
import { parseWorkflowRef } from './workflow-ref';

export const NO_PROVIDER_REASON = 'no supported CI provider environment variables were detected';

export interface DetectOptions {
  /** Workspace root; the GitHub job environment is read from `<root>/.github/workflows/…`. */
  root: string;
}

/**
 * Who is running this publish, read from environment variables only.
 * First match wins: GitHub Actions, GitLab CI/CD, CircleCI, Google Cloud Build, else unknown.
 * Empty values count as absent, except `GITHUB_WORKFLOW_REF`: set at all, it means GitHub Actions.
 */
export function detectCiIdentity(env: Env, opts: DetectOptions): CiIdentity {
  if (env.GITHUB_ACTIONS === 'true' || env.GITHUB_WORKFLOW_REF !== undefined) return detectGithub(env, opts);
  if (env.GITLAB_CI === 'true') return detectGitlab(env);
  if (env.CIRCLECI === 'true') return detectCircle(env);
  if (value(env, 'BUILD_ID') && (value(env, 'PROJECT_ID') || value(env, 'GOOGLE_CLOUD_PROJECT'))) {
    return detectCloudBuild(env);
  }
  return {
    provider: 'unknown',
    label: PROVIDER_LABELS.unknown,
    oidcAvailable: false,
    verifiable: false,
    reason: NO_PROVIDER_REASON,
  };
}

function detectGithub(env: Env, opts: DetectOptions): CiIdentity {
  const repository = value(env, 'GITHUB_REPOSITORY');
  const workflowRef = value(env, 'GITHUB_WORKFLOW_REF');
  // Never fall back to GITHUB_WORKFLOW: it is the display name, not the file.
  const workflow = parseWorkflowRef(workflowRef)?.workflowPath;
  const ref = value(env, 'GITHUB_REF');
  const job = value(env, 'GITHUB_JOB');

  const identity: CiIdentity = {
    provider: 'github_actions',
    label: PROVIDER_LABELS.github_actions,
    repository,
    workflow,
    workflowRef,
    job,
    ref,
    refName: value(env, 'GITHUB_REF_NAME'),
    refType: githubRefType(value(env, 'GITHUB_REF_TYPE'), ref),
    eventName: value(env, 'GITHUB_EVENT_NAME'),
    runId: value(env, 'GITHUB_RUN_ID'),
    runnerEnvironment: value(env, 'RUNNER_ENVIRONMENT'),
    // The runner sets both only when the job has `permissions: id-token: write`.
    oidcAvailable: Boolean(value(env, 'ACTIONS_ID_TOKEN_REQUEST_URL') && value(env, 'ACTIONS_ID_TOKEN_REQUEST_TOKEN')),
    verifiable: Boolean(repository && workflowRef),
  };

  const fromEnv = value(env, 'GITHUB_ENVIRONMENT') ?? value(env, 'MONOCHANGE_TRUSTED_PUBLISHING_ENVIRONMENT');
  if (fromEnv) {
    identity.environment = fromEnv;
    identity.environmentSource = 'env';
  } else if (workflow && job) {
    const fromFile = readJobEnvironment(opts.root, workflow, job);
    if (fromFile) {
      identity.environment = fromFile;
      identity.environmentSource = 'workflow-file';
    }
  }

  if (workflowRef && !workflow) {
    identity.reason = `GITHUB_WORKFLOW_REF \`${workflowRef}\` is not of the form owner/repo/.github/workflows/<file>.yml@<ref>`;
  }
  return stripUndefined(identity);
}

function githubRefType(refType: string | undefined, ref: string | undefined): CiIdentity['refType'] {
  if (refType === 'tag' || refType === 'branch') return refType;
  if (ref?.startsWith('refs/tags/')) return 'tag';
  if (ref?.startsWith('refs/heads/')) return 'branch';
  return undefined;
}

function detectGitlab(env: Env): CiIdentity {
  const repository = value(env, 'CI_PROJECT_PATH');
  const job = value(env, 'CI_JOB_ID');
  const tag = value(env, 'CI_COMMIT_TAG');
  const refName = value(env, 'CI_COMMIT_REF_NAME') ?? tag;
  const refType = tag ? 'tag' : refName ? 'branch' : undefined;
  const environment = value(env, 'CI_ENVIRONMENT_NAME');
  return stripUndefined<CiIdentity>({
    provider: 'gitlab_ci',
    label: PROVIDER_LABELS.gitlab_ci,
    repository,
    workflow: value(env, 'CI_CONFIG_PATH') ?? '.gitlab-ci.yml',
    job,
    refName,
    refType,
    ref: refName && refType ? `refs/${refType === 'tag' ? 'tags' : 'heads'}/${refName}` : undefined,
    eventName: value(env, 'CI_PIPELINE_SOURCE'),
    runId: value(env, 'CI_PIPELINE_ID'),
    environment,
    environmentSource: environment ? 'env' : undefined,
    // GitLab hands out ID tokens through `id_tokens:` variables; the OIDC module reads those.
    oidcAvailable: false,
    verifiable: Boolean(repository && job),
  });
}

function detectCircle(env: Env): CiIdentity {
  const username = value(env, 'CIRCLE_PROJECT_USERNAME');
  const reponame = value(env, 'CIRCLE_PROJECT_REPONAME');
  const slug = username && reponame ? `gh/${username}/${reponame}` : reponame;
  const workflowId = value(env, 'CIRCLE_WORKFLOW_ID');
  const tag = value(env, 'CIRCLE_TAG');
  const refName = tag ?? value(env, 'CIRCLE_BRANCH');
  return stripUndefined<CiIdentity>({
    provider: 'circleci',
    label: PROVIDER_LABELS.circleci,
    repository: slug,
    job: value(env, 'CIRCLE_JOB'),
    // CircleCI's workflow id identifies the run, not a file.
    runId: workflowId,
    refName,
    refType: tag ? 'tag' : refName ? 'branch' : undefined,
    oidcAvailable: false,
    verifiable: Boolean(slug && workflowId),
  });
}

function detectCloudBuild(env: Env): CiIdentity {
  const projectId = value(env, 'PROJECT_ID') ?? value(env, 'GOOGLE_CLOUD_PROJECT');
  const buildId = value(env, 'BUILD_ID');
  const branch = value(env, 'BRANCH_NAME');
  const tag = value(env, 'TAG_NAME');
  const refName = branch ?? tag;
  return stripUndefined<CiIdentity>({
    provider: 'google_cloud_build',
    label: PROVIDER_LABELS.google_cloud_build,
    repository: value(env, 'REPO_NAME'),
    // A build trigger is Cloud Build's counterpart of a workflow.
    workflow: value(env, 'TRIGGER_NAME'),
    runId: buildId,
    refName,
    refType: branch ? 'branch' : tag ? 'tag' : undefined,
    oidcAvailable: false,
    verifiable: Boolean(projectId && buildId),
    reason: projectId ? `Google Cloud project \`${projectId}\`` : undefined,
  });
}

function value(env: Env, key: string): string | undefined {
  const v = env[key];
  return v === undefined || v === '' ? undefined : v;
}

function stripUndefined<T extends object>(obj: T): T {
  for (const key of Object.keys(obj) as (keyof T)[]) if (obj[key] === undefined) delete obj[key];
  return obj;
}
