import pLimit, { type LimitFunction } from 'p-limit';
import { MonochangeError } from '../errors';

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
  onRetry?: (info: { url: string; attempt: number; waitMs: number; reason: string }) => void;
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
      onRetry: options.onRetry,
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
    return this.pool(poolKey)(() => this.getWithRetries(url, options));
  }

  private async getWithRetries(url: string, options: GetOptions): Promise<HttpResponse> {
    const doFetch = this.opts.fetch ?? fetch;
    for (let attempt = 0; ; attempt++) {
      this.stats.requests++;
      let response: HttpResponse | undefined;
      let networkError: string | undefined;
      try {
        const res = await doFetch(url, {
          headers: { 'user-agent': this.opts.userAgent, ...options.headers },
          signal: AbortSignal.timeout(this.opts.timeoutMs),
          redirect: 'follow',
        });
        response = { status: res.status, url, headers: res.headers, text: await res.text() };
      } catch (error) {
        networkError = describeNetworkError(error, this.opts.timeoutMs);
      }
      const retryable = response ? RETRYABLE(response.status) : true;
      if (!retryable && response) return response;
      if (attempt >= this.opts.retries) {
        if (response) return response;
        throw new MonochangeError(`${options.registry} lookup failed: GET ${url}: ${networkError}`, {
          code: 'registry.unreachable',
          fix: `check that ${safeOrigin(url)} is reachable from this machine (or the registry URL override), then re-run`,
        });
      }
      const waitMs = this.waitFor(attempt, response);
      this.stats.retries++;
      this.opts.onRetry?.({ url, attempt: attempt + 1, waitMs, reason: response ? `HTTP ${response.status}` : String(networkError) });
      await this.opts.sleep(waitMs);
    }
  }

  private waitFor(attempt: number, response?: HttpResponse): number {
    const retryAfter = response?.headers.get('retry-after');
    if (retryAfter) {
      const seconds = Number(retryAfter);
      const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - Date.now();
      if (Number.isFinite(ms) && ms >= 0) return Math.min(ms, this.opts.maxWaitMs);
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
        `${options.registry} lookup failed: GET ${url} answered ${res.status} with a body that is not valid JSON (${(error as Error).message})`,
        { code: 'registry.bad-json', fix: `check that the registry URL override points at a real ${options.registry}` },
      );
    }
  }
}

export function httpStatusError(registry: string, url: string, res: HttpResponse): MonochangeError {
  const body = res.text.trim().slice(0, 200).replace(/\s+/g, ' ');
  return new MonochangeError(`${registry} lookup failed: GET ${url} answered HTTP ${res.status}${body ? ` (${body})` : ''}`, {
    code: 'registry.http-error',
    fix: 'this is not read as "not published"; retry later, or check the registry URL override and the registry status',
  });
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

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
