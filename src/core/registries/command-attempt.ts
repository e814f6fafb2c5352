import type { Env } from '../types';
import type { CommandResult } from '../util/command';
import { redact } from '../util/redact';
import type { PublishAttempt } from './types';

/** Turns a finished publish command into a PublishAttempt: status, a short message, redacted output. */
export interface AttemptInput {
  /** Rendered command (already redacted). */
  command: string;
  result: CommandResult;
  /** Environment whose secret values are redacted from the output. */
  env: Env;
  dryRun: boolean;
  /** Message when the command succeeded. */
  successMessage: string;
  /** The registry's "this version already exists" answer. */
  isAlreadyPublished(output: string): boolean;
  /** Exit 0 although nothing was published because the version existed (deno skips, exit 0). */
  isSkippedExisting?(output: string): boolean;
  /** Authentication/permission failure (never retried). */
  isAuthFailure?(output: string): boolean;
  /** Appended to the message of an authentication failure: what to fix. */
  authFix?: string;
  /** What to do when the program could not be started. */
  spawnFix?: string;
  /** Lines that carry no information (progress, notices, log-file pointers). */
  noise?: RegExp[];
  /** Prefix removed from every output line (e.g. `npm error `). */
  linePrefix?: RegExp;
}

export function attemptFromResult(input: AttemptInput): PublishAttempt {
  const { result, command } = input;
  const stdout = redact(result.stdout, input.env);
  const stderr = redact(result.stderr, input.env);
  const output = stripAnsi(`${stderr}\n${stdout}`);
  const base = { command, stdout, stderr };

  if (result.spawnError) {
    const fix = input.spawnFix ? ` Fix: ${input.spawnFix}` : '';
    return { ...base, status: 'failed', message: `\`${command}\` could not start: ${redact(result.spawnError, input.env)}.${fix}` };
  }
  if (result.interrupted) return { ...base, status: 'failed', message: `\`${command}\` was interrupted` };

  if (result.exitCode === 0) {
    if (input.isSkippedExisting?.(output)) {
      return { ...base, status: 'failed', alreadyExists: true, message: `\`${command}\` published nothing: ${summarizeOutput(stderr, stdout, input)}` };
    }
    return { ...base, status: input.dryRun ? 'planned' : 'published', message: input.successMessage };
  }

  const summary = summarizeOutput(stderr, stdout, input);
  const alreadyExists = input.isAlreadyPublished(output);
  const authFailure = !alreadyExists && Boolean(input.isAuthFailure?.(output));
  let message = `\`${command}\` failed: ${summary || `exit code ${result.exitCode}`}`;
  if (authFailure && input.authFix) message += `${/[.!?]$/.test(message) ? '' : '.'} Fix: ${input.authFix}`;
  return {
    ...base,
    status: 'failed',
    message,
    ...(alreadyExists ? { alreadyExists: true } : {}),
    ...(authFailure ? { authFailure: true } : {}),
  };
}

const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

const COMMON_NOISE: RegExp[] = [/^Stack backtrace:/i, /^\d+: </, /^\s*at /];

/**
 * The few lines that say what went wrong: error lines first (up to `max`, default 3), else the first
 * meaningful lines of stderr, then stdout. Joined with ` | `.
 */
export function summarizeOutput(stderr: string, stdout: string, options: { noise?: RegExp[]; linePrefix?: RegExp; max?: number } = {}): string {
  const noise = [...COMMON_NOISE, ...(options.noise ?? [])];
  const lines = stripAnsi(`${stderr}\n${stdout}`)
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !noise.some((re) => re.test(line)));
  const errors = lines.filter((line) => /\berr(or)?\b|\bERR!|\bE[0-9]{3}\b|\bE[A-Z]{4,}\b/i.test(line));
  const strip = (line: string) => (options.linePrefix ? line.replace(options.linePrefix, '').trim() : line);
  return (errors.length ? errors : lines)
    .map(strip)
    .filter(Boolean)
    .slice(0, options.max ?? 3)
    .map((line) => (line.length > 300 ? `${line.slice(0, 297)}...` : line))
    .join(' | ');
}
