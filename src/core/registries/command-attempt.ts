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

/** A finished command with its output already redacted: what every command→attempt reading looks at. */
export interface FinishedCommand {
  exitCode: number;
  stdout: string;
  stderr: string;
  spawnError?: string;
  interrupted?: boolean;
}

/** What a registry's tool says in its output, for `commandEnd`. */
export interface CommandEndRules {
  /** The registry's "this version already exists" answer. */
  isAlreadyPublished(output: string): boolean;
  /** Exit 0 although nothing was published because the version existed (deno skips, exit 0). */
  isSkippedExisting?(output: string): boolean;
  /** What to fix when the output shows an authentication/permission failure (`''`: one, with nothing to add); undefined otherwise. */
  authFix(output: string): string | undefined;
}

export type CommandEnd =
  | { kind: 'spawn-error'; error: string }
  | { kind: 'interrupted' }
  | { kind: 'succeeded' }
  | { kind: 'skipped-existing' }
  | { kind: 'failed'; alreadyExists: boolean; authFix?: string };

/**
 * How a finished command ended: the one reading, for every registry's tool, of a command that could
 * not start, was interrupted, succeeded (or succeeded without publishing, the version being there),
 * or failed, and whether a failure is the registry's "already exists" answer or an authentication
 * failure (never both: an "already exists" answer came from a registry that accepted the credentials).
 */
export function commandEnd(step: FinishedCommand, rules: CommandEndRules): CommandEnd {
  if (step.spawnError) return { kind: 'spawn-error', error: step.spawnError };
  if (step.interrupted) return { kind: 'interrupted' };
  const output = stripAnsi(`${step.stderr}\n${step.stdout}`);
  if (step.exitCode === 0) return rules.isSkippedExisting?.(output) ? { kind: 'skipped-existing' } : { kind: 'succeeded' };
  const alreadyExists = rules.isAlreadyPublished(output);
  const authFix = alreadyExists ? undefined : rules.authFix(output);
  return { kind: 'failed', alreadyExists, ...(authFix !== undefined ? { authFix } : {}) };
}

/** Appends `Fix: <fix>` to a message as a new sentence. */
export function withFix(message: string, fix: string): string {
  return `${message}${/[.!?]$/.test(message) ? '' : '.'} Fix: ${fix}`;
}

export function attemptFromResult(input: AttemptInput): PublishAttempt {
  const { result, command } = input;
  const stdout = redact(result.stdout, input.env);
  const stderr = redact(result.stderr, input.env);
  const base = { command, stdout, stderr };
  const end = commandEnd({ ...result, stdout, stderr }, { ...input, authFix: (output) => (input.isAuthFailure?.(output) ? (input.authFix ?? '') : undefined) });
  switch (end.kind) {
    case 'spawn-error': {
      const fix = input.spawnFix ? ` Fix: ${input.spawnFix}` : '';
      return { ...base, status: 'failed', message: `\`${command}\` could not start: ${redact(end.error, input.env)}.${fix}` };
    }
    case 'interrupted':
      return { ...base, status: 'failed', message: `\`${command}\` was interrupted` };
    case 'skipped-existing':
      return { ...base, status: 'failed', alreadyExists: true, message: `\`${command}\` published nothing: ${summarizeOutput(stderr, stdout, input)}` };
    case 'succeeded':
      return { ...base, status: input.dryRun ? 'planned' : 'published', message: input.successMessage };
    case 'failed': {
      let message = `\`${command}\` failed: ${summarizeOutput(stderr, stdout, input) || `exit code ${result.exitCode}`}`;
      if (end.authFix) message = withFix(message, end.authFix);
      return {
        ...base,
        status: 'failed',
        message,
        ...(end.alreadyExists ? { alreadyExists: true } : {}),
        ...(end.authFix !== undefined ? { authFailure: true } : {}),
      };
    }
  }
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
