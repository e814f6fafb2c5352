import { packageTable } from '../config/key-path';
import type { CiIdentity } from '../ci/types';
import type { MonochangeConfig, PackageConfig } from '../config/types';

/** Where a value of the expected context came from. */
export type ContextSource = 'config' | 'source' | 'runtime';

/** The CI identity (GitHub repository/workflow, or GitLab project/pipeline file) a package may be published from. */
export interface ExpectedContext {
  /** `owner/repo`. */
  repository: string;
  /** Workflow file, relative to `.github/workflows/` (`publish.yml`); on GitLab the pipeline file (`.gitlab-ci.yml`). */
  workflow: string;
  environment?: string;
  sources: {
    repository: ContextSource;
    workflow: Exclude<ContextSource, 'source'>;
    environment?: Exclude<ContextSource, 'source'>;
  };
}

/** GitLab reads the pipeline from this file unless the project says otherwise. */
export const GITLAB_DEFAULT_PIPELINE_FILE = '.gitlab-ci.yml';

export type ContextResolution = { ok: true; context: ExpectedContext } | { ok: false; code: 'trust.context-unresolved'; message: string; fix: string };

/**
 * Expected GitHub context: explicit `publish.trusted_publishing` values first, then `[source]`
 * (repository only), then what the running job exposes. Runtime values come only from the provider
 * the job runs on (a GitLab project path is never taken for a GitHub repository, and the reverse).
 * On GitLab CI/CD the pipeline file defaults to `.gitlab-ci.yml` (GitLab's own default), a fixed
 * expectation that checks `ci_config_ref_uri`, so it counts as configured.
 */
export function resolveExpectedContext(pkg: PackageConfig, config: Pick<MonochangeConfig, 'source'>, identity: CiIdentity): ContextResolution {
  const settings = pkg.publish.trustedPublishing;
  const github = identity.provider === 'github_actions';
  const gitlab = identity.provider === 'gitlab_ci';
  const runtime = github || gitlab;
  const table = packageTable(pkg.id, 'publish', 'trusted_publishing');

  let repository: string | undefined;
  let repositorySource: ContextSource | undefined;
  if (nonBlank(settings.repository)) {
    repository = settings.repository!.trim();
    repositorySource = 'config';
  } else if (config.source && nonBlank(config.source.owner) && nonBlank(config.source.repo)) {
    repository = `${config.source.owner}/${config.source.repo}`;
    repositorySource = 'source';
  } else if (runtime && nonBlank(identity.repository)) {
    repository = identity.repository;
    repositorySource = 'runtime';
  }
  if ((!repository || !repositorySource) && gitlab) {
    return {
      ok: false,
      code: 'trust.context-unresolved',
      message: 'trusted publishing could not determine the GitLab project; set `publish.trusted_publishing.repository`',
      fix: `set \`repository = "group/project"\` under ${table} (or the ecosystem's table), or configure [source] provider = "gitlab" with owner/repo`,
    };
  }
  if (!repository || !repositorySource) {
    return {
      ok: false,
      code: 'trust.context-unresolved',
      message: 'trusted publishing could not determine the GitHub repository; set `publish.trusted_publishing.repository`',
      fix: `set \`repository = "owner/repo"\` under ${table} (or the ecosystem's table), configure [source] owner/repo, or publish from GitHub Actions where GITHUB_REPOSITORY is set`,
    };
  }

  let workflow: string | undefined;
  let workflowSource: 'config' | 'runtime' | undefined;
  if (nonBlank(settings.workflow)) {
    workflow = normalizeWorkflow(settings.workflow!);
    workflowSource = 'config';
  } else if (gitlab) {
    workflow = GITLAB_DEFAULT_PIPELINE_FILE;
    workflowSource = 'config';
  } else if (github && nonBlank(identity.workflow)) {
    workflow = identity.workflow;
    workflowSource = 'runtime';
  }
  if (!workflow || !workflowSource) {
    return {
      ok: false,
      code: 'trust.context-unresolved',
      message: 'trusted publishing could not determine the GitHub workflow; set `publish.trusted_publishing.workflow`',
      fix: `set \`workflow = "publish.yml"\` (the file name under .github/workflows/) under ${table} (or the ecosystem's table), or publish from GitHub Actions where GITHUB_WORKFLOW_REF is set`,
    };
  }

  const context: ExpectedContext = {
    repository,
    workflow,
    sources: { repository: repositorySource, workflow: workflowSource },
  };
  if (nonBlank(settings.environment)) {
    context.environment = settings.environment!.trim();
    context.sources.environment = 'config';
  } else if (runtime && nonBlank(identity.environment)) {
    context.environment = identity.environment;
    context.sources.environment = 'runtime';
  }
  return { ok: true, context };
}

/** ``repository `r`, workflow `w`[, environment `e`]`` as used in outcome messages. */
export function describeContext(context: Pick<ExpectedContext, 'repository' | 'workflow' | 'environment'>): string {
  let text = `repository \`${context.repository}\`, workflow \`${context.workflow}\``;
  if (context.environment) text += `, environment \`${context.environment}\``;
  return text;
}

/** `./.github/workflows/publish.yml` and `.github/workflows/publish.yml` mean `publish.yml`. */
export function normalizeWorkflow(workflow: string): string {
  return workflow
    .trim()
    .replace(/^\.\//, '')
    .replace(/^\.github\/workflows\//, '');
}

function nonBlank(value: string | undefined): boolean {
  return typeof value === 'string' && value.trim() !== '';
}
