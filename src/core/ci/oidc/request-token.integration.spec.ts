import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GITHUB_OIDC_ISSUER, TOKEN_RESPONSE_MAX_BYTES } from './constants';
import { safeExcerpt } from './excerpt';
import type { Refusal } from './refusal';
import { requestIdToken, type RequestIdTokenOptions } from './request-token';

const REQUEST_TOKEN = 'fake-request-token-for-request-token-spec';
const GITHUB_REQUEST_URL = 'https://pipelinesghubeus2.actions.githubusercontent.com/x/idtoken?api-version=2.0';
const JWT_LIKE = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOmFjbWUvd2lkZ2V0cyJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
const MB = 1024 * 1024;

type FetchMock = jest.Mock<Promise<Response>, Parameters<typeof fetch>>;

function fetchAnswering(answer: () => Response): FetchMock {
  return jest.fn(async (..._args: Parameters<typeof fetch>) => answer());
}

const tokenAnswer = () => new Response(JSON.stringify({ value: 'header.payload.signature' }), { status: 200 });

function request(overrides: Partial<RequestIdTokenOptions> = {}) {
  return requestIdToken({
    requestUrl: GITHUB_REQUEST_URL,
    requestToken: REQUEST_TOKEN,
    audience: 'monochange-nx',
    issuer: GITHUB_OIDC_ISSUER,
    fetch: fetchAnswering(tokenAnswer),
    timeoutMs: 5_000,
    ...overrides,
  });
}

function asRefusal(result: Awaited<ReturnType<typeof requestIdToken>>): Refusal {
  if (result.ok) throw new Error(`expected a refusal, got a token`);
  return result;
}

/** A body of `total` bytes (or endless) made of `chunk` repeated, counting what the reader pulled. */
function countedStream(chunk: Uint8Array, total = Infinity) {
  const stats = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (stats.pulled >= total) return controller.close();
      const piece = chunk.subarray(0, Math.min(chunk.byteLength, total - stats.pulled));
      stats.pulled += piece.byteLength;
      controller.enqueue(piece);
    },
    cancel() {
      stats.cancelled = true;
    },
  });
  return { stream, stats };
}

