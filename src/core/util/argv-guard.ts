import { MonochangeError } from '../errors';
import { redact } from './redact';

/**
 * Checks for values from the environment or from config/manifests before they reach a command's
 * argv (always argv, never a shell): a value starting with `-` would be read as an option, and a
 * URL or git remote with an unexpected scheme can make git run programs (`ext::`, `--upload-pack`).
 * Each guard returns the value unchanged or throws a MonochangeError naming where it came from.
 */
export interface GuardOptions {
  /** Where the value comes from: `MONOCHANGE_GO_REMOTE`, `[package.api] path`, … */
  source: string;
  /** Program that would receive it, for the message (default: "the command"). */
  tool?: string;
  /** What the value becomes when it is derived from `source`, e.g. `the git tag`. */
  what?: string;
  /** Advice instead of the guard's own. */
  fix?: string;
}

export interface UrlGuardOptions extends GuardOptions {
  /** Accept `file:` URLs (local GOPROXY folders, local git remotes). */
  allowFile?: boolean;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const SPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f]/;
/** git's `<transport>::<address>` syntax (`ext::`, `fd::`, any remote helper). */
const GIT_TRANSPORT = /^[A-Za-z][A-Za-z0-9+.-]*::/;
const URL_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
const SCP_LIKE = /^(?:[A-Za-z0-9_.~+][A-Za-z0-9_.~+-]*@)?[A-Za-z0-9][A-Za-z0-9.-]*:/;
const REMOTE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._/-]*$/;
/** `-`, also percent-encoded (ssh URLs keep `%2D` as written). */
const DASH_START = /^(-|%2d)/i;
const USERINFO = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/?#]*@/;
const MAX_SHOWN = 200;

const REMOTE_FIX = 'a remote name such as origin, or an https://, ssh://, git@host:path or file:// URL';

/** A value for messages: URL userinfo removed, token shapes redacted, quoted, shortened. */
export function displayValue(value: string): string {
  const bare = redact(stripUserinfo(value));
  return JSON.stringify(bare.length > MAX_SHOWN ? `${bare.slice(0, MAX_SHOWN - 1)}…` : bare);
}

/** `https://user:secret@host/x` → `https://host/x`; anything else unchanged. */
export function stripUserinfo(value: string): string {
  return value.replace(USERINFO, '$1');
}

/** `https://token@host/x` → `https://***@host/x`: shows that credentials are there, not what they are. */
export function maskUserinfo(value: string): string {
  return value.replace(USERINFO, '$1***@');
}

/** Refuses a value that starts with `-` (an option to nearly every CLI). */
export function assertSafeArg(value: string, options: GuardOptions): string {
  if (value.startsWith('-')) {
    const tool = options.tool ?? 'the command';
    throw refuse(
      'argv.leading-dash',
      `${subject(value, options)}, which starts with "-", so ${tool} would read it as an option`,
      value,
      options,
      `change ${options.source} so it does not start with "-"`,
    );
  }
  return value;
}

/** https: anywhere, http: only on 127.0.0.1/localhost/[::1], file: only with `allowFile`. */
export function assertSafeUrl(value: string, options: UrlGuardOptions): string {
  const fix = `set ${options.source} to an https:// URL${options.allowFile ? ' or a file:// URL' : ''} (http:// only for 127.0.0.1, localhost or [::1])`;
  assertSafeArg(value, { fix, ...options });
  assertPlainText(value, options, fix);
  const url = parseUrl(value, options, fix);
  const allowed = url.protocol === 'https:' || (url.protocol === 'file:' && options.allowFile === true);
  if (allowed) return value;
  if (url.protocol === 'http:') {
    if (LOOPBACK_HOSTS.has(url.hostname)) return value;
    throw refuse('argv.insecure-url', `${subject(value, options)}, a plain http:// URL to a host that is not this machine`, value, options, fix);
  }
  throw refuse('argv.url-scheme', `${subject(value, options)}, whose scheme ${url.protocol} is not allowed`, value, options, fix);
}

/**
 * A git remote name, an https:// (http:// on loopback), ssh:// or file:// URL, or scp-like
 * `user@host:path`. Never a `<transport>::` address, another URL scheme or a bare path.
 */
export function assertSafeGitRemote(value: string, options: GuardOptions): string {
  const named = { ...options, tool: options.tool ?? 'git' };
  const fix = `set ${options.source} to ${REMOTE_FIX}`;
  if (value.startsWith('-')) {
    throw refuse('argv.leading-dash', `${subject(value, named)}, which starts with "-", so git would read it as an option, not a remote`, value, named, fix);
  }
  if (GIT_TRANSPORT.test(value)) {
    throw refuse(
      'argv.git-transport',
      `${subject(value, named)}, which asks git for the "${value.split('::')[0]}::" transport that can run programs`,
      value,
      named,
      fix,
    );
  }
  assertPlainText(value, named, fix);
  if (URL_SCHEME.test(value)) return assertRemoteUrl(value, named, fix);
  if (value.includes(':')) return assertScpLike(value, named, fix);
  if (REMOTE_NAME.test(value)) return value;
  throw refuse(
    'argv.git-remote',
    `${subject(value, named)}, which is neither a remote name nor an allowed URL`,
    value,
    named,
    `${fix} (write a local repository as file:///absolute/path)`,
  );
}

function assertRemoteUrl(value: string, options: GuardOptions, fix: string): string {
  const url = parseUrl(value, options, fix);
  if (url.protocol === 'ssh:') {
    if (DASH_START.test(url.hostname) || DASH_START.test(url.username)) {
      throw refuse(
        'argv.leading-dash',
        `${subject(value, options)}, whose ssh host or user starts with "-", so ssh would read it as an option`,
        value,
        options,
        fix,
      );
    }
    return value;
  }
  return assertSafeUrl(value, { ...options, allowFile: true, fix: options.fix ?? fix });
}

function assertScpLike(value: string, options: GuardOptions, fix: string): string {
  if (SCP_LIKE.test(value)) return value;
  throw refuse('argv.git-remote', `${subject(value, options)}, which is neither a remote name nor an allowed URL`, value, options, fix);
}

function assertPlainText(value: string, options: GuardOptions, fix: string): void {
  if (!SPACE_OR_CONTROL.test(value)) return;
  throw refuse('argv.whitespace', `${subject(value, options)}, which contains whitespace or control characters`, value, options, fix);
}

function parseUrl(value: string, options: GuardOptions, fix: string): URL {
  try {
    return new URL(value);
  } catch {
    throw refuse('argv.invalid-url', `${subject(value, options)}, which is not a URL`, value, options, fix);
  }
}

/** `MONOCHANGE_X is "…"` or `[package.a] path gives the git tag "…"`. */
function subject(value: string, options: GuardOptions): string {
  return `${options.source} ${options.what ? `gives ${options.what}` : 'is'} ${displayValue(value)}`;
}

function refuse(code: string, problem: string, value: string, options: GuardOptions, defaultFix: string): MonochangeError {
  return new MonochangeError(problem, { code, key: options.source, found: displayValue(value), fix: options.fix ?? defaultFix });
}
