/** CI identity as detected from the environment, later verified from OIDC claims. */

export const PROVIDERS = ['github_actions', 'gitlab_ci', 'circleci', 'google_cloud_build', 'unknown'] as const;
export type ProviderId = (typeof PROVIDERS)[number];

export const PROVIDER_LABELS: Record<ProviderId, string> = {
  github_actions: 'GitHub Actions',
  gitlab_ci: 'GitLab CI/CD',
  circleci: 'CircleCI',
  google_cloud_build: 'Google Cloud Build',
  unknown: 'unknown CI provider',
};

export interface CiIdentity {
  provider: ProviderId;
  /** Human label, e.g. `GitHub Actions`. */
  label: string;
  /** `owner/repo` (GitHub), project path (GitLab), slug (CircleCI), repo name (GCB). */
  repository?: string;
  /** Workflow file name, e.g. `publish.yml` (GitHub, from `GITHUB_WORKFLOW_REF`). */
  workflow?: string;
  /** Full workflow ref, e.g. `o/r/.github/workflows/publish.yml@refs/tags/v1.0.0`. */
  workflowRef?: string;
  /** Job id (`GITHUB_JOB`, `CI_JOB_ID`, `CIRCLE_JOB`). */
  job?: string;
  /** Deployment environment of the job (env var, else read from the workflow YAML). */
  environment?: string;
  /** Where `environment` came from. */
  environmentSource?: 'env' | 'workflow-file' | 'oidc';
  /** Full ref (`refs/tags/v1.2.3`) when known. */
  ref?: string;
  /** Short ref name (`v1.2.3`, `main`). */
  refName?: string;
  refType?: 'branch' | 'tag';
  eventName?: string;
  runId?: string;
  /** GitHub: `ACTIONS_ID_TOKEN_REQUEST_URL` and `_TOKEN` are both present (id-token: write). */
  oidcAvailable: boolean;
  /** Enough identifying variables are present. Never true for `unknown`. */
  verifiable: boolean;
  /** `github-hosted` | `self-hosted` when known. */
  runnerEnvironment?: string;
  /** Why no provider was detected, or other detection notes. */
  reason?: string;
  /** Set when the identity was confirmed from a signature-verified OIDC token (issue 7). */
  verified?: boolean;
  /** Verified claims used (never the token itself). */
  claims?: Record<string, string>;
}
