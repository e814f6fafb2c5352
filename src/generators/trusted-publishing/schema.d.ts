export interface TrustedPublishingGeneratorSchema {
  /** CI system: `github` (GitHub Actions) or `gitlab` (GitLab CI/CD); default: `[source] provider`, else `gitlab` when `.gitlab-ci.yml` exists. */
  ci?: 'github' | 'gitlab';
  /** Ecosystems to configure; default: those of the packages declared in monochange.toml. */
  ecosystems?: string[] | string;
  /** GitHub repository `owner/repo` (GitLab: project path `group/project`); default: `[source]` of monochange.toml, else the `origin` remote. */
  repository?: string;
  /** Workflow file name under .github/workflows (default `publish.yml`). */
  workflow?: string;
  /** GitHub environment of the publish job (default `publisher`); `""` for none. */
  environment?: string;
  /** Require registry provenance where the registry supports it (npm, JSR). Default true. */
  provenance?: boolean;
  /** `release` (release published, default), `tag` (tag push) or `manual` (workflow_dispatch). */
  trigger?: 'release' | 'tag' | 'manual';
  /** Limit to these `[package.<id>]` ids (package-level settings are written). */
  packages?: string[] | string;
  /** Only edit monochange.toml; write no workflow. */
  skipWorkflow?: boolean;
  /** Skip formatting the files the generator changed. */
  skipFormat?: boolean;
}
