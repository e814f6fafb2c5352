import { formatError, isMonochangeError } from '../errors';
import type { PublishAttempt } from '../registries/types';

/**
 * The upload loop shared by release and placeholder publishing. It never uploads twice: a retry
 * only follows a failure that looks transient (network, timeout, 429, 5xx), and only after a
 * lookup shows the version is still absent (the first upload may have gone through with only its
 * answer lost). Authentication failures and deterministic failures are never retried.
 */
export interface UploadLoop {
  upload: () => Promise<PublishAttempt>;
  /** Runs before every upload (e.g. `paceUpload`); an error refuses the upload (reason `rate_limit`). */
  beforeUpload?: () => Promise<void>;
  /** Is the version on the registry now? */
  lookup: () => Promise<boolean>;
  /** Upload attempts at most (default 2). */
  maxAttempts?: number;
  /** Wait before the second attempt; doubled for each later one (default 5000 ms). */
  retryDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Aborted by SIGINT/SIGTERM: no new upload starts. */
  signal?: AbortSignal;
  onRetry?: (attempt: number, maxAttempts: number, waitMs: number, why: string) => void;
}

export type UploadOutcome =
  | { kind: 'planned' | 'published'; attempt: PublishAttempt; attempts: number }
  /** On the registry although no upload reported success: `lost_answer` (found before a retry) or `refused` (the registry said "exists" and a lookup agrees). */
  | { kind: 'existing'; how: 'lost_answer' | 'refused'; attempt: PublishAttempt; attempts: number }
  | { kind: 'failed'; reason: FailureReason; message: string; attempt?: PublishAttempt; attempts: number };

export type FailureReason = 'auth' | 'conflict' | 'upload_failed' | 'lookup_failed' | 'interrupted' | 'rate_limit' | 'error';

const TRANSIENT = [
  /\bE(CONNRESET|CONNREFUSED|TIMEDOUT|PIPE|AI_AGAIN|NETUNREACH|HOSTUNREACH)\b/,
  /socket hang up/i,
  /connection (was )?(reset|closed|refused)/i,
  /timed? ?out/i,
  /(?<![.\d])(429|502|503|504)(?![.\d])/,
  /too many requests/i,
  /service unavailable|bad gateway|gateway time-?out/i,
  /network (error|is unreachable)|spurious network error/i,
  /unexpected EOF|premature close/i,
];

/** Does a failed attempt look like the network or an overloaded registry rather than the package? */
export function isTransientFailure(attempt: Pick<PublishAttempt, 'message' | 'stdout' | 'stderr'>): boolean {
  const text = `${attempt.message}\n${attempt.stderr ?? ''}\n${attempt.stdout ?? ''}`;
  return TRANSIENT.some((re) => re.test(text));
}

export async function runUploadLoop(loop: UploadLoop): Promise<UploadOutcome> {
  const maxAttempts = Math.max(1, loop.maxAttempts ?? 2);
  const sleep = loop.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const interrupted = (attempts: number, attempt?: PublishAttempt): UploadOutcome => ({
    kind: 'failed',
    reason: 'interrupted',
    message: 'interrupted by a signal; re-run to finish (the registry is checked first, nothing is uploaded twice)',
    attempt,
    attempts,
  });
  let last: PublishAttempt | undefined;
  for (let n = 1; n <= maxAttempts; n++) {
    if (loop.signal?.aborted) return interrupted(n - 1, last);
    if (n > 1) {
      try {
        if (await loop.lookup()) return { kind: 'existing', how: 'lost_answer', attempt: last!, attempts: n - 1 };
      } catch (error) {
        return {
          kind: 'failed',
          reason: 'lookup_failed',
          message: `${last!.message}; not retried because the lookup before a retry failed: ${formatError(error)}`,
          attempt: last,
          attempts: n - 1,
        };
      }
      const waitMs = (loop.retryDelayMs ?? 5000) * 2 ** (n - 2);
      loop.onRetry?.(n, maxAttempts, waitMs, last!.message);
      await sleep(waitMs);
      if (loop.signal?.aborted) return interrupted(n - 1, last);
    }
    if (loop.beforeUpload) {
      try {
        await loop.beforeUpload();
      } catch (error) {
        return { kind: 'failed', reason: 'rate_limit', message: formatError(error), attempt: last, attempts: n - 1 };
      }
      if (loop.signal?.aborted) return interrupted(n - 1, last);
    }
    let attempt: PublishAttempt;
    try {
      attempt = await loop.upload();
    } catch (error) {
      const message = isMonochangeError(error) ? error.message : `unexpected error: ${formatError(error)}`;
      return { kind: 'failed', reason: 'error', message, attempts: n };
    }
    if (attempt.status === 'planned' || attempt.status === 'published') return { kind: attempt.status, attempt, attempts: n };
    last = attempt;
    if (loop.signal?.aborted) return interrupted(n, attempt);
    if (attempt.alreadyExists) {
      let confirmed = false;
      let lookupError = '';
      try {
        confirmed = await loop.lookup();
      } catch (error) {
        lookupError = formatError(error);
      }
      if (confirmed) return { kind: 'existing', how: 'refused', attempt, attempts: n };
      const why = lookupError ? `the lookup to confirm it failed: ${lookupError}` : 'a lookup does not find it (yet)';
      return {
        kind: 'failed',
        reason: 'conflict',
        message: `${attempt.message}; the registry answered that this version already exists, but ${why}. Fix: re-run in a few minutes (registry indexes can lag); if it persists, check that the version was not published and then deleted or yanked`,
        attempt,
        attempts: n,
      };
    }
    if (attempt.authFailure) return { kind: 'failed', reason: 'auth', message: attempt.message, attempt, attempts: n };
    if (!isTransientFailure(attempt)) return { kind: 'failed', reason: 'upload_failed', message: attempt.message, attempt, attempts: n };
  }
  return { kind: 'failed', reason: 'upload_failed', message: last!.message, attempt: last, attempts: maxAttempts };
}
