import pLimit, { type LimitFunction } from 'p-limit';
import { MonochangeError } from '../errors';
import { redact } from './redact';

/**
 * HTTP for registry lookups: Node's fetch, a timeout, bounded retries with exponential backoff and
 * jitter on network errors, 429 and 5xx (honouring Retry-After), never on other 4xx, and one
 * bounded-concurrency pool per registry so readiness and publish share the same limits.
 */
export interface HttpClientOptions {
  timeoutMs?: number;
  retries?: number;
  /** Concurrent requests per pool key (registry). */
  concurrency?: number;
  fetch?: typeof fetch;
  userAgent?: string;
  /** Base of the exponential backoff, ms. */
  backoffMs?: number;
  /** Upper bound for one wait (Retry-After included), ms. */
  maxWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Clock for HTTP-date Retry-After values (tests). */
  now?: () => number;
  onRetry?: (info: { url: string; attempt: number; waitMs: number; reason: string }) => void;
  /**
   * Answer repeated GETs of the same URL and headers from the first response (in flight or done).
   * Only for read-only runs (readiness): a publish must see the registry as it is now.
   */
  memoize?: boolean;
}

export interface HttpResponse {
  status: number;
  url: string;
  headers: Headers;
  text: string;
}

export interface GetOptions {
  /** Registry label for errors, e.g. `npm registry`. */
  registry: string;
  /** Pool key; defaults to the URL's host. */
  pool?: string;
  headers?: Record<string, string>;
}

export type JsonResult<T> = { found: false; status: number } | { found: true; status: number; json: T };

const RETRYABLE = (status: number) => status === 429 || status >= 500;

export class HttpClient {
  readonly stats = { requests: 0, retries: 0 };
  private readonly pools = new Map<string, LimitFunction>();
  private readonly answered = new Map<string, Promise<HttpResponse>>();
  private readonly opts: Required<Omit<HttpClientOptions, 'onRetry' | 'fetch'>> & Pick<HttpClientOptions, 'onRetry' | 'fetch'>;

  constructor(options: HttpClientOptions = {}) {
    this.opts = {
      timeoutMs: options.timeoutMs ?? 30_000,
      retries: options.retries ?? 3,
      concurrency: options.concurrency ?? 16,
      fetch: options.fetch,
      userAgent: options.userAgent ?? 'monochange-nx',
      backoffMs: options.backoffMs ?? 500,
      maxWaitMs: options.maxWaitMs ?? 30_000,
      sleep: options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
      now: options.now ?? Date.now,
      onRetry: options.onRetry,
      memoize: options.memoize ?? false,
    };
  }

  private pool(key: string): LimitFunction {
    let limiter = this.pools.get(key);
    if (!limiter) {
      limiter = pLimit(this.opts.concurrency);
      this.pools.set(key, limiter);
    }
    return limiter;
  }

  /** GET with retries. Returns the final response whatever its status; throws only when no response came. */
  async get(url: string, options: GetOptions): Promise<HttpResponse> {
    const poolKey = options.pool ?? safeHost(url);
    if (!this.opts.memoize) return this.pool(poolKey)(() => this.getWithRetries(url, options));
    const key = JSON.stringify([url, options.headers ?? {}]);
    let answer = this.answered.get(key);
    if (!answer) {
      answer = this.pool(poolKey)(() => this.getWithRetries(url, options));
      this.answered.set(key, answer);
      // A failure is not remembered: the next ask tries again.
      answer.catch(() => this.answered.delete(key));
    }
    return answer;
  }

  private async getWithRetries(url: string, options: GetOptions): Promise<HttpResponse> {
    const doFetch = this.opts.fetch ?? fetch;
    const { target, authorization } = splitCredentials(url);
    const headers: Record<string, string> = { 'user-agent': this.opts.userAgent, ...(authorization ? { authorization } : {}), ...options.headers };
    const shown = displayUrl(url);
    if (!/^https?:$/.test(safeProtocol(url))) {
      throw new MonochangeError(`${options.registry} lookup failed: \`${shown}\` is not an http(s) URL`, {
        code: 'registry.bad-url',
        fix: 'set the registry URL override to an absolute http:// or https:// URL',
      });
    }
    for (let attempt = 0; ; attempt++) {
      this.stats.requests++;
      let response: HttpResponse | undefined;
      let networkError: string | undefined;
      try {
        const res = await doFetch(target, { headers, signal: AbortSignal.timeout(this.opts.timeoutMs), redirect: 'follow' });
        response = { status: res.status, url, headers: res.headers, text: await res.text() };
      } catch (error) {
        if (!isNetworkError(error)) {
          // Not the network: a URL fetch cannot use. Retrying cannot help.
          throw new MonochangeError(
            `${options.registry} lookup failed: GET ${shown}: ${redact(String((error as Error)?.message ?? error), {}, credentialsOf(url))}`,
            {
              code: 'registry.bad-url',
              fix: 'check the registry URL override (an absolute http(s) URL)',
            },
          );
        }
        networkError = describeNetworkError(error, this.opts.timeoutMs);
      }
      const retryable = response ? RETRYABLE(response.status) : true;
      if (!retryable && response) return response;
      if (attempt >= this.opts.retries) {
        if (response) return response;
        const tries = attempt + 1;
        throw new MonochangeError(`${options.registry} lookup failed: GET ${shown}: ${networkError} (${tries} attempt${tries === 1 ? '' : 's'})`, {
          code: 'registry.unreachable',
          fix: `check that ${safeOrigin(url)} is reachable from this machine (or the registry URL override), then re-run`,
        });
      }
      const waitMs = this.waitFor(attempt, response);
      this.stats.retries++;
      this.opts.onRetry?.({ url: shown, attempt: attempt + 1, waitMs, reason: response ? `HTTP ${response.status}` : String(networkError) });
      await this.opts.sleep(waitMs);
    }
  }

