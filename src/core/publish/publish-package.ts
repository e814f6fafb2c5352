import { formatError } from '../errors';
import type { SourceConfig } from '../config/types';
import type { Manifest } from '../manifests/types';
import type { PreparedUpload, RegistryAdapter } from '../registries/types';
import type { Ecosystem, Env } from '../types';
import type { CommandRunner } from '../util/command';
import type { HttpClient } from '../util/http';
import type { PublishEntry } from '../run/artifact-schema';
import { entryBuilder, type EntryBuilder } from './entry';
import { packageLabel, progress, shownName, type Logger } from '../run/progress';
import type { PackageTarget } from '../run/target';
import type { GateVerdict, TrustGate } from '../trust/gate';
import { runUploadLoop, type UploadOutcome } from './upload-attempts';

export interface PublishDeps {
  root: string;
  source?: SourceConfig;
  env: Env;
  http: HttpClient;
  runner: CommandRunner;
  gate: TrustGate;
  log: Logger;
  /** Upload attempts at most; only transient failures are retried, each after a lookup (default 2). */
  maxAttempts?: number;
  /** Wait before a retry, doubled for each later one (default 5000 ms). */
  retryDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /**
   * Runs before every real upload attempt, after the lookup and the trust gate: pass
   * `(t) => paceUpload({ root, registry: t.pkg.publish.registry, packageId: t.pkg.id, onWait })`.
   * A thrown error blocks the package (reason `rate_limit`) without uploading.
   */
  beforeUpload?: (target: PackageTarget) => Promise<void>;
  /** Aborted on SIGINT/SIGTERM (see `withInterruptHandling`): no upload starts after it. */
  signal?: AbortSignal;
  /** Readiness blockers known for this package (e.g. Cargo's missing license). */
  blockers?: (target: PackageTarget) => string[];
  /** This package's share of the batch's prepared uploads (npm: its tarball, packed with the others). */
  prepared?: (target: PackageTarget) => Promise<PreparedUpload | undefined>;
}

export interface PublishOptions {
  dryRun: boolean;
  /** Entries of the earlier result artifact: completed ones are kept, not re-published. */
  previous?: PublishEntry[];
}

/**
 * The per-package state machine: external → skipped_external; already on
 * the registry → skipped_existing (remembering when an earlier run published it); blockers → blocked; trust and
 * provenance (real runs) → blocked before any upload; upload with a lookup before every retry, and
 * "already exists" answers confirmed by a lookup → skipped_existing; else published or failed.
 */
export async function publishPackage(target: PackageTarget, options: PublishOptions, deps: PublishDeps): Promise<PublishEntry> {
  const { pkg, manifest, adapter, name, version } = target;
  const eco = manifest.ecosystem;
  const shown = shownName(target.project, name);
  const entry = entryBuilder(target, deps.gate, { placeholder: false, dryRun: options.dryRun });

  if (!adapter) {
    const message = `package opted out of built-in publishing (mode = "${pkg.publish.mode}", registry \`${pkg.publish.registry}\`)`;
    progress.skipped(deps.log, eco, shown, message);
    return entry('skipped_external', message, 'disabled');
  }

  // The registry is the truth: even a package an earlier run published is looked up again (a
  // cheap GET), so a re-run reports it skipped_existing and remembers when it was published.
  const earlier = options.dryRun
    ? undefined
    : options.previous?.find((p) => p.package === pkg.id && p.registry === pkg.publish.registry && p.version === version && !p.placeholder && !p.dryRun);
  const publishedAt = earlier?.status === 'published' ? (earlier.publishedAt ?? earlier.finishedAt) : earlier?.publishedAt;
  const earlierPublish = publishedAt ? { publishedAt } : {};

  const lookup = () => adapter.versionExists(manifest, version, { env: deps.env, http: deps.http });
  progress.checking(deps.log, eco, shown, version, adapter.label);
  let exists: boolean;
  try {
    exists = await lookup();
  } catch (error) {
    const message = formatError(error);
    progress.failed(deps.log, eco, shown, message);
    return entry('failed', message, 'disabled', { reason: 'lookup_failed' });
  }
  if (exists) {
    const by = earlierPublish.publishedAt ? ` (published by an earlier run at ${earlierPublish.publishedAt})` : '';
    const message = `${name} ${version} already exists on ${adapter.label}${by}`;
    progress.skipped(deps.log, eco, shown, message);
    return entry('skipped_existing', message, 'done', earlierPublish);
  }

  let blockers: string[];
  try {
    blockers = deps.blockers?.(target) ?? [];
  } catch (error) {
    blockers = [formatError(error)];
  }
  if (blockers.length) {
    const message = `${name} ${version} is not ready to publish to ${adapter.label}: ${blockers.join('; ')}`;
    progress.blocked(deps.log, eco, shown, message);
    return entry('blocked', message, 'planned', { reason: 'readiness' });
  }

  // A dry run asks the same questions as the real run (it only skips the upload): a package the
  // real run would refuse is not reported as one it "would publish".
  // A gate that cannot decide refuses: nothing is uploaded without a positive answer.
  const verdict = await deps.gate
    .check(target)
    .catch((error: unknown): GateVerdict => ({ allowed: false, code: 'trust.check-failed', reason: `the trust checks could not run: ${formatError(error)}` }));
  if (!verdict.allowed) {
    progress.blocked(deps.log, eco, shown, verdict.reason);
    return entry('blocked', verdict.reason, 'planned', { reason: verdict.code });
  }
  const provenance = options.dryRun ? false : verdict.provenance;
  for (const warning of verdict.warnings) progress.warn(deps.log, eco, shown, warning);
  if (options.dryRun && pkg.publish.trustedPublishing.enabled && adapter.trust.newPackage === 'placeholder-first') {
    let anyVersion = true;
    try {
      anyVersion = await adapter.versionExists(manifest, null, { env: deps.env, http: deps.http });
    } catch {
      // the real run does not ask; an unanswered lookup does not block the dry run
    }
    if (!anyVersion) {
      const message = `${name} does not exist on ${adapter.label}, and ${adapter.label} cannot create a package through trusted publishing, so the real run would fail; publish a placeholder first: \`nx run ${target.project}:placeholder-publish\``;
      progress.blocked(deps.log, eco, shown, message);
      return entry('blocked', message, 'planned', { reason: 'registry.package-missing' });
    }
  }

  const request = {
    root: deps.root,
    pkg,
    manifest,
    version,
    dryRun: options.dryRun,
    provenance,
    trustedPublishing: pkg.publish.trustedPublishing.enabled,
    source: deps.source,
    env: deps.env,
    log: deps.log,
    prepared: options.dryRun ? undefined : await deps.prepared?.(target),
  };
  if (!options.dryRun) progress.publishing(deps.log, eco, shown, version, adapter.label);
  const outcome = await runUploadLoop({
    upload: () => adapter.publish(request, deps.runner),
    lookup,
    maxAttempts: deps.maxAttempts,
    retryDelayMs: deps.retryDelayMs,
    sleep: deps.sleep,
    signal: deps.signal,
    beforeUpload: !options.dryRun && deps.beforeUpload ? () => deps.beforeUpload!(target) : undefined,
    onRetry: (attempt, max, waitMs, why) =>
      deps.log(
        `↻ ${packageLabel(eco, shown)} ${version} is not on ${adapter.label} after a failed upload (${why}); retrying in ${Math.round(waitMs / 1000)}s (attempt ${attempt} of ${max})`,
      ),
  });
  return entryForOutcome(outcome, {
    entry,
    log: deps.log,
    eco,
    shown,
    adapter,
    manifest,
    existing: (how) =>
      how === 'lost_answer'
        ? `${name} ${version} is on ${adapter.label} after an upload whose answer was lost; not uploaded again`
        : `${name} ${version} already exists on ${adapter.label} (the registry refused a re-upload)`,
    published: () => ({ publishedAt: new Date().toISOString() }),
  });
}

