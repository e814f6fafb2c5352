import fs from 'node:fs';
import path from 'node:path';
import { MonochangeError } from '../errors';

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
