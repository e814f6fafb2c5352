import type { PublishEntry } from '../run/artifact-schema';
import type { PackageTarget } from '../run/target';
import type { TrustGate } from '../trust/gate';

export type EntryPhase = 'planned' | 'done' | 'disabled';
export type EntryBuilder = (status: PublishEntry['status'], message: string, phase: EntryPhase, extra?: Partial<PublishEntry>) => PublishEntry;

/** Builds a package's artifact entries: identity fields once, then status, message and trust outcome per call. */
export function entryBuilder(target: PackageTarget, gate: TrustGate, run: { placeholder: boolean; dryRun: boolean }): EntryBuilder {
  const base = {
    package: target.pkg.id,
    project: target.project,
    ecosystem: target.manifest.ecosystem,
    registry: target.pkg.publish.registry,
    name: target.name,
    version: run.placeholder ? '0.0.0' : target.version,
    placeholder: run.placeholder,
    ...(run.dryRun ? { dryRun: true } : {}),
  };
  return (status, message, phase, extra = {}) => ({
    ...base,
    status,
    message,
    trustedPublishing: gate.outcome(target, phase),
    finishedAt: new Date().toISOString(),
    ...extra,
  });
}
