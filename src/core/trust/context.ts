import type { CiIdentity } from '../ci/types';
import type { MonochangeConfig, PackageConfig } from '../config/types';

/** Where a value of the expected context came from. */
export type ContextSource = 'config' | 'source' | 'runtime';

/** The GitHub identity a package may be published from (reference §4.1). */
export interface ExpectedContext {
  /** `owner/repo`. */
  repository: string;
  /** Workflow file, relative to `.github/workflows/` (`publish.yml`). */
  workflow: string;
  environment?: string;
  sources: {
    repository: ContextSource;
    workflow: Exclude<ContextSource, 'source'>;
    environment?: Exclude<ContextSource, 'source'>;
  };
}

export type ContextResolution =
  | { ok: true; context: ExpectedContext }
  | { ok: false; code: 'trust.context-unresolved'; message: string; fix: string };

/**
 * Expected GitHub context: explicit `publish.trusted_publishing` values first, then `[source]`
 * (repository only), then what the running GitHub Actions job exposes. Runtime values only come
 * from a GitHub Actions identity: a GitLab project path is not a GitHub repository.
 */
export function resolveExpectedContext(
  pkg: PackageConfig,
  config: Pick<MonochangeConfig, 'source'>,
  identity: CiIdentity,
): ContextResolution {
  const settings = pkg.publish.trustedPublishing;
  const github = identity.provider === 'github_actions';
  const table = `[package.${pkg.id}.publish.trusted_publishing]`;

  let repository: string | undefined;
  let repositorySource: ContextSource | undefined;
  if (nonBlank(settings.repository)) {
    repository = settings.repository!.trim();
    repositorySource = 'config';
  } else if (config.source && nonBlank(config.source.owner) && nonBlank(config.source.repo)) {
    repository = `${config.source.owner}/${config.source.repo}`;
    repositorySource = 'source';
  } else if (github && nonBlank(identity.repository)) {
    repository = identity.repository;
    repositorySource = 'runtime';
  }
  if (!repository || !repositorySource) {
    return {
      ok: false,
      code: 'trust.context-unresolved',
      message:
        'trusted publishing could not determine the GitHub repository; set `publish.trusted_publishing.repository`',
      fix: `set \`repository = "owner/repo"\` under ${table} (or the ecosystem's table), configure [source] owner/repo, or publish from GitHub Actions where GITHUB_REPOSITORY is set`,
    };
  }

  let workflow: string | undefined;
  let workflowSource: 'config' | 'runtime' | undefined;
  if (nonBlank(settings.workflow)) {
    workflow = normalizeWorkflow(settings.workflow!);
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
  } else if (github && nonBlank(identity.environment)) {
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
  return workflow.trim().replace(/^\.\//, '').replace(/^\.github\/workflows\//, '');
}

function nonBlank(value: string | undefined): boolean {
  return typeof value === 'string' && value.trim() !== '';
}