  private waitFor(attempt: number, response?: HttpResponse): number {
    const retryAfter = response?.headers.get('retry-after')?.trim();
    if (retryAfter) {
      // Retry-After is either delay-seconds or an HTTP-date; a date in the past means "now".
      const ms = /^\d+(\.\d+)?$/.test(retryAfter) ? Number(retryAfter) * 1000 : Date.parse(retryAfter) - this.opts.now();
      if (Number.isFinite(ms)) return Math.min(Math.max(0, Math.ceil(ms)), this.opts.maxWaitMs);
    }
    const base = this.opts.backoffMs * 2 ** attempt;
    return Math.min(Math.round(base / 2 + Math.random() * base), this.opts.maxWaitMs);
  }

  /**
   * GET a JSON document: 404 (and 410 when `goneIsAbsent`) → `{found:false}`; 2xx → parsed JSON;
   * anything else, or JSON that does not parse → MonochangeError naming registry and URL.
   */
  async getJson<T = unknown>(url: string, options: GetOptions & { goneIsAbsent?: boolean }): Promise<JsonResult<T>> {
    const res = await this.get(url, options);
    if (res.status === 404 || (options.goneIsAbsent && res.status === 410)) return { found: false, status: res.status };
    if (res.status < 200 || res.status >= 300) throw httpStatusError(options.registry, url, res);
    try {
      return { found: true, status: res.status, json: JSON.parse(res.text) as T };
    } catch (error) {
      throw new MonochangeError(
        `${options.registry} lookup failed: GET ${displayUrl(url)} answered ${res.status} with a body that is not valid JSON (${(error as Error).message})`,
        { code: 'registry.bad-json', fix: `check that the registry URL override points at a real ${options.registry}` },
      );
    }
  }
}

export function httpStatusError(registry: string, url: string, res: HttpResponse): MonochangeError {
  const body = redact(res.text.trim().slice(0, 200).replace(/\s+/g, ' '));
  return new MonochangeError(`${registry} lookup failed: GET ${displayUrl(url)} answered HTTP ${res.status}${body ? ` (${body})` : ''}`, {
    code: 'registry.http-error',
    fix: 'this is not read as "not published"; retry later, or check the registry URL override and the registry status',
  });
}

/** fetch's own failures: a timeout, an abort, or `TypeError: fetch failed` with the socket error as cause. */
function isNetworkError(error: unknown): boolean {
  const e = error as { name?: string; message?: string; cause?: unknown };
  return e?.name === 'TimeoutError' || e?.name === 'AbortError' || e?.message === 'fetch failed' || e?.cause !== undefined;
}

function describeNetworkError(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const code = e?.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  return e?.cause?.message ?? e?.message ?? String(error);
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function safeProtocol(url: string): string {
  try {
    return new URL(url).protocol;
  } catch {
    return '';
  }
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** fetch refuses URLs with credentials: they become a Basic authorization header instead. */
function splitCredentials(url: string): { target: string; authorization?: string } {
  const secrets = credentialsOf(url);
  if (!secrets.length) return { target: url };
  const parsed = new URL(url);
  const userinfo = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
  return { target: displayUrl(url), authorization: `Basic ${Buffer.from(userinfo).toString('base64')}` };
}

function credentialsOf(url: string): string[] {
  try {
    const parsed = new URL(url);
    return [parsed.username, parsed.password, `${parsed.username}:${parsed.password}`].filter((s) => s.length > 0);
  } catch {
    return [];
  }
}

/** The URL as printed in messages: credentials in the userinfo part (from a URL override) never shown. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}
