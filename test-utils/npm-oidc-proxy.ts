import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, jwtVerify } from 'jose';

/**
 * A loopback stand-in for npm's registry-side trusted publishing, in front of a real Verdaccio:
 * `POST /-/npm/v1/oidc/token/exchange/package/<name>` verifies the GitHub or GitLab OIDC token
 * (signature against the loopback issuer's JWKS, issuer, audience `npm:127.0.0.1`, and the
 * trusted-publisher record: repository (GitLab: project path) + workflow file (GitLab: the file of
 * ci_config_ref_uri) [+ environment]) and answers a short-lived token; every other
 * request is forwarded to Verdaccio. Uploads (PUT of a package) are recorded with their time so
 * tests can assert publish order and count duplicates.
 */
export interface TrustedPublisherRecord {
  repository: string;
  workflow: string;
  environment?: string;
}

export interface NpmOidcProxy {
  url: string;
  port: number;
  /** Every package PUT: name, the version(s) in the body when it parses, time, the status answered. */
  uploads: Array<{ name: string; version?: string; at: number; status: number }>;
  exchanges: Array<{ name: string; ok: boolean; reason?: string }>;
  /** Trusted-publisher records by package name; a package without one is refused. `*` applies to all. */
  trust: Map<string, TrustedPublisherRecord>;
  /** Fault injection: set `faults.upload` to decide, per authorized package PUT, what goes wrong. */
  faults: { upload?: (upload: { name: string; version?: string }) => UploadFault | undefined };
  close(): Promise<void>;
}

/** What the proxy does to one authorized upload instead of simply forwarding it. */
export interface UploadFault {
  /** Hold the upload this long before forwarding it (an upload in flight). */
  delayMs?: number;
  /** Answer this instead of forwarding (the upload never reaches Verdaccio). */
  respond?: { status: number; body?: unknown };
  /** Forward it, record Verdaccio's answer, then reset the client's connection instead of answering (a lost answer). */
  dropAnswer?: boolean;
  /** Runs after Verdaccio answered and before the client gets (or loses) the answer, e.g. to kill Verdaccio. */
  afterForward?: () => Promise<void> | void;
  /** Runs once the proxy is done with this upload (forwarded, answered or failed). */
  settled?: () => void;
}

export interface NpmOidcProxyOptions {
  upstream: string;
  issuer: string;
  upstreamToken?: string;
  /**
   * Long-lived tokens of the packages' owners (a human publishing placeholders from a laptop):
   * PUTs with one of these are accepted like OIDC-exchanged ones. Tokens are not an identity, so
   * the exchange endpoint never accepts them.
   */
  ownerTokens?: string[];
}

export async function startNpmOidcProxy(options: NpmOidcProxyOptions): Promise<NpmOidcProxy> {
  const upstream = new URL(options.upstream);
  const jwks = createRemoteJWKSet(new URL(`${options.issuer}/.well-known/jwks`));
  const uploads: NpmOidcProxy['uploads'] = [];
  const exchanges: NpmOidcProxy['exchanges'] = [];
  const trust = new Map<string, TrustedPublisherRecord>();
  const issued = new Set<string>(options.ownerTokens ?? []);
  const faults: NpmOidcProxy['faults'] = {};

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    try {
      for await (const c of req) chunks.push(c as Buffer);
    } catch {
      // The client went away mid-request (e.g. npm killed by a signal): nothing to answer.
      return;
    }
    const body = Buffer.concat(chunks);
    const url = req.url ?? '/';
    const exchange = /^\/-\/npm\/v1\/oidc\/token\/exchange\/package\/(.+)$/.exec(url.split('?')[0]);
    if (req.method === 'POST' && exchange) {
      const name = decodeURIComponent(exchange[1]);
      const bearer = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
      try {
        const { payload } = await jwtVerify(bearer, jwks, { issuer: options.issuer, audience: `npm:${upstream.hostname}`, algorithms: ['RS256'] });
        const record = trust.get(name) ?? trust.get('*');
        if (!record) throw new Error(`no trusted publisher configured for ${name}`);
        // A GitLab CI/CD token (NPM_ID_TOKEN) names its project and pipeline file; a GitHub one its repository and workflow.
        const gitlab = typeof payload.project_path === 'string';
        const project = gitlab ? payload.project_path : payload.repository;
        if (project !== record.repository) throw new Error(`repository ${String(project)} is not ${record.repository}`);
        const file = gitlab
          ? /\/\/([^@]+)@/.exec(String(payload.ci_config_ref_uri ?? ''))?.[1]
          : /\/\.github\/workflows\/([^@]+)@/.exec(String(payload.workflow_ref ?? ''))?.[1];
        if (file !== record.workflow) throw new Error(`workflow ${file} is not ${record.workflow}`);
        if (record.environment && payload.environment !== record.environment)
          throw new Error(`environment ${String(payload.environment)} is not ${record.environment}`);
        const token = options.upstreamToken ?? `oidc-exchanged-${Math.random().toString(36).slice(2)}`;
        issued.add(token);
        exchanges.push({ name, ok: true });
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ token }));
      } catch (error) {
        exchanges.push({ name, ok: false, reason: (error as Error).message });
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: `OIDC token exchange refused: ${(error as Error).message}` }));
      }
      return;
    }
    const isUpload = req.method === 'PUT' && !url.startsWith('/-/');
    const uploadName = decodeURIComponent(url.slice(1).split('?')[0]);
    const uploadVersion = isUpload ? versionInPackument(body) : undefined;
    if (isUpload) {
      const auth = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
      if (!issued.has(auth)) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'publish requires a token from the OIDC exchange' }));
        uploads.push({ name: uploadName, version: uploadVersion, at: Date.now(), status: 401 });
        return;
      }
    }
    const fault = isUpload ? faults.upload?.({ name: uploadName, version: uploadVersion }) : undefined;
    const settled = () => fault?.settled?.();
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault?.respond) {
      uploads.push({ name: uploadName, version: uploadVersion, at: Date.now(), status: fault.respond.status });
      if (!res.destroyed) {
        res.writeHead(fault.respond.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(fault.respond.body ?? { error: `injected ${fault.respond.status}` }));
      }
      settled();
      return;
    }
    const headers = { ...req.headers, host: upstream.host };
    const forward = http.request({ hostname: upstream.hostname, port: upstream.port, path: url, method: req.method, headers }, (up) => {
      if (isUpload) uploads.push({ name: uploadName, version: uploadVersion, at: Date.now(), status: up.statusCode ?? 0 });
      void (async () => {
        if (fault?.afterForward) await fault.afterForward();
        if (fault?.dropAnswer || res.destroyed) {
          up.resume();
          req.socket.destroy();
        } else {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        }
        settled();
      })();
    });
    forward.on('error', (error) => {
      if (isUpload) uploads.push({ name: uploadName, version: uploadVersion, at: Date.now(), status: 502 });
      if (!res.destroyed && !res.headersSent) {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: error.message }));
      }
      settled();
    });
    forward.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    uploads,
    exchanges,
    trust,
    faults,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** The version(s) a publish PUT carries (its packument's `versions` keys), comma-joined; undefined when the body is not one. */
function versionInPackument(body: Buffer): string | undefined {
  try {
    const doc = JSON.parse(body.toString('utf8')) as { versions?: Record<string, unknown> };
    const versions = doc && typeof doc.versions === 'object' && doc.versions ? Object.keys(doc.versions) : [];
    return versions.length ? versions.join(',') : undefined;
  } catch {
    return undefined;
  }
}
