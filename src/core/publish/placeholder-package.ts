import { formatError } from '../errors';
import type { PublishEntry } from '../run/artifact-schema';
import { entryBuilder } from './entry';
import { placeholderReadme } from './placeholder-readme';
import { packageLabel, progress, shownName } from '../run/progress';
import { entryForOutcome, type PublishDeps } from './publish-package';
import type { PackageTarget } from '../run/target';
import { runUploadLoop } from './upload-attempts';

export interface PlaceholderOptions {
  dryRun: boolean;
  /** After the placeholder exists, configure the registry's trusted publisher where it can be automated (npm). */
  configureTrust?: (target: PackageTarget) => Promise<{ ok: boolean; message: string }>;
}

/**
 * Placeholder publish: publish `0.0.0` for a package absent from its
 * registry (any version present → skipped_existing). Dry runs list what would be published and
 * mutate nothing. Never trust-enforced: a placeholder is how a package gets to exist at all.
 */
export async function publishPlaceholder(target: PackageTarget, options: PlaceholderOptions, deps: PublishDeps): Promise<PublishEntry> {
  const { pkg, manifest, adapter, name } = target;
  const eco = manifest.ecosystem;
  const shown = shownName(target.project, name);
  const entry = entryBuilder(target, deps.gate, { placeholder: true, dryRun: options.dryRun });

  if (!adapter) {
    const message = 'package opted out of built-in publishing';
    progress.skipped(deps.log, eco, shown, message);
    return entry('skipped_external', message, 'disabled');
  }
  const anyVersion = () => adapter.versionExists(manifest, null, { env: deps.env, http: deps.http });
  progress.checking(deps.log, eco, shown, 'any version', adapter.label);
  let exists: boolean;
  try {
    exists = await anyVersion();
  } catch (error) {
    const message = formatError(error);
    progress.failed(deps.log, eco, shown, message);
    return entry('failed', message, 'disabled', { reason: 'lookup_failed' });
  }
  let result: PublishEntry;
  if (exists) {
    const message = `${name} already exists on ${adapter.label}; no placeholder needed`;
    progress.skipped(deps.log, eco, shown, message);
    result = entry('skipped_existing', message, 'done');
  } else {
    let readme: string;
    try {
      readme = placeholderReadme(deps.root, pkg, name);
    } catch (error) {
      const message = formatError(error);
      progress.failed(deps.log, eco, shown, message);
      return entry('failed', message, 'disabled', { reason: 'readme' });
    }
    if (!options.dryRun) progress.publishing(deps.log, eco, shown, '0.0.0 (placeholder)', adapter.label);
    const outcome = await runUploadLoop({
      upload: () =>
        adapter.publishPlaceholder(
          { root: deps.root, pkg, manifest, dryRun: options.dryRun, trustedPublishing: false, source: deps.source, env: deps.env, log: deps.log, readme },
          deps.runner,
        ),
      lookup: anyVersion,
      maxAttempts: deps.maxAttempts,
      retryDelayMs: deps.retryDelayMs,
      sleep: deps.sleep,
      signal: deps.signal,
      beforeUpload: !options.dryRun && deps.beforeUpload ? () => deps.beforeUpload!(target) : undefined,
      onRetry: (attempt, max, waitMs, why) =>
        deps.log(
          `↻ ${packageLabel(eco, shown)} is not on ${adapter.label} after a failed placeholder upload (${why}); retrying in ${Math.round(waitMs / 1000)}s (attempt ${attempt} of ${max})`,
        ),
    });
    result = entryForOutcome(outcome, {
      entry,
      log: deps.log,
      eco,
      shown,
      adapter,
      manifest,
      existing: (how) =>
        how === 'lost_answer'
          ? `${name} is on ${adapter.label} after a placeholder upload whose answer was lost; not uploaded again`
          : `${name} already exists on ${adapter.label}; no placeholder needed`,
    });
    // Only a placeholder that is on the registry now gets its trusted publisher configured.
    if (result.status !== 'published' && result.status !== 'skipped_existing') return result;
  }
  if (options.configureTrust && !options.dryRun) {
    const trust = await options.configureTrust(target).catch((error: unknown) => ({ ok: false, message: formatError(error) }));
    (trust.ok ? progress.published : progress.failed)(deps.log, eco, shown, trust.message);
    result = {
      ...result,
      trustedPublishing: { ...result.trustedPublishing, status: trust.ok ? 'configured' : 'manual_action_required', message: trust.message },
    };
    if (!trust.ok) result = { ...result, status: 'failed', reason: 'trust_setup', message: `${result.message}; ${trust.message}` };
  }
  return result;
}
