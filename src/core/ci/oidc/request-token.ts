import type { Env } from '../../types';
import { TOKEN_RESPONSE_MAX_BYTES } from './constants';
import { safeExcerpt } from './excerpt';
import { refuse, type Refusal } from './refusal';
import { describeTrustedRequestHosts, isTrustedRequestHost } from './request-host';

/** Whether this job can ask GitHub for an ID token, and if not, which permission or step is missing. */
export type TokenEndpoint =
  { available: true; requestUrl: string; requestToken: string } | { available: false; code: string; reason: string; missing: string[] };

const URL_VAR = 'ACTIONS_ID_TOKEN_REQUEST_URL';
const TOKEN_VAR = 'ACTIONS_ID_TOKEN_REQUEST_TOKEN';
const GRANT = 'grant `id-token: write` to the publish job (`permissions: id-token: write` at job level; a caller of a reusable workflow must grant it too)';

export function findTokenEndpoint(env: Env): TokenEndpoint {
  const requestUrl = env[URL_VAR];
  const requestToken = env[TOKEN_VAR];
  if (requestUrl && requestToken) return { available: true, requestUrl, requestToken };

  const missing = [URL_VAR, TOKEN_VAR].filter((k) => !env[k]);
  const notSet = `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set`;

  if (env.GITHUB_ACTIONS !== 'true') {
    return {
      available: false,
      code: 'oidc.not-github-actions',
      missing: ['GITHUB_ACTIONS', ...missing],
      reason: `Not running on GitHub Actions (GITHUB_ACTIONS is ${env.GITHUB_ACTIONS === undefined ? 'not set' : `"${env.GITHUB_ACTIONS}"`}) and ${notSet}, so there is no signed OIDC token to prove the CI identity: run the publish from the configured GitHub Actions workflow and ${GRANT}.`,
    };
  }
  const code = missing.length > 1 ? 'oidc.no-token-endpoint' : missing[0] === URL_VAR ? 'oidc.no-request-url' : 'oidc.no-request-token';
  return {
    available: false,
    code,
    missing,
    reason: `GITHUB_ACTIONS=true but ${notSet}: ${GRANT}.`,
  };
}

export interface RequestIdTokenOptions {
  requestUrl: string;
  requestToken: string;
  audience: string;
  /** The trusted issuer (from `resolveIssuer`): the request token goes only to its token hosts. */
  issuer: string;
  fetch?: typeof fetch;
  timeoutMs: number;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * `GET <ACTIONS_ID_TOKEN_REQUEST_URL>&audience=<aud>` with the job's bearer request token; the
 * answer is `{ "value": "<jwt>" }`. Every failure is a refusal (no fallback), and no reason quotes
 * the request token, the URL's query or a token-like body. The request token is sent only to a
 * token host of `issuer`, and at most 64 KiB of the answer is read.
 */
export async function requestIdToken(opts: RequestIdTokenOptions): Promise<{ ok: true; token: string } | Refusal> {
  let url: URL;
  try {
    url = new URL(opts.requestUrl);
  } catch {
    return refuse(
      'oidc.request-url-invalid',
      `${URL_VAR} is not a valid URL, so no ID token can be requested: re-run the job on a GitHub Actions runner that has \`id-token: write\`.`,
    );
  }
  const endpoint = `${url.origin}${url.pathname}`;
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    return refuse(
      'oidc.request-insecure',
      `${URL_VAR} points at ${endpoint}, which is not https:// (plain http:// is accepted only on loopback); the request token would travel in clear, so no ID token was requested. Check what sets ${URL_VAR} in this job.`,
    );
  }
  if (!isTrustedRequestHost(url, opts.issuer)) return untrustedHost(url, opts.issuer);
  url.searchParams.set('audience', opts.audience);

