import type { Env } from '../types';
import type { CommandResult } from '../util/command';
import { redact } from '../util/redact';
import type { PublishAttempt } from './types';

/** Turns a finished publish command into a PublishAttempt: status, a short message, redacted output. */
export interface AttemptInput extends SummaryOptions {
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
      let message = failedCommandMessage(command, result.exitCode, summarizeOutput(stderr, stdout, input));
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

/** Which lines of a tool's output a summary leaves out, and a prefix stripped from each line. */
export interface SummaryOptions {
  /** Lines that carry no information (progress, notices, log-file pointers). */
  noise?: readonly RegExp[];
  /** Prefix removed from every output line (e.g. `npm error `). */
  linePrefix?: RegExp;
  /** How many lines at most (default 3). */
  max?: number;
}

const COMMON_NOISE: RegExp[] = [/^Stack backtrace:/i, /^\d+: </, /^\s*at /];
const ERROR_WORDS = /\b(err|errors?|fatal|denied|forbidden|unauthori[sz]ed|refused|rejected)\b/i;
// Case-sensitive: npm/pnpm codes (ERR!, ERR_PNPM_…, E404, ENEEDAUTH), not every long word starting with "e".
const ERROR_CODES = /\bERR!|\bERR_[A-Z0-9_]+|\bE[0-9]{3}\b|\bE[A-Z]{4,}\b/;

/**
 * The summary of a command's output used in every message about it: the lines that look like errors
 * (stderr first, then stdout), else the last lines of stderr (of stdout when stderr says nothing),
 * where tools say why they stopped. At most `max` lines, each cut at 300 characters, joined with
 * ` | `; `''` when the output says nothing. Pass output that is already redacted.
 */
export function summarizeOutput(stderr: string, stdout: string, options: SummaryOptions = {}): string {
  const noise = [...COMMON_NOISE, ...(options.noise ?? [])];
  const max = options.max ?? 3;
  const meaningful = (text: string) =>
    stripAnsi(text)
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line && !noise.some((re) => re.test(line)));
  const strip = (lines: string[]) => lines.map((line) => (options.linePrefix ? line.replace(options.linePrefix, '').trim() : line)).filter(Boolean);
  const errLines = meaningful(stderr);
  const outLines = meaningful(stdout);
  const errors = strip([...errLines, ...outLines].filter((line) => ERROR_WORDS.test(line) || ERROR_CODES.test(line)));
  const picked = errors.length ? errors.slice(0, max) : strip(errLines.length ? errLines : outLines).slice(-max);
  return picked.map((line) => (line.length > 300 ? `${line.slice(0, 297)}...` : line)).join(' | ');
}

/**
 * The one wording of a command that ran and failed: "`<command>` failed (exit <code>): <summary>",
 * without the colon part when the output says nothing. `command` and `summary` must be redacted already.
 */
export function failedCommandMessage(command: string, exitCode: number, summary: string): string {
  return `\`${command}\` failed (exit ${exitCode})${summary ? `: ${summary}` : ''}`;
}

/** What went wrong with a command that did not succeed: it could not start, was interrupted, or failed (`failedCommandMessage`). Output must be redacted already. */
export function commandFailure(command: string, result: FinishedCommand, options: SummaryOptions = {}): string {
  if (result.spawnError) return `\`${command}\` could not start: ${result.spawnError}`;
  if (result.interrupted) return `\`${command}\` was interrupted`;
  return failedCommandMessage(command, result.exitCode, summarizeOutput(result.stderr, result.stdout, options));
}
