import type { PreparedUpload, PublishRequest, RegistryAdapter } from '../registries/types';
import type { RunBase } from '../run/run-context';
import type { PackageTarget } from '../run/target';

/** A package of the batch, resolved, with the batch packages it waits for. */
export interface BatchUpload {
  target: PackageTarget;
  /** Package ids of the batch this one publishes after. */
  after: string[];
}

export interface PreparedBatchUploads {
  /** The package's prepared share, once its wave is ready; undefined: it prepares its own upload. */
  preparedUpload(target: PackageTarget): Promise<PreparedUpload | undefined>;
  /** Removes what was prepared (after the batch, whatever happened). */
  dispose(): Promise<void>;
}

/**
 * Before a real batch's uploads: each registry that can share work across uploads
 * (`prepareUploads`, npm: one `npm pack` for every package) does it once for the packages not on
 * the registry yet, in two waves so that the first uploads wait only for their own: the packages
 * with no dependency in the batch, then the rest, prepared while the first wave uploads (one wave
 * for a registry that needs every package at once: `prepareAllAtOnce`). Never
 * granted a credential and never fatal: a package left out prepares its own upload as before.
 */
export function prepareBatchUploads(ctx: RunBase, uploads: BatchUpload[]): PreparedBatchUploads {
  const ids = new Set(uploads.map((u) => u.target.pkg.id));
  const first = uploads.filter((u) => u.target.adapter?.prepareAllAtOnce || !u.after.some((id) => ids.has(id)));
  const rest = uploads.filter((u) => !first.includes(u));
  const waveOf = new Map<string, Promise<Map<string, PreparedUpload>>>();
  const disposers: Array<() => Promise<void>> = [];
  const firstWave = prepareWave(ctx, first, disposers);
  const secondWave = firstWave.then(() => prepareWave(ctx, rest, disposers));
  for (const u of first) waveOf.set(u.target.pkg.id, firstWave);
  for (const u of rest) waveOf.set(u.target.pkg.id, secondWave);
  return {
    async preparedUpload(target) {
      const wave = waveOf.get(target.pkg.id);
      return wave ? (await wave).get(target.pkg.id) : undefined;
    },
    async dispose() {
      await Promise.allSettled([firstWave, secondWave]);
      await Promise.allSettled(disposers.map((d) => d()));
    },
  };
}

async function prepareWave(ctx: RunBase, uploads: BatchUpload[], disposers: Array<() => Promise<void>>): Promise<Map<string, PreparedUpload>> {
  const prepared = new Map<string, PreparedUpload>();
  const byAdapter = new Map<RegistryAdapter, PackageTarget[]>();
  for (const { target } of uploads) {
    if (!target.adapter?.prepareUploads || target.manifest.private) continue;
    byAdapter.set(target.adapter, [...(byAdapter.get(target.adapter) ?? []), target]);
  }
  await Promise.all(
    [...byAdapter].map(async ([adapter, targets]) => {
      const pending = await notYetPublished(ctx, adapter, targets);
      if (!pending.length) return;
      try {
        const result = await adapter.prepareUploads!(
          pending.map((t) => requestFor(ctx, t)),
          ctx.runner,
        );
        disposers.push(result.dispose);
        result.uploads.forEach((upload, i) => upload && prepared.set(pending[i].pkg.id, upload));
      } catch {
        // nothing prepared: each package prepares its own upload and reports what fails there
      }
    }),
  );
  return prepared;
}

/** Packages already on the registry (or whose lookup fails: their own task reports it) are not prepared. */
async function notYetPublished(ctx: RunBase, adapter: RegistryAdapter, targets: PackageTarget[]): Promise<PackageTarget[]> {
  const exists = await Promise.all(targets.map((t) => adapter.versionExists(t.manifest, t.version, { env: ctx.env, http: ctx.http }).catch(() => true)));
  return targets.filter((_, i) => !exists[i]);
}

function requestFor(ctx: RunBase, target: PackageTarget): PublishRequest {
  return {
    root: ctx.root,
    pkg: target.pkg,
    manifest: target.manifest,
    version: target.version,
    dryRun: false,
    provenance: false,
    trustedPublishing: target.pkg.publish.trustedPublishing.enabled,
    source: ctx.config.source,
    env: ctx.env,
  };
}
