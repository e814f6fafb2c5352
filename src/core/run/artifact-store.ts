import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { MonochangeError } from '../errors';
import type { ArtifactIdentity, PublishEntry, PublishResult, Readiness, ReadinessEntry } from './artifact-schema';
import { publishResultSchema, readinessSchema } from './artifact-schema';
import { withFileLock } from './artifact-lock';

/**
 * Reading and writing the artifacts. Many tasks of one `nx run-many` write one file: each task
 * merges its own entry (replacing its earlier one) under a lock, and writes atomically (temp file
 * + rename), so the file is always valid JSON and no entry is lost.
 */

/** Reads an artifact; absent → undefined; unparseable → MonochangeError naming the file. */
export function readArtifact<T>(file: string, schema: z.ZodType<T>): T | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new MonochangeError(`${file} is not valid JSON (${(error as Error).message})`, {
      file,
      code: 'artifact.invalid-json',
      fix: 'delete the file (it is re-created by the next run) or restore it from the CI artifact',
    });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MonochangeError(`${file} does not match the artifact schema at \`${issue.path.join('.')}\`: ${issue.message}`, {
      file,
      code: 'artifact.invalid-schema',
      fix: 'delete the file or write it with the same version of @monochange/nx',
    });
  }
  return parsed.data;
}

/** Writes JSON atomically: a temp file in the same directory, then rename. */
export function writeJsonAtomic(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    fs.writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
    fs.renameSync(tmp, file);
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw error;
  }
}

/** Sorted by package id, then registry, by code point (the same order on every machine and locale). */
function byPackage<E extends { package: string; registry: string }>(a: E, b: E): number {
  return compare(a.package, b.package) || compare(a.registry, b.registry);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Merges one package entry into the publish/placeholder result (replacing its earlier entry). */
export async function mergePublishEntry(
  file: string,
  header: Omit<PublishResult, 'packages' | 'schemaVersion' | 'kind'>,
  entry: PublishEntry,
): Promise<PublishResult> {
  return mergePublishEntries(file, header, () => [entry]);
}

/**
 * Merges entries into the result under one lock. `entries` sees the current entries (of the same
 * mode) so a caller can decide what to add; each returned entry replaces the one of its package
 * and registry. A file of the other mode is moved aside (kept), never silently dropped.
 */
export async function mergePublishEntries(
  file: string,
  header: Omit<PublishResult, 'packages' | 'schemaVersion' | 'kind'>,
  entries: (current: PublishEntry[]) => PublishEntry[],
): Promise<PublishResult> {
  return withFileLock(file, () => {
    let current = readArtifactOrReset(file, publishResultSchema);
    if (current && current.mode !== header.mode) {
      fs.renameSync(file, `${file}.${current.mode}-${Date.now()}`);
      current = undefined;
    }
    const added = entries(current?.packages ?? []);
    const replaced = (p: PublishEntry) => added.some((e) => e.package === p.package && e.registry === p.registry);
    const next: PublishResult = {
      schemaVersion: 1,
      kind: 'monochange.publishResult',
      mode: header.mode,
      dryRun: header.dryRun,
      ...(header.identity ? { identity: header.identity } : current?.identity ? { identity: current.identity } : {}),
      packages: [...(current?.packages ?? []).filter((p) => !replaced(p)), ...added].sort(byPackage),
    };
    writeJsonAtomic(file, next);
    return next;
  });
}

/** Merges one readiness entry; the top-level status is `blocked` when any package is blocked (external packages are `unsupported`, not blocking). */
export async function mergeReadinessEntry(file: string, identity: ArtifactIdentity | undefined, entry: ReadinessEntry): Promise<Readiness> {
  return mergeReadinessEntries(file, identity, [entry]);
}

/** Merges readiness entries under one lock (each replaces the entry of its package and registry). */
export async function mergeReadinessEntries(file: string, identity: ArtifactIdentity | undefined, entries: ReadinessEntry[]): Promise<Readiness> {
  return withFileLock(file, () => {
    const current = readArtifactOrReset(file, readinessSchema);
    const replaced = (p: ReadinessEntry) => entries.some((e) => e.package === p.package && e.registry === p.registry);
    const packages = [...(current ? current.packages.filter((p) => !replaced(p)) : []), ...entries].sort(byPackage);
    const next: Readiness = {
      schemaVersion: 1,
      kind: 'monochange.publishReadiness',
      status: packages.some((p) => p.status === 'blocked') ? 'blocked' : 'ready',
      ...(identity ? { identity } : current?.identity ? { identity: current.identity } : {}),
      packages,
    };
    writeJsonAtomic(file, next);
    return next;
  });
}

/**
 * Coalesces merges for a process that finishes many packages (batch mode): while one write is in
 * flight (and for `minIntervalMs` after it), entries queue and go out together in the next, so
 * 200 packages cost a handful of read-validate-write cycles instead of 200. Each `add` resolves
 * once its entry is on disk.
 */
export function coalescingMerger<E>(merge: (entries: E[]) => Promise<unknown>, options: { minIntervalMs?: number } = {}): (entry: E) => Promise<void> {
  let queue: Array<{ entry: E; done: () => void; failed: (error: unknown) => void }> = [];
  let flushing: Promise<void> | undefined;
  const flush = async (): Promise<void> => {
    while (queue.length) {
      const batch = queue;
      queue = [];
      try {
        await merge(batch.map((q) => q.entry));
        batch.forEach((q) => q.done());
      } catch (error) {
        batch.forEach((q) => q.failed(error));
      }
      // Entries that arrive meanwhile go out together in the next write.
      if (options.minIntervalMs) await new Promise((resolve) => setTimeout(resolve, options.minIntervalMs));
    }
    flushing = undefined;
  };
  return (entry) =>
    new Promise<void>((done, failed) => {
      queue.push({ entry, done, failed });
      flushing ??= Promise.resolve().then(flush);
    });
}

/** A corrupt artifact must not stop a publish: it is moved aside (kept for inspection) and started anew. */
function readArtifactOrReset<T>(file: string, schema: z.ZodType<T>): T | undefined {
  try {
    return readArtifact(file, schema);
  } catch (error) {
    const code = (error as MonochangeError).details?.code;
    if (code !== 'artifact.invalid-json' && code !== 'artifact.invalid-schema') throw error;
    fs.renameSync(file, `${file}.corrupt-${Date.now()}`);
    return undefined;
  }
}

/** Artifact path: the option, else the default; dry runs get a `.dry-run.json` sibling so they never overwrite real outcomes. */
export function artifactPath(root: string, fallback: string, output: string | undefined, dryRun: boolean): string {
  if (output) return path.resolve(root, output);
  const file = dryRun ? fallback.replace(/\.json$/, '.dry-run.json') : fallback;
  return path.resolve(root, file);
}
