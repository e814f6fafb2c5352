import { isMonochangeError, MonochangeError } from '../errors';
import { refusedPortUrl, startHttpStub, type HttpStub } from '../../../test-utils/http-stub';
import { displayUrl, HttpClient, type HttpClientOptions } from './http';

/** A client whose waits are recorded instead of slept. */
function client(options: HttpClientOptions = {}) {
  const waits: number[] = [];
  const http = new HttpClient({ backoffMs: 100, sleep: async (ms) => void waits.push(ms), ...options });
  return { http, waits };
}

const registry = 'test registry';

describe('HttpClient', () => {
  let stub: HttpStub;
  beforeEach(async () => {
    stub = await startHttpStub();
  });
  afterEach(async () => {
    await stub.close();
  });

  it('retries a 429 (honouring Retry-After seconds) and a 503, then succeeds', async () => {
    const answers = [
      { status: 429, headers: { 'retry-after': '1' }, body: 'slow down' },
      { status: 503, body: 'unavailable' },
      { status: 200, body: { versions: { '1.0.0': {} } } },
    ];
    stub.route('GET', '/pkg', () => answers.shift() ?? { status: 500 });
    const { http, waits } = client();
    const result = await http.getJson<{ versions: Record<string, unknown> }>(`${stub.url}/pkg`, { registry });
    expect(result).toEqual({ found: true, status: 200, json: { versions: { '1.0.0': {} } } });
    expect(http.stats.retries).toBe(2);
    expect(http.stats.requests).toBe(3);
    expect(stub.requests).toHaveLength(3);
    expect(waits[0]).toBe(1000);
    // The 503 had no Retry-After: exponential backoff of the second attempt with jitter, 100 * 2^1 ± 50%.
    expect(waits[1]).toBeGreaterThanOrEqual(100);
    expect(waits[1]).toBeLessThanOrEqual(300);
  });

  it('honours Retry-After given as an HTTP-date', async () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    const answers = [
      { status: 429, headers: { 'retry-after': 'Wed, 01 Jan 2025 00:00:07 GMT' } },
      { status: 200, body: {} },
    ];
    stub.route('GET', '/pkg', () => answers.shift()!);
    const { http, waits } = client({ now: () => now });
    await http.getJson(`${stub.url}/pkg`, { registry });
    expect(waits).toEqual([7000]);
  });

  it('caps a Retry-After at maxWaitMs and treats a past date as no wait', async () => {
    const answers = [
      { status: 503, headers: { 'retry-after': '3600' } },
      { status: 503, headers: { 'retry-after': 'Mon, 01 Jan 2001 00:00:00 GMT' } },
      { status: 200, body: {} },
    ];
    stub.route('GET', '/pkg', () => answers.shift()!);
    const { http, waits } = client({ maxWaitMs: 5000 });
    await http.getJson(`${stub.url}/pkg`, { registry });
    expect(waits).toEqual([5000, 0]);
  });

  it('reads 404 as absent only through getJson; get returns the response', async () => {
    const { http } = client();
    const raw = await http.get(`${stub.url}/missing`, { registry });
    expect(raw.status).toBe(404);
    await expect(http.getJson(`${stub.url}/missing`, { registry })).resolves.toEqual({ found: false, status: 404 });
    expect(http.stats.retries).toBe(0);
  });

  it('reads 410 as absent only when asked to', async () => {
    stub.route('GET', '/gone', { status: 410, body: 'gone' });
    const { http } = client();
    await expect(http.getJson(`${stub.url}/gone`, { registry, goneIsAbsent: true })).resolves.toEqual({ found: false, status: 410 });
    await expect(http.getJson(`${stub.url}/gone`, { registry })).rejects.toThrow(/HTTP 410/);
  });

  it('never retries another 4xx, and getJson reports it as an error, not as absent', async () => {
    stub.route('GET', '/forbidden', { status: 403, body: 'forbidden' });
    const { http, waits } = client();
    const error = await http.getJson(`${stub.url}/forbidden`, { registry }).catch((e: unknown) => e);
    expect(isMonochangeError(error)).toBe(true);
    expect((error as MonochangeError).message).toContain(`GET ${stub.url}/forbidden answered HTTP 403`);
    expect(stub.requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('names the registry and the URL after a 500 outlasts the retries', async () => {
    stub.route('GET', '/broken', { status: 500, body: 'internal error' });
    const { http, waits } = client({ retries: 2 });
    const error = (await http.getJson(`${stub.url}/broken`, { registry }).catch((e: unknown) => e)) as MonochangeError;
    expect(isMonochangeError(error)).toBe(true);
    expect(error.message).toContain(`test registry lookup failed: GET ${stub.url}/broken answered HTTP 500 (internal error)`);
    expect(error.details.fix).toMatch(/not read as "not published"/);
    expect(stub.requests).toHaveLength(3);
    expect(http.stats.retries).toBe(2);
    expect(waits).toHaveLength(2);
    // Exponential: the second wait's range (100..300) starts where the first's (50..150) is centred.
    expect(waits[0]).toBeLessThanOrEqual(150);
    expect(waits[1]).toBeGreaterThanOrEqual(100);
  });

  it('rejects a body that is not JSON with a message naming the URL', async () => {
    stub.route('GET', '/bad', { status: 200, body: '{"versions": ' });
    const { http } = client();
    const error = (await http.getJson(`${stub.url}/bad`, { registry }).catch((e: unknown) => e)) as MonochangeError;
    expect(isMonochangeError(error)).toBe(true);
    expect(error.details.code).toBe('registry.bad-json');
    expect(error.message).toContain(`GET ${stub.url}/bad answered 200 with a body that is not valid JSON`);
  });

  it('retries a refused connection, then fails naming the registry, URL and cause', async () => {
    const url = `${await refusedPortUrl()}/pkg`;
    const { http, waits } = client({ retries: 2 });
    const error = (await http.getJson(url, { registry }).catch((e: unknown) => e)) as MonochangeError;
    expect(isMonochangeError(error)).toBe(true);
    expect(error.details.code).toBe('registry.unreachable');
    expect(error.message).toContain(`test registry lookup failed: GET ${url}: connection refused (3 attempts)`);
    expect(waits).toHaveLength(2);
  });

  it('gives up on a registry that never answers after timeoutMs', async () => {
    stub.route('GET', '/hang', () => new Promise(() => undefined));
    const { http } = client({ timeoutMs: 200, retries: 1 });
    const error = (await http.getJson(`${stub.url}/hang`, { registry }).catch((e: unknown) => e)) as MonochangeError;
    expect(isMonochangeError(error)).toBe(true);
    expect(error.message).toContain('no answer within 200 ms (2 attempts)');
    expect(stub.requests).toHaveLength(2);
  });

  it('retries a dropped connection (lost response)', async () => {
    const answers = [{ drop: true }, { status: 200, body: { ok: true } }];
    stub.route('GET', '/flaky', () => answers.shift()!);
    const { http } = client();
    await expect(http.getJson(`${stub.url}/flaky`, { registry })).resolves.toMatchObject({ found: true, json: { ok: true } });
    expect(http.stats.retries).toBe(1);
  });

  it('keeps in-flight requests of one registry at or below the pool size', async () => {
    const limit = 2;
    let inFlight = 0;
    let max = 0;
    let release: Array<() => void> = [];
    // Each request waits until `limit` are in flight together, so the pool is filled, never overfilled.
    stub.route('GET', /^\/p\/\d+$/, async () => {
      inFlight++;
      max = Math.max(max, inFlight);
      await new Promise<void>((resolve) => {
        release.push(resolve);
        if (inFlight >= limit) {
          const batch = release;
          release = [];
          batch.forEach((r) => r());
        }
      });
      inFlight--;
      return { status: 200, body: {} };
    });
    const { http } = client({ concurrency: limit });
    await Promise.all(Array.from({ length: 8 }, (_, i) => http.getJson(`${stub.url}/p/${i}`, { registry, pool: 'npm' })));
    expect(stub.requests).toHaveLength(8);
    expect(max).toBe(limit);
  });

  it('gives each registry its own pool', async () => {
    let inFlight = 0;
    let max = 0;
    let release: Array<() => void> = [];
    stub.route('GET', /^\/q\/\d+$/, async () => {
      inFlight++;
      max = Math.max(max, inFlight);
      await new Promise<void>((resolve) => {
        release.push(resolve);
        if (inFlight >= 2) {
          const batch = release;
          release = [];
          batch.forEach((r) => r());
        }
      });
      inFlight--;
      return { status: 200, body: {} };
    });
    const { http } = client({ concurrency: 1 });
    // Pool size 1 each: the two requests can only meet at the stub because they use two pools.
    await Promise.all([http.getJson(`${stub.url}/q/1`, { registry, pool: 'npm' }), http.getJson(`${stub.url}/q/2`, { registry, pool: 'jsr' })]);
    expect(max).toBe(2);
  });

  it('sends its user agent and never prints credentials of a URL override', async () => {
    const { http } = client();
    await http.get(`${stub.url}/missing`, { registry, headers: { accept: 'application/json' } });
    expect(stub.requests[0].headers['user-agent']).toBe('monochange-nx');
    expect(stub.requests[0].headers.accept).toBe('application/json');
    expect(displayUrl('https://user:fake-secret@registry.example/pkg')).toBe('https://registry.example/pkg');
    const url = (await refusedPortUrl()).replace('http://', 'http://bob:fake-secret@');
    const error = (await new HttpClient({ retries: 0 }).getJson(`${url}/x`, { registry }).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain('connection refused');
    expect(error.message).not.toContain('fake-secret');
  });

  it('sends the credentials of a URL override as a Basic header, never in messages', async () => {
    stub.route('GET', '/private', { status: 500, body: 'down' });
    const { http } = client({ retries: 0 });
    const url = `${stub.url.replace('http://', 'http://bob:fake-secret@')}/private`;
    const error = (await http.getJson(url, { registry }).catch((e: unknown) => e)) as Error;
    expect(stub.requests[0].headers.authorization).toBe(`Basic ${Buffer.from('bob:fake-secret').toString('base64')}`);
    expect(error.message).toContain(`GET ${stub.url}/private answered HTTP 500`);
    expect(error.message).not.toContain('fake-secret');
  });

  it('does not retry a URL fetch cannot use', async () => {
    const { http, waits } = client();
    const error = (await http.getJson('ftp://127.0.0.1/x', { registry }).catch((e: unknown) => e)) as MonochangeError;
    expect(isMonochangeError(error)).toBe(true);
    expect(error.details.code).toBe('registry.bad-url');
    await expect(http.getJson('not a url', { registry })).rejects.toThrow(/`not a url` is not an http\(s\) URL/);
    expect(waits).toEqual([]);
  });

  it('memoize (read-only runs): one request per URL and headers, concurrent asks included; a refused connection is asked again', async () => {
    let n = 0;
    stub.route('GET', '/pkg', () => ({ body: { n: ++n } }));
    const { http } = client({ memoize: true });
    const answers = await Promise.all([1, 2, 3].map(() => http.getJson<{ n: number }>(`${stub.url}/pkg`, { registry })));
    expect(answers.map((a) => a.found && a.json.n)).toEqual([1, 1, 1]);
    await http.getJson(`${stub.url}/pkg`, { registry, headers: { accept: 'application/vnd.npm.install-v1+json' } });
    expect(stub.requests).toHaveLength(2);

    const { http: plain } = client();
    await plain.getJson(`${stub.url}/pkg`, { registry });
    await plain.getJson(`${stub.url}/pkg`, { registry });
    expect(stub.requests).toHaveLength(4);

    const { http: flaky } = client({ memoize: true, retries: 0 });
    const down = await refusedPortUrl();
    await expect(flaky.getJson(`${down}/x`, { registry })).rejects.toThrow();
    await expect(flaky.getJson(`${down}/x`, { registry })).rejects.toThrow();
    expect(flaky.stats.requests).toBe(2);
  });
});
