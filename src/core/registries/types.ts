import type { CiIdentity, ProviderId } from '../ci/types';
import type { MonochangeConfig, PackageConfig, SourceConfig } from '../config/types';
import type { Manifest } from '../manifests/types';
import type { ReadinessCheck, ReadinessContext } from '../readiness/types';
import type { Check, Env, RegistryId } from '../types';
import type { CommandRunner } from '../util/command';
import type { HttpClient } from '../util/http';

/**
 * One registry behind one interface. Everything specific to a registry (URLs, lookups, publish
 * commands, placeholder files, "already exists" answers, setup pages, quotas, trusted-publishing
 * rules, what its CI job needs, its own readiness checks) lives in its own files; the rest of the
 * code asks the adapter.
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
  /** Page where a maintainer sets up trusted publishing for this package. */
  setupUrl(manifest: Manifest): string;
  /** Does command output show the registry's "this version already exists" answer? */
  isAlreadyPublishedOutput(output: string): boolean;
  /** CLIs the publish command needs, for readiness (`npm`, `cargo`, `deno`, `dart`, `uv`, `git`). */
  requiredTools(manifest: Manifest): string[];
  /** What this registry's trusted publishing accepts and checks; the trust gate asks only this. */
  readonly trust: RegistryTrustRules;
  /** Publish quota, the same for release and placeholder publishes. */
  readonly rateLimit: RateLimitPolicy;
  /** Public page of one published version, linked from CI reports. */
  versionPageUrl(name: string, version: string): string;
  /** What the manifest lacks for this registry, known before any upload (Cargo metadata); absent: nothing. */
  manifestBlockers?(manifest: Manifest): string[];
  /** Readiness checks that only this registry's packages get (metadata, dry runs, tags…). */
  readonly readinessChecks?: ReadinessCheck;
  /** Readiness: config files holding a credential the registry's CLI would use instead of OIDC (npm: `.npmrc`). */
  readonly credentialFileCheck?: (ctx: ReadinessContext) => Check;
  /**
   * Batch runs: work many uploads share, done once ahead of them (npm: one `npm pack` for all the
   * packages), never granted a credential. Each request's share reaches `publish` as `req.prepared`;
   * a request given none does that work itself, as outside a batch.
   */
  prepareUploads?(reqs: PublishRequest[], runner: CommandRunner): Promise<PreparedUploads>;
  /** `prepareUploads` needs the whole batch at once (cargo verifies each crate against the others' packaged sources); else it is called in waves. */
  readonly prepareAllAtOnce?: boolean;
}

/** What `prepareUploads` did, one entry per request in the same order (undefined: nothing prepared). */
export interface PreparedUploads {
  uploads: Array<PreparedUpload | undefined>;
  /** Removes what was prepared (temp dirs), after the batch. */
  dispose(): Promise<void>;
}

export interface PreparedUpload {
  /** The command that did this package's share, shown before its upload command. */
  command: string;
  /** The file it produced that the upload sends (npm: the tarball); none when the upload makes its own (cargo). */
  artifact?: string;
}

export interface RateLimitEvidence {
  title: string;
  url: string;
  kind: 'source_code' | 'official';
  notes: string;
}

export interface RateLimitPolicy {
  registry: RegistryId;
  /** Uploads allowed per window; null = no documented quota. */
  limit: number | null;
  windowSeconds: number | null;
  confidence: 'high' | 'medium' | 'low';
  notes: string;
  evidence: RateLimitEvidence[];
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
  /** Long-lived token variables in the environment that the registry's client would use instead of OIDC. */
  tokenVariables?: RefusedTokenVariables;
  /**
   * A variable the OIDC exchange itself fills (crates.io: `CARGO_REGISTRY_TOKEN` from
   * rust-lang/crates-io-auth-action), so its presence cannot be judged: readiness passes with `note`.
   */
  exchangedTokenVariable?: { name: string; note: string };
  /**
   * Trusted publishing and a package that does not exist yet: the registry cannot create it
   * (`placeholder-first`: publish a placeholder, then configure the publisher), it is created and
   * linked by hand (`link-first`), or the first trusted publish creates it (`created-by-publish`).
   */
  newPackage: 'placeholder-first' | 'link-first' | 'created-by-publish';
  /** Tag-bound registries: why a run of another ref may not publish, and what else to set up on the registry. */
  releaseTagRule?: { why: string; registrySetup?: string };
  /**
   * No registry-side trusted publishing to configure (Go): the outcome messages say what is
   * planned and what holds instead, given the package name and the expected context.
   */
  withoutRegistrySetup?: { planned(name: string, context: string): string; configured(name: string, context: string): string };
  /** The plugin can register the trusted publisher on the registry itself (npm `npm trust`), after a placeholder publish. */
  configurePublisher?(input: PublisherSetup): Promise<{ ok: boolean; message: string }>;
  /** What the publish workflow or pipeline needs for this registry. */
  ci: RegistryCiRules;
}

export interface RefusedTokenVariables {
  /** The refused variables present in `env`, sorted (npm: `registryUrl` decides which host-scoped ones apply). */
  present(env: Env, registryUrl?: string): string[];
  /** The refusal the publish gate gives when some are present. */
  message(pkgId: string, keys: string[]): string;
}

export interface PublisherSetup {
  manifest: Pick<Manifest, 'name' | 'dir'>;
  pkg: PackageConfig;
  config: Pick<MonochangeConfig, 'source'>;
  identity: CiIdentity;
  runner: CommandRunner;
  env: Env;
}

/** A GitLab `id_tokens:` entry: the variable a client reads and the audience to declare. */
export interface GitlabIdToken {
  name: string;
  aud: string;
}

/** How the CI job that publishes to this registry must look (generators, readiness and the workflow audit). */
export interface RegistryCiRules {
  /**
   * The release needs no OIDC token (Go pushes a tag): the readiness id-token checks pass with
   * these messages (`identity`: the job's identity check, `workflow`: the workflow file check).
   */
  noIdToken?: { identity: string; workflow: string };
  /** GitLab: the ID token the registry's client exchanges, and the audiences it accepts. */
  gitlabIdToken?: GitlabIdToken & { accepts(aud: string): boolean };
  /** GitLab: the token that signs provenance, declared when provenance is required. */
  gitlabProvenanceIdToken?: GitlabIdToken;
  /** GitLab: shell lines the publish job runs before installing dependencies (tool checks). */
  gitlabScript?: string[];
  /** GitHub: an action a publish job must use (the audit's error otherwise). */
  githubRequiredAction?: { action: string; message: string; fix: string };
  /** GitHub: the workflow may only be triggered by a tag push (the audit's error otherwise). */
  githubTagOnly?: { message: string; fix: string };
  /** GitHub: readiness fails a workflow without a tag-push trigger (`why` follows the trigger list). */
  githubTagPushTrigger?: { why: string; fix: string };
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
  /** This package's share of the batch's `prepareUploads` (real runs only). */
  prepared?: PreparedUpload;
}

export interface PlaceholderRequest extends Omit<PublishRequest, 'version' | 'provenance' | 'prepared'> {
  /** README text, resolved by `placeholderReadme`. */
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
