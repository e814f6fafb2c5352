/**
 * User-facing errors. Every mistake a user can make (bad TOML, unknown key, wrong type, missing
 * manifest field, mismatched CI context) is a MonochangeError whose message names the file, the
 * key or package, what was found and what to do. Executors and the plugin print `message` only,
 * never a stack trace, for these.
 */
export interface ErrorDetails {
  /** Stable machine-readable code, e.g. `config.unknown-key`. */
  code?: string;
  /** File the problem is in (absolute or workspace-relative). */
  file?: string;
  line?: number;
  column?: number;
  /** Dotted key path (`package.web.publish.registry`) or package id. */
  key?: string;
  /** What was found, already rendered (e.g. `"pub.dev" (string)`). */
  found?: string;
  /** What to do about it. */
  fix?: string;
}

export class MonochangeError extends Error {
  readonly details: ErrorDetails;
  /** The problem alone, without location and fix. */
  readonly problem: string;

  constructor(problem: string, details: ErrorDetails = {}) {
    super(renderMessage(problem, details));
    this.name = 'MonochangeError';
    this.problem = problem;
    this.details = details;
  }
}

export function isMonochangeError(error: unknown): error is MonochangeError {
  return error instanceof MonochangeError || (error instanceof Error && error.name === 'MonochangeError');
}

function renderMessage(problem: string, d: ErrorDetails): string {
  let location = '';
  if (d.file) {
    location = d.file;
    if (d.line !== undefined) location += `:${d.line}${d.column !== undefined ? `:${d.column}` : ''}`;
  }
  const parts: string[] = [];
  parts.push(location ? `${location}: ${problem}` : problem);
  if (d.found !== undefined && !problem.includes(d.found)) parts.push(`(found ${d.found})`);
  let message = parts.join(' ');
  if (d.fix) message += `${/[.!?]$/.test(message) ? '' : '.'} Fix: ${d.fix}`;
  return message;
}

/** Text for the user: the clear message for our errors, the stack for bugs. */
export function formatError(error: unknown): string {
  if (isMonochangeError(error)) return error.message;
  if (error instanceof Error) return error.stack ?? error.message;
  return String(error);
}