describe('requestIdToken: response size cap', () => {
  it('refuses a 300 MB declared body after reading about 64 KiB, and cancels the rest', async () => {
    const { stream, stats } = countedStream(new Uint8Array(16 * 1024).fill(0x61), 300 * MB);
    const fetchMock = fetchAnswering(() => new Response(stream, { status: 200, headers: { 'content-length': String(300 * MB) } }));

    const refusal = asRefusal(await request({ fetch: fetchMock }));

    expect(refusal.code).toBe('oidc.request-body-too-large');
    expect(refusal.reason).toContain('over 64 KiB (declared 314572800 bytes)');
    expect(refusal.reason).toContain('HTTP 200');
    expect(stats.pulled).toBeLessThanOrEqual(TOKEN_RESPONSE_MAX_BYTES + 2 * 16 * 1024);
    expect(stats.cancelled).toBe(true);
  });

  it('refuses an endless body with no declared length', async () => {
    const { stream, stats } = countedStream(new Uint8Array(4096).fill(0x7b));
    const refusal = asRefusal(await request({ fetch: fetchAnswering(() => new Response(stream, { status: 200 })) }));

    expect(refusal.code).toBe('oidc.request-body-too-large');
    expect(refusal.reason).toContain('no length declared');
    expect(stats.pulled).toBeLessThanOrEqual(TOKEN_RESPONSE_MAX_BYTES + 2 * 4096);
    expect(stats.cancelled).toBe(true);
  });

  it('accepts an answer of exactly 64 KiB and refuses one byte more', async () => {
    const answerOf = (size: number) => {
      const json = JSON.stringify({ value: 'header.payload.signature', padding: '' });
      return json.replace('"padding":""', `"padding":"${'p'.repeat(size - json.length)}"`);
    };
    const exact = answerOf(TOKEN_RESPONSE_MAX_BYTES);
    expect(exact).toHaveLength(TOKEN_RESPONSE_MAX_BYTES);

    const ok = await request({ fetch: fetchAnswering(() => new Response(exact, { status: 200 })) });
    expect(ok).toEqual({ ok: true, token: 'header.payload.signature' });

    const over = answerOf(TOKEN_RESPONSE_MAX_BYTES + 1);
    const refused = await request({ fetch: fetchAnswering(() => new Response(over, { status: 200 })) });
    expect(asRefusal(refused).code).toBe('oidc.request-body-too-large');
  });

  describe('against a loopback server streaming a huge body', () => {
    let server: http.Server;
    let base: string;
    const served = { written: 0 };
    let closedEarly: Promise<boolean>;

    beforeAll(async () => {
      server = http.createServer((_req, res) => {
        const total = 300 * MB;
        const chunk = Buffer.alloc(64 * 1024, 0x61);
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(total) });
        closedEarly = new Promise((resolve) => res.on('close', () => resolve(!res.writableFinished)));
        const pump = () => {
          while (served.written < total && !res.destroyed) {
            served.written += chunk.byteLength;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          if (!res.destroyed) res.end();
        };
        pump();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('refuses it and closes the connection long before the end', async () => {
      const refusal = asRefusal(await request({ requestUrl: `${base}/token?api-version=2.0`, issuer: base, fetch: undefined }));

      expect(refusal.code).toBe('oidc.request-body-too-large');
      expect(refusal.reason).toContain(`${base}/token`);
      expect(await closedEarly).toBe(true);
      expect(served.written).toBeLessThan(300 * MB);
    });
  });
});

describe('requestIdToken: error body excerpt', () => {
  const headline = `Bad gateway: upstream failed for ${REQUEST_TOKEN} with ${JWT_LIKE}`;

  it('quotes a 200 KB error body by its first words only, without the request token or anything token-shaped', async () => {
    // One 200 KB base64url run: the worst case for a backtracking token pattern.
    const body = `${headline} ${'a'.repeat(200 * 1024)}`;
    const refusal = asRefusal(await request({ fetch: fetchAnswering(() => new Response(body, { status: 502 })) }));

    expect(refusal.code).toBe('oidc.request-body-too-large');
    expect(refusal.reason).toContain('HTTP 502');
    expect(refusal.reason).toContain('(Bad gateway: upstream failed for *** with ***)');
    expect(refusal.reason).not.toContain(REQUEST_TOKEN);
    expect(refusal.reason).not.toContain('eyJ');
  });

  it('quotes an error body under the cap, one line, at most 200 characters', async () => {
    const filler = Array.from({ length: 500 }, (_, i) => `${JWT_LIKE.slice(0, 20)}.${'b'.repeat(10)} word${i}`).join('\n');
    const body = `Service unavailable\r\n\u001b[31mtry again\u001b[0m ${REQUEST_TOKEN}\n::add-mask::x ${'c'.repeat(20_000)} ${filler}`;
    expect(body.length).toBeLessThan(TOKEN_RESPONSE_MAX_BYTES);
    const refusal = asRefusal(await request({ fetch: fetchAnswering(() => new Response(body, { status: 503 })) }));

    expect(refusal.code).toBe('oidc.request-server-error');
    const excerpt = /HTTP 503 \((.*)\): GitHub could not issue/.exec(refusal.reason)?.[1];
    expect(excerpt).toBe(
      `Service unavailable [31mtry again [0m *** ::add-mask::x *** word0 *** word1 *** word2 *** word3 *** word4 *** word5 *** word6 *** word7 *** word8 *** word9 *** word10 *** word11 *** word12 *** word13 *** word14`.slice(
        0,
        200,
      ),
    );
    expect(excerpt!.length).toBeLessThanOrEqual(200);
    expect(refusal.reason).not.toContain(REQUEST_TOKEN);
  });

  it('safeExcerpt withholds credentials and token pieces in a 200 KB text', () => {
    const text = `${headline} id ${'x'.repeat(100_000)} part ${'abcdefgh.'.repeat(10_000)} tail`;
    expect(safeExcerpt(text, { secrets: [REQUEST_TOKEN] })).toBe('Bad gateway: upstream failed for *** with *** id *** part *** tail');
    expect(safeExcerpt('eyJhbGciOiJIUzI1.eyJzdWIiOiJ4 a.b.c api.github.com ok v1.2', { secrets: [] })).toBe('*** ok v1.2');
    expect(safeExcerpt('cut here partial-secre', { secrets: [], truncated: true })).toBe('cut here ***');
    expect(safeExcerpt(' \n\t ', { secrets: [] })).toBe('');
  });
});

describe('requestIdToken: only the issuer’s token hosts get the request token', () => {
  const cases: Array<{ name: string; issuer: string; trusted: string[]; untrusted: string[] }> = [
    {
      name: 'public GitHub (default issuer)',
      issuer: GITHUB_OIDC_ISSUER,
      trusted: [GITHUB_REQUEST_URL, 'https://token.actions.githubusercontent.com/idtoken'],
      untrusted: [
        'https://evil.example/idtoken?api-version=2.0',
        'https://evilactions.githubusercontent.com/x/idtoken',
        'https://actions.githubusercontent.com.evil.example/x/idtoken',
        'https://actions.githubusercontent.com/x/idtoken',
        'http://127.0.0.1:8080/token',
        'https://ghes.example.com/_services/pipelines/idtoken',
      ],
    },
    {
      name: 'a GitHub Enterprise Server issuer',
      issuer: 'https://ghes.example.com/_services/token',
      trusted: ['https://ghes.example.com/_services/pipelines/x/idtoken?api-version=2.0', 'https://ghes.example.com:8443/idtoken'],
      untrusted: [GITHUB_REQUEST_URL, 'https://evil.example/idtoken', 'https://ghes.example.com.evil.example/idtoken', 'https://sub.ghes.example.com/idtoken'],
    },
    {
      name: 'a GHE.com issuer',
      issuer: 'https://token.actions.acme.ghe.com',
      trusted: ['https://run-1.actions.acme.ghe.com/x/idtoken?api-version=2.0', 'https://token.actions.acme.ghe.com/idtoken'],
      untrusted: [GITHUB_REQUEST_URL, 'https://run-1.actions.other.ghe.com/x/idtoken', 'https://evil.example/idtoken'],
    },
    {
      name: 'a loopback test issuer',
      issuer: 'http://127.0.0.1:4000',
      trusted: ['http://127.0.0.1:4001/token?api-version=2.0', 'http://127.0.0.1:4000/token'],
      untrusted: ['http://localhost:4000/token', GITHUB_REQUEST_URL, 'https://evil.example/idtoken'],
    },
  ];

  it.each(cases)('$name: its own token hosts are asked, any other host is refused before a request', async ({ issuer, trusted, untrusted }) => {
    for (const requestUrl of trusted) {
      const fetchMock = fetchAnswering(tokenAnswer);
      expect(await request({ requestUrl, issuer, fetch: fetchMock })).toEqual({ ok: true, token: 'header.payload.signature' });
      expect(fetchMock).toHaveBeenCalledTimes(1);
      const [sent, init] = fetchMock.mock.calls[0];
      expect(new URL(String(sent)).hostname).toBe(new URL(requestUrl).hostname);
      expect((init?.headers as Record<string, string>).Authorization).toBe(`Bearer ${REQUEST_TOKEN}`);
    }
    for (const requestUrl of untrusted) {
      const fetchMock = fetchAnswering(tokenAnswer);
      const refusal = asRefusal(await request({ requestUrl, issuer, fetch: fetchMock }));
      expect(fetchMock).not.toHaveBeenCalled();
      expect({ requestUrl, code: refusal.code }).toEqual({ requestUrl, code: 'oidc.request-host-untrusted' });
      expect(refusal.reason).toContain(`host ${new URL(requestUrl).hostname}`);
      expect(refusal.reason).toContain('[source.oidc] issuer');
      expect(refusal.reason).not.toContain(REQUEST_TOKEN);
    }
  });

  it('names the host and the fix, never the token or the query', async () => {
    const fetchMock = fetchAnswering(tokenAnswer);
    const refusal = asRefusal(await request({ requestUrl: `https://evil.example/idtoken?api-version=2.0&leak=${REQUEST_TOKEN}`, fetch: fetchMock }));
    expect(fetchMock).not.toHaveBeenCalled();
    expect(refusal).toEqual({
      ok: false,
      code: 'oidc.request-host-untrusted',
      reason:
        "ACTIONS_ID_TOKEN_REQUEST_URL points at host evil.example, which is not a token host of the trusted OIDC issuer https://token.actions.githubusercontent.com (expected https://*.actions.githubusercontent.com), so the job's request token was not sent and no ID token was requested. On GitHub Enterprise Server or GHE.com, set `[source.oidc] issuer` in monochange.toml to your instance's issuer; otherwise check what sets ACTIONS_ID_TOKEN_REQUEST_URL in this job.",
    });
  });
});
