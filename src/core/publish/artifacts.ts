import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { MonochangeError } from '../errors';
import { PUBLISH_STATUSES, READINESS_STATUSES } from '../types';

/**
 * The artifacts other tools and tests read. Many tasks of one `nx run-many` write one file: each
 * task merges its own entry (replacing its earlier one) under a lock, and writes atomically
 * (temp file + rename), so the file is always valid JSON and no entry is lost.
 */

export const DEFAULT_PUBLISH_RESULT_PATH = '.monochange/publish-result.json';
export const DEFAULT_PLACEHOLDER_RESULT_PATH = '.monochange/placeholder-result.json';
export const DEFAULT_READINESS_PATH = '.monochange/readiness.json';

export const trustOutcomeSchema = z.object({
  status: z.enum(['disabled', 'planned', 'configured', 'manual_action_required']),
  repository: z.string().nullable(),
  workflow: z.string().nullable(),
  environment: z.string().nullable(),
  setupUrl: z.string().nullable(),
  message: z.string(),
});

export const identitySchema = z
  .object({
    provider: z.string(),
    verified: z.boolean(),
    repository: z.string().nullable(),
    workflow: z.string().nullable(),
    environment: z.string().nullable(),
    ref: z.string().nullable(),
    eventName: z.string().nullable(),
    claims: z.record(z.string(), z.string()).optional(),
  })
  .passthrough();

export const publishEntrySchema = z
  .object({
    package: z.string(),
    project: z.string(),
    ecosystem: z.string(),
    registry: z.string(),
    name: z.string(),
    version: z.string(),
    status: z.enum(PUBLISH_STATUSES),
    message: z.string(),
    placeholder: z.boolean(),
    trustedPublishing: trustOutcomeSchema,
    command: z.string().optional(),
    stdout: z.string().optional(),
    stderr: z.string().optional(),
    reason: z.string().optional(),
    blockedBy: z.string().optional(),
    dryRun: z.boolean().optional(),
    attempts: z.number().int().optional(),
    finishedAt: z.string().optional(),
    /** When an earlier run published this version (kept on re-runs that find it on the registry). */
    publishedAt: z.string().optional(),
  })
  .passthrough();

export const publishResultSchema = z.object({
  schemaVersion: z.literal(1),
  kind: z.literal('monochange.publishResult'),
  mode: z.enum(['release', 'placeholder']),
  dryRun: z.boolean(),
  identity: identitySchema.optional(),
  packages: z.array(publishEntrySchema),
});

export const checkSchema = z.object({
  id: z.string(),
  status: z.enum(['pass', 'warn', 'fail']),
  message: z.string(),
  fix: z.string().optional(),
});

export const readinessEntrySchema = z
  .object({
    package: z.string(),
    project: z.string(),
    ecosystem: z.string(),
    registry: z.string(),
    name: z.string(),
    version: z.string(),
    status: z.enum(READINESS_STATUSES),
    message: z.string(),
    checks: z.array(checkSchema),
    trustedPublishing: trustOutcomeSchema,
  })
  .passthrough();

export const readinessSchema = z.object({
  schemaVersion: z.literal(1),
  kind: z.literal('monochange.publishReadiness'),
  status: z.enum(['ready', 'blocked']),
  identity: identitySchema.optional(),
  packages: z.array(readinessEntrySchema),
});

export type PublishEntry = z.infer<typeof publishEntrySchema>;
export type PublishResult = z.infer<typeof publishResultSchema>;
export type ReadinessEntry = z.infer<typeof readinessEntrySchema>;
export type Readiness = z.infer<typeof readinessSchema>;
export type ArtifactIdentity = z.infer<typeof identitySchema>;

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

/**
 * Runs `fn` holding an exclusive lock on `file` (a sibling `.lock` directory holding the owner's
 * pid), waiting for others. A lock whose owner process is dead (or that has no owner long after
 * it was made) is broken; breaking happens under a second `.lock.break` lock and re-checks the
 * owner there, so two waiters can never both break a lock and then both hold a fresh one.
 */
export async function withFileLock<T>(file: string, fn: () => T | Promise<T>, timeoutMs = 60_000): Promise<T> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const lock = `${file}.lock`;
  const started = Date.now();
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (isStaleLock(lock) && breakStaleLock(lock)) continue;
      if (Date.now() - started > timeoutMs) {
        throw new MonochangeError(`timed out waiting for the lock on ${file}`, {
          file,
          code: 'artifact.lock-timeout',
          fix: `if no other publish is running, delete ${lock} and re-run`,
        });
      }
      await new Promise((r) => setTimeout(r, wait + Math.random() * wait));
    }
  }
  try {
    fs.writeFileSync(path.join(lock, 'owner'), String(process.pid));
    return await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** Age after which a lock (or breaker) without a readable owner is considered abandoned. */
const OWNERLESS_STALE_MS = 30_000;

function breakStaleLock(lock: string): boolean {
  const breaker = `${lock}.break`;
  try {
    fs.mkdirSync(breaker);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Someone else is breaking it; a breaker left by a crashed process expires.
    if (ageMs(breaker) > OWNERLESS_STALE_MS) fs.rmSync(breaker, { recursive: true, force: true });
    return false;
  }
  try {
    if (!isStaleLock(lock)) return false;
    fs.rmSync(lock, { recursive: true, force: true });
    return true;
  } finally {
    fs.rmSync(breaker, { recursive: true, force: true });
  }
}

function ageMs(p: string): number {
  try {
    return Date.now() - fs.statSync(p).mtimeMs;
  } catch {
    return 0;
  }
}

function isStaleLock(lock: string): boolean {
  let owner: string;
  try {
    owner = fs.readFileSync(path.join(lock, 'owner'), 'utf8');
  } catch (error) {
    // No owner yet: the holder is between mkdir and writing it, or died there.
    return (error as NodeJS.ErrnoException).code === 'ENOENT' && ageMs(lock) > OWNERLESS_STALE_MS;
  }
  const pid = Number(owner);
  if (!Number.isInteger(pid) || pid <= 0) return ageMs(lock) > OWNERLESS_STALE_MS;
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
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