/** What `entryForOutcome` needs besides the outcome; the two messages that differ between publish and placeholder publish are the caller's. */
export interface OutcomeEntryContext {
  entry: EntryBuilder;
  log: Logger;
  eco: Ecosystem;
  /** The package as progress lines name it (`shownName`). */
  shown: string;
  adapter: Pick<RegistryAdapter, 'label' | 'setupUrl'>;
  manifest: Manifest;
  /** Message of a package found on the registry although no upload reported success. */
  existing: (how: Extract<UploadOutcome, { kind: 'existing' }>['how']) => string;
  /** Extra fields of a `published` entry. */
  published?: () => Partial<PublishEntry>;
}

/**
 * The one mapping from an upload loop's outcome to the artifact entry and its progress line:
 * planned, published, already there (`skipped_existing`), a rate limit (`blocked`: nothing was
 * uploaded, it waits for the next window) or failed (an authentication failure always with a fix).
 */
export function entryForOutcome(outcome: UploadOutcome, ctx: OutcomeEntryContext): PublishEntry {
  const { entry, log, eco, shown, adapter } = ctx;
  const extra = outcome.attempt ? pick(outcome.attempt) : {};
  switch (outcome.kind) {
    case 'planned':
      progress.planned(log, eco, shown, outcome.attempt.message);
      return entry('planned', outcome.attempt.message, 'planned', extra);
    case 'published':
      progress.published(log, eco, shown, outcome.attempt.message);
      return entry('published', outcome.attempt.message, 'done', { ...extra, attempts: outcome.attempts, ...ctx.published?.() });
    case 'existing': {
      const message = ctx.existing(outcome.how);
      progress.skipped(log, eco, shown, message);
      return entry('skipped_existing', message, 'done', { ...extra, attempts: outcome.attempts });
    }
    case 'failed': {
      const message = outcome.reason === 'auth' ? withAuthFix(outcome.message, adapter.label, adapter.setupUrl(ctx.manifest)) : outcome.message;
      if (outcome.reason === 'rate_limit') {
        progress.blocked(log, eco, shown, message);
        return entry('blocked', message, 'planned', { ...extra, attempts: outcome.attempts, reason: outcome.reason });
      }
      progress.failed(log, eco, shown, message);
      return entry('failed', message, 'disabled', { ...extra, attempts: outcome.attempts, reason: outcome.reason });
    }
  }
}

/** An authentication failure always says what to fix, even when the adapter had nothing specific. */
export function withAuthFix(message: string, label: string, setupUrl: string): string {
  if (/\bFix:/.test(message)) return message;
  return `${message}${/[.!?]$/.test(message) ? '' : '.'} Fix: ${label} refused the credentials of this job; check that the trusted publisher configured at ${setupUrl} names this repository, workflow file and environment (and that the job has \`id-token: write\`), then re-run`;
}

/** The command and its output of an attempt, for the artifact (empty strings omitted). */
export function pick(a: { command?: string; stdout?: string; stderr?: string }): Partial<PublishEntry> {
  const out: Partial<PublishEntry> = {};
  if (a.command) out.command = a.command;
  if (a.stdout) out.stdout = a.stdout;
  if (a.stderr) out.stderr = a.stderr;
  return out;
}
