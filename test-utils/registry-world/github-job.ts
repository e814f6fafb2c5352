import type { Claims, LoopbackOidcIssuer } from '../oidc-issuer';

/**
 * The simulated GitHub Actions job: one identity from which both the runner's environment
 * variables and the OIDC claims are derived, so they agree unless a test makes them disagree.
 */
export interface GithubJob {
  owner: string;
  repo: string;
  /** Workflow file name under `.github/workflows/`. */
  workflow: string;
  /** Job id (`GITHUB_JOB`). */
  job: string;
  /** Deployment environment of the job (the `environment` claim); `null`: none. */
  environment: string | null;
  /** Full ref, e.g. `refs/tags/v1.0.0` or `refs/heads/main`. */
  ref: string;
  eventName: 'push' | 'release' | 'workflow_dispatch';
  /** Commit; default: HEAD of the workspace when it is a git repo. */
  sha?: string;
  repositoryId: string;
  repositoryOwnerId: string;
  runId: string;
  runnerEnvironment: 'github-hosted' | 'self-hosted';
  visibility: 'public' | 'private' | 'internal';
}

export const DEFAULT_JOB: GithubJob = {
  owner: 'acme',
  repo: 'widgets',
  workflow: 'publish.yml',
  job: 'publish',
  environment: 'release',
  ref: 'refs/tags/v1.0.0',
  eventName: 'push',
  repositoryId: '123456',
  repositoryOwnerId: '7890',
  runId: '4242',
  runnerEnvironment: 'github-hosted',
  visibility: 'public',
};

/** As long as GitHub's tokens live; the loopback issuer moves `iat`/`exp` to each request. */
const TOKEN_LIFETIME_SECONDS = 300;

export function jobClaims(issuer: LoopbackOidcIssuer, job: GithubJob, sha: string): Claims {
  const repository = `${job.owner}/${job.repo}`;
  const workflowRef = `${repository}/.github/workflows/${job.workflow}@${job.ref}`;
  const now = Math.floor(Date.now() / 1000);
  return issuer.claims({
    sub: job.environment ? `repo:${repository}:environment:${job.environment}` : `repo:${repository}:ref:${job.ref}`,
    iat: now - 5,
    nbf: now - 5,
    exp: now + TOKEN_LIFETIME_SECONDS,
    repository,
    repository_id: job.repositoryId,
    repository_owner: job.owner,
    repository_owner_id: job.repositoryOwnerId,
    repository_visibility: job.visibility,
    workflow_ref: workflowRef,
    job_workflow_ref: workflowRef,
    ref: job.ref,
    ref_type: job.ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    sha,
    event_name: job.eventName,
    environment: job.environment ?? undefined,
    runner_environment: job.runnerEnvironment,
    run_id: job.runId,
    run_attempt: '1',
  });
}

/**
 * What the runner puts in the job's environment. GitHub sets no variable for the deployment
 * environment: the plugin reads it from the workflow file (or the OIDC claims), so neither does this.
 */
export function jobEnv(issuer: LoopbackOidcIssuer, job: GithubJob, sha: string): Record<string, string> {
  const repository = `${job.owner}/${job.repo}`;
  return {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: repository,
    GITHUB_REPOSITORY_OWNER: job.owner,
    GITHUB_REPOSITORY_ID: job.repositoryId,
    GITHUB_REPOSITORY_OWNER_ID: job.repositoryOwnerId,
    GITHUB_WORKFLOW: job.workflow.replace(/\.ya?ml$/, ''),
    GITHUB_WORKFLOW_REF: `${repository}/.github/workflows/${job.workflow}@${job.ref}`,
    GITHUB_REF: job.ref,
    GITHUB_REF_NAME: job.ref.replace(/^refs\/(heads|tags)\//, ''),
    GITHUB_REF_TYPE: job.ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    GITHUB_SHA: sha,
    GITHUB_EVENT_NAME: job.eventName,
    GITHUB_JOB: job.job,
    GITHUB_RUN_ID: job.runId,
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    RUNNER_ENVIRONMENT: job.runnerEnvironment,
    ACTIONS_ID_TOKEN_REQUEST_URL: issuer.tokenUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: issuer.requestToken,
  };
}

/** `[source]` and `[source.oidc]` of monochange.toml for the loopback issuer. */
export function renderSourceToml(owner: string, repo: string, issuerUrl: string): string {
  return [
    '[source]',
    'provider = "github"',
    `owner = ${JSON.stringify(owner)}`,
    `repo = ${JSON.stringify(repo)}`,
    '',
    '[source.oidc]',
    `issuer = ${JSON.stringify(issuerUrl)}`,
    '',
  ].join('\n');
}
