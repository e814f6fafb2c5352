import type { ProviderId } from '../ci/types';
import type { PackageConfig, SourceConfig } from '../config/types';
import type { Manifest } from '../manifests/types';
import type { Env, RegistryId } from '../types';
import type { CommandRunner } from '../util/command';
import type { HttpClient } from '../util/http';

/**
 * One registry behind one interface. Everything specific to a registry (URLs, lookups, publish
 * commands, placeholder files, "already exists" answers, setup pages) lives in its own file.
 */
export interface RegistryAdapter {
  readonly id: RegistryId;
  /** Display name: `npm`, `crates.io`, `JSR`, `pub.dev`, `PyPI`, `Go proxy`. */
  readonly label: string;
  /** Environment variable overriding the lookup base URL (and the publish target). */
  readonly baseUrlEnv: string;
  readonly defaultBaseUrl: string;
  /** Base URL for lookups, honouring the override env var (no trailing slash). */
  baseUrl(env: Env): string;
  /** Name used on the registry (Go: module path). */
  registryName(manifest: Manifest): string;
  /**
   * Is `version` of the package on the registry (`version === null`: is any version there, used
   * for placeholders)? 404 means absent; any other failure throws a MonochangeError naming the
   * registry and the URL. Never spawns a CLI.
   */
  versionExists(manifest: Manifest, version: string | null, ctx: LookupContext): Promise<boolean>;
  /** Release publish (dry run: side-effect-free dry-run command, or the planned command only). */
  publish(req: PublishRequest, runner: CommandRunner): Promise<PublishAttempt>;
  /** Placeholder `0.0.0` publish from files written to a temp dir that is always removed. */
  publishPlaceholder(req: PlaceholderRequest, runner: CommandRunner): Promise<PublishAttempt>;
  /** Page where a maintainer sets up trusted publishing for this package (reference §5.7). */
  setupUrl(manifest: Manifest): string;
  /** Does command output show the registry's "this version already exists" answer? */
  isAlreadyPublishedOutput(output: string): boolean;
  /** CLIs the publish command needs, for readiness (`npm`, `cargo`, `deno`, `dart`, `uv`, `git`). */
  requiredTools(manifest: Manifest): string[];
  /** What this registry's trusted publishing accepts and checks; the trust gate asks only this. */
  readonly trust: RegistryTrustRules;
}

/** The trusted-publishing rules of one registry, in one place. */
export interface RegistryTrustRules {
  claims: RegistryClaimRules;
  capabilities: RegistryCapabilities;
  /**
   * Tag-bound registries (pub.dev, Go): the exact tags a release of `version` may run from, the
   * one to push first. Absent: any ref may publish.
   */
  releaseTags?(manifest: Manifest, version: string): string[];
  /**
   * No registry checks the publisher (Go tags): the expected repository must come from
   * monochange.toml, never from the running job.
   */
  pinnedRepositoryRequired?: boolean;
  /**
   * A long-lived credential the registry's CLI would fall back to when the OIDC exchange fails
   * (environment or config files it loads), named without its value; undefined when none.
   */
  credentialRefusal?(input: CredentialScan): { code: string; reason: string } | undefined;
}

export interface CredentialScan {
  pkgId: string;
  env: Env;
  /** Workspace root and the package's directory (config files are looked up from both). */
  root: string;
  packageDir: string;
}

/** How the registry compares a signed token's claims with its trusted publisher. */
export interface RegistryClaimRules {
  label: string;
  /** Which claim names the workflow file the registry checks. */
  workflowClaim: 'workflow_ref' | 'job_workflow_ref';
  repositoryCase: 'exact' | 'insensitive';
  environmentCase: 'exact' | 'insensitive';
  /** Caller and called workflow must be the same (the registry does not support reusable workflows). */
  refuseReusable: boolean;
  /**
   * The job's own workflow (job_workflow_ref) must live in the released repository: where no
   * registry checks the workflow (Go tags, JSR, pub.dev), a third party's reusable workflow
   * would otherwise publish under our name.
   */
  requireLocalJobWorkflow: boolean;
  /** Only a tag ref equal to one of the release tags may publish. */
  tagOnly: boolean;
  /** Narrower than the general publish events, where the registry says so. */
  allowedEvents?: readonly string[];
  /** Provenance is generated only on hosted runners of public repositories (warned before upload). */
  provenanceNeedsPublicHostedRun?: boolean;
}

/** What a registry supports for trusted publishing. */
export interface RegistryCapabilities {
  supportedProviders: ProviderId[];
  trustedPublishing: boolean;
  registrySetupVerifiable: boolean;
  registrySetupAutomation: boolean;
  registryNativeProvenance: boolean;
  /** Our built-in publisher can make the upload carry provenance (npm `--provenance`, JSR). */
  adapterCanRequireProvenance: boolean;
  /** Registry documentation on trusted publishing (not the per-package setup page). */
  docsUrl: string | null;
  notes: string[];
}

export interface LookupContext {
  env: Env;
  http: HttpClient;
}

export interface PublishRequest {
  /** Absolute workspace root. */
  root: string;
  pkg: PackageConfig;
  manifest: Manifest;
  /** Version being published (manifest's, or supplied for Go). */
  version: string;
  dryRun: boolean;
  /** Add the registry's provenance flag (npm `--provenance`). */
  provenance: boolean;
  /** Trusted publishing on for this package (e.g. uv `--trusted-publishing always`). */
  trustedPublishing: boolean;
  source?: SourceConfig;
  env: Env;
  /** Where to send progress lines. */
  log?: (line: string) => void;
}

export interface PlaceholderRequest extends Omit<PublishRequest, 'version' | 'provenance'> {
  /** README text resolved per reference §6.3. */
  readme: string;
}

export interface PublishAttempt {
  status: 'published' | 'planned' | 'failed';
  message: string;
  /** Rendered command (credentials redacted), or the planned command for dry runs. */
  command?: string;
  stdout?: string;
  stderr?: string;
  /** Output shows the registry's "already exists" answer (caller confirms with a lookup). */
  alreadyExists?: boolean;
  /** Failure is an authentication/permission problem: never retried. */
  authFailure?: boolean;
}
