import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback HTTP stub for registry APIs. Routes are matched by `METHOD path` (path without query). */
export interface StubRequest {
  method: string;
  path: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}
export interface StubResponse {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Buffer | object;
  /** Destroy the socket without answering (simulates a lost response). */
  drop?: boolean;
}
export type StubHandler = (req: StubRequest) => StubResponse | Promise<StubResponse>;

export interface HttpStub {
  url: string;
  port: number;
  requests: StubRequest[];
  route(method: string, path: string | RegExp, handler: StubHandler | StubResponse): void;
  close(): Promise<void>;
}

export async function startHttpStub(): Promise<HttpStub> {
  const routes: Array<{ method: string; path: string | RegExp; handler: StubHandler }> = [];
  const requests: StubRequest[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = req.url ?? '/';
    const path = decodeURIComponent(url.split('?')[0]);
    const stubReq: StubRequest = { method: req.method ?? 'GET', path, url, headers: req.headers, body: Buffer.concat(chunks) };
    requests.push(stubReq);
    const route = [...routes].reverse().find((r) => r.method === stubReq.method && (typeof r.path === 'string' ? r.path === path : r.path.test(path)));
    const answer: StubResponse = route ? await route.handler(stubReq) : { status: 404, body: { error: 'not found' } };
    if (answer.drop) {
      req.socket.destroy();
      return;
    }
    const body = answer.body === undefined ? '' : Buffer.isBuffer(answer.body) || typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    const headers = { ...(typeof answer.body === 'object' && !Buffer.isBuffer(answer.body) ? { 'content-type': 'application/json' } : {}), ...answer.headers };
    res.writeHead(answer.status ?? 200, headers);
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    route(method, path, handler) {
      routes.push({ method, path, handler: typeof handler === 'function' ? handler : () => handler });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 that refuses connections (nothing listens there). */
export async function refusedPortUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