  const doFetch = opts.fetch ?? fetch;
  let status: number;
  let declared: string | null;
  let body: CappedBody;
  try {
    const res = await doFetch(url.toString(), {
      method: 'GET',
      headers: { Authorization: `Bearer ${opts.requestToken}`, Accept: 'application/json' },
      redirect: 'error',
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    status = res.status;
    declared = res.headers.get('content-length');
    body = await readCapped(res.body, TOKEN_RESPONSE_MAX_BYTES);
  } catch (error) {
    return refuse(
      'oidc.request-network',
      `Could not reach the GitHub OIDC token endpoint ${endpoint}: ${describeNetworkError(error, opts.timeoutMs)}. Re-run the job; if it persists, check the runner's network and GitHub's status.`,
    );
  }

  const text = new TextDecoder().decode(body.bytes);
  const said = bodyExcerpt(text, [opts.requestToken], body.truncated);
  if (body.truncated) {
    const length = declared && /^\d+$/.test(declared) ? `declared ${declared} bytes` : 'no length declared';
    return refuse(
      'oidc.request-body-too-large',
      `The GitHub OIDC token endpoint ${endpoint} answered HTTP ${status} with a body over ${TOKEN_RESPONSE_MAX_BYTES / 1024} KiB (${length})${said}; a genuine ID token answer is a few KB, so the rest was not read. Check what sets ${URL_VAR} in this job, then re-run it.`,
    );
  }
  if (status >= 500) {
    return refuse(
      'oidc.request-server-error',
      `The GitHub OIDC token endpoint ${endpoint} answered HTTP ${status}${said}: GitHub could not issue an ID token. Re-run the job later.`,
    );
  }
  if (status >= 400) {
    return refuse(
      'oidc.request-rejected',
      `The GitHub OIDC token endpoint ${endpoint} refused the request with HTTP ${status}${said}: the job's request token was not accepted. Check that the publish job has \`id-token: write\` and re-run it (request tokens expire with the job).`,
    );
  }
  if (status < 200 || status >= 300) {
    return refuse('oidc.request-rejected', `The GitHub OIDC token endpoint ${endpoint} answered HTTP ${status} instead of 200: re-run the job.`);
  }

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return refuse(
      'oidc.request-not-json',
      `The GitHub OIDC token endpoint ${endpoint} answered HTTP ${status} with a body that is not JSON (${text.length} bytes), where { "value": "<token>" } was expected: check what sets ${URL_VAR} in this job.`,
    );
  }
  const value = json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>).value : undefined;
  if (typeof value !== 'string' || value === '') {
    const keys = json && typeof json === 'object' && !Array.isArray(json) ? Object.keys(json).slice(0, 10) : [];
    return refuse(
      'oidc.request-no-value',
      `The GitHub OIDC token endpoint ${endpoint} answered HTTP ${status} without an ID token: the JSON has no string "value" (keys found: ${keys.length ? keys.join(', ') : 'none'}). Check what sets ${URL_VAR} in this job.`,
    );
  }
  return { ok: true, token: value };
}

function untrustedHost(url: URL, issuer: string): Refusal {
  return refuse(
    'oidc.request-host-untrusted',
    `${URL_VAR} points at host ${url.hostname}, which is not a token host of the trusted OIDC issuer ${issuer} (expected ${describeTrustedRequestHosts(issuer)}), so the job's request token was not sent and no ID token was requested. On GitHub Enterprise Server or GHE.com, set \`[source.oidc] issuer\` in monochange.toml to your instance's issuer; otherwise check what sets ${URL_VAR} in this job.`,
  );
}

interface CappedBody {
  bytes: Uint8Array;
  /** The body was longer than the cap: `bytes` is its first `cap` bytes and the rest was cancelled. */
  truncated: boolean;
}

/** Reads at most `cap` bytes of a body, whatever its declared length, and cancels the rest. */
async function readCapped(stream: ReadableStream<Uint8Array> | null, cap: number): Promise<CappedBody> {
  if (!stream) return { bytes: new Uint8Array(0), truncated: false };
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { bytes: Buffer.concat(chunks, size), truncated: false };
    const room = cap - size;
    if (value.byteLength > room) {
      chunks.push(value.subarray(0, room));
      // Not awaited: cancelling closes the connection, and nothing more is wanted from it.
      reader.cancel().catch(() => undefined);
      return { bytes: Buffer.concat(chunks, cap), truncated: true };
    }
    chunks.push(value);
    size += value.byteLength;
  }
}

/** Anything token-shaped is dropped, whatever the server echoed. */
function bodyExcerpt(text: string, secrets: string[], truncated: boolean): string {
  const excerpt = safeExcerpt(text, { secrets, truncated });
  return excerpt ? ` (${excerpt})` : '';
}

function describeNetworkError(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  if (e?.cause?.code === 'ECONNREFUSED') return 'connection refused';
  if (e?.cause?.code === 'ENOTFOUND' || e?.cause?.code === 'EAI_AGAIN') return 'host not found';
  return e?.cause?.message ?? e?.message ?? String(error);
}
