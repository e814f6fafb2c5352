import { jwtVerify } from 'jose';
import type { LoopbackOidcIssuer } from '../oidc-issuer';
import { startHttpStub, type HttpStub, type StubRequest, type StubResponse } from '../http-stub';
import { STAND_IN_PUBLISH_PATH } from './publish-stand-ins';

/**
 * Loopback JSR, PyPI and pub.dev: the JSON lookups the adapters make, answered from state that
 * changes when a stand-in tool publishes (POST `/__stand-in__/publish` on the registry the tool
 * was pointed at). Each is its own server, so a URL override that goes to the wrong registry fails.
 */
export type StandInRegistryId = 'jsr' | 'pypi' | 'pub_dev';

export interface StandInUpload {
  registry: StandInRegistryId;
  name: string;
  version: string;
  at: number;
  /** How the tool authenticated: `oidc` (a verified ID token), `token`, or a human's `local-credentials`. */
  auth: 'oidc' | 'token' | 'local-credentials';
  /** Identity claims of the verified ID token (oidc only). */
  identity?: { repository?: string; workflow_ref?: string; environment?: string; ref?: string };
}

export interface StandInRegistries {
  /** JSR base (MONOCHANGE_JSR_BASE_URL; deno gets it as JSR_URL). */
  jsrUrl: string;
  /** PyPI JSON API `…/pypi` (MONOCHANGE_PYPI_API_URL; uploads go to `<origin>/legacy/`). */
  pypiUrl: string;
  /** pub.dev API `…/api` (MONOCHANGE_PUB_DEV_API_URL; dart gets the origin as PUB_HOSTED_URL). */
  pubUrl: string;
  uploads(): StandInUpload[];
  /** Refused publishes (bad token, duplicate version), for assertions. */
  refusals(): Array<{ registry: StandInRegistryId; name?: string; version?: string; reason: string }>;
  /** Make a version exist without an upload (published before the test, or by someone else). */
  seed(registry: StandInRegistryId, name: string, version: string): void;
  close(): Promise<void>;
}

/** Audiences the stand-ins request their ID tokens for (the real registries' own). */
export const STAND_IN_AUDIENCES: Record<StandInRegistryId, string> = { jsr: 'jsr.io', pypi: 'pypi', pub_dev: 'https://pub.dev' };

/** PEP 503: runs of `-`, `_`, `.` are one `-`, lower case. */
export function normalizePypiName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

export async function startStandInRegistries(issuer: LoopbackOidcIssuer): Promise<StandInRegistries> {
  const stubs: Record<StandInRegistryId, HttpStub> = { jsr: await startHttpStub(), pypi: await startHttpStub(), pub_dev: await startHttpStub() };
  const versions = new Map<string, string[]>();
  const uploads: StandInUpload[] = [];
  const refusals: Array<{ registry: StandInRegistryId; name?: string; version?: string; reason: string }> = [];
  const key = (registry: StandInRegistryId, name: string) => `${registry}\0${registry === 'pypi' ? normalizePypiName(name) : name}`;
  const listed = (registry: StandInRegistryId, name: string) => versions.get(key(registry, name)) ?? [];
  const add = (registry: StandInRegistryId, name: string, version: string) => versions.set(key(registry, name), [...listed(registry, name), version]);

  for (const registry of Object.keys(stubs) as StandInRegistryId[]) {
    stubs[registry].route('POST', STAND_IN_PUBLISH_PATH, async (req) => {
      const refuse = (status: number, reason: string, name?: string, version?: string): StubResponse => {
        refusals.push({ registry, name, version, reason });
        return { status, body: { error: reason } };
      };
      let body: { registry?: string; name?: string; version?: string; auth?: StandInUpload['auth'] };
      try {
        body = JSON.parse(req.body.toString('utf8'));
      } catch {
        return refuse(400, 'body is not JSON');
      }
      const { name, version } = body;
      if (!name || !version) return refuse(400, 'name and version are required', name, version);
      if (body.registry !== registry) return refuse(400, `this is the ${registry} registry, the tool published to ${String(body.registry)}`, name, version);
      let identity: StandInUpload['identity'];
      const bearer = bearerOf(req);
      if (bearer) {
        try {
          const { payload } = await jwtVerify(bearer, issuer.publicKey, { issuer: issuer.url, audience: STAND_IN_AUDIENCES[registry], algorithms: ['RS256'] });
          identity = pick(payload as Record<string, unknown>, ['repository', 'workflow_ref', 'environment', 'ref']);
        } catch (error) {
          return refuse(401, `invalid OIDC token: ${(error as Error).message}`, name, version);
        }
      }
      if (listed(registry, name).includes(version)) return refuse(409, `${name} ${version} already exists`, name, version);
      add(registry, name, version);
      uploads.push({
        registry,
        name: registry === 'pypi' ? normalizePypiName(name) : name,
        version,
        at: Date.now(),
        auth: bearer ? 'oidc' : body.auth === 'token' ? 'token' : 'local-credentials',
        ...(identity ? { identity } : {}),
      });
      return { status: 201, body: { ok: true } };
    });
  }

  stubs.jsr.route('GET', /^\/@[^/]+\/[^/]+\/meta\.json$/, (req) => {
    const name = req.path.slice(1, -'/meta.json'.length);
    const list = listed('jsr', name);
    if (list.length === 0) return { status: 404, body: { code: 'packageNotFound', message: 'Package not found' } };
    const [scope, pkg] = name.slice(1).split('/');
    return { body: { scope, name: pkg, latest: list[list.length - 1], versions: Object.fromEntries(list.map((v) => [v, {}])) } };
  });
  stubs.pypi.route('GET', /^\/pypi\/[^/]+\/json$/, (req) => {
    const name = req.path.split('/')[2];
    const list = listed('pypi', name);
    if (list.length === 0) return { status: 404, body: { message: 'Not Found' } };
    return {
      body: {
        info: { name: normalizePypiName(name), version: list[list.length - 1] },
        releases: Object.fromEntries(list.map((v) => [v, [{ filename: `${normalizePypiName(name).replace(/-/g, '_')}-${v}.tar.gz` }]])),
      },
    };
  });
  stubs.pub_dev.route('GET', /^\/api\/packages\/[^/]+$/, (req) => {
    const name = req.path.split('/')[3];
    const list = listed('pub_dev', name);
    if (list.length === 0) return { status: 404, body: { error: { code: 'NotFound', message: `Could not find package ${name}` } } };
    const entry = (version: string) => ({ version, pubspec: { name, version } });
    return { body: { name, latest: entry(list[list.length - 1]), versions: list.map(entry) } };
  });

  return {
    jsrUrl: stubs.jsr.url,
    pypiUrl: `${stubs.pypi.url}/pypi`,
    pubUrl: `${stubs.pub_dev.url}/api`,
    uploads: () => [...uploads],
    refusals: () => [...refusals],
    seed: add,
    close: async () => {
      await Promise.all(Object.values(stubs).map((s) => s.close()));
    },
  };
}

function bearerOf(req: StubRequest): string | undefined {
  const header = req.headers.authorization;
  const value = Array.isArray(header) ? header[0] : header;
  const m = value && /^Bearer\s+(.+)$/i.exec(value);
  return m ? m[1] : undefined;
}

function pick(payload: Record<string, unknown>, keys: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of keys) if (typeof payload[k] === 'string') out[k] = payload[k] as string;
  return out;
}
