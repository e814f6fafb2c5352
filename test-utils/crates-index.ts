import { createHash } from 'node:crypto';
import { sparseIndexPath } from '../src/core/registries/crates-io/sparse-index';
import { startHttpStub, type HttpStub, type StubRequest, type StubResponse } from './http-stub';

/** One crate upload received by the stub (`PUT /api/v1/crates/new`). */
export interface CrateUpload {
  name: string;
  vers: string;
  /** Parsed metadata JSON that cargo sent with the upload. */
  metadata: Record<string, unknown>;
  crateBytes: Buffer;
  authorization?: string;
}

/**
 * A loopback crates.io: a sparse index under `/index/` (with `config.json` pointing cargo at this
 * server) and the API under `/api/v1` (crate lookups and uploads). Uploads are added to both, so
 * cargo's "wait until the crate is in the index" step finishes at once.
 */
export interface CratesRegistryStub {
  stub: HttpStub;
  /** `http://127.0.0.1:P/api/v1` — value for MONOCHANGE_CRATES_IO_API_URL. */
  apiUrl: string;
  /** `http://127.0.0.1:P/index` — value for MONOCHANGE_CRATES_IO_INDEX_URL. */
  indexUrl: string;
  uploads: CrateUpload[];
  /** Number of `PUT /api/v1/crates/new` requests received (accepted or not). */
  putCount(): number;
  addVersion(name: string, vers: string): void;
  /** Answer every following upload with this (e.g. a 403) instead of accepting it; undefined restores. */
  rejectUploads(answer: StubResponse | undefined): void;
  /** Both override variables, ready to merge into an env. */
  env(): Record<string, string>;
  close(): Promise<void>;
}

export async function startCratesRegistry(): Promise<CratesRegistryStub> {
  const stub = await startHttpStub();
  const crates = new Map<string, Array<{ name: string; vers: string; cksum: string }>>();
  const uploads: CrateUpload[] = [];
  let rejection: StubResponse | undefined;
  const addVersion = (name: string, vers: string, cksum = '0'.repeat(64)) => {
    const list = crates.get(name.toLowerCase()) ?? [];
    list.push({ name, vers, cksum });
    crates.set(name.toLowerCase(), list);
  };

  stub.route('GET', /^\/index\/.+/, (req) => {
    const rel = req.path.slice('/index/'.length);
    const name = rel.split('/').pop() ?? '';
    const list = crates.get(name.toLowerCase());
    if (!list || sparseIndexPath(name) !== rel) return { status: 404, body: 'not found' };
    const lines = list.map((v) => JSON.stringify({ name: v.name, vers: v.vers, deps: [], cksum: v.cksum, features: {}, yanked: false, v: 2 }));
    return { headers: { 'content-type': 'text/plain' }, body: `${lines.join('\n')}\n` };
  });
  // Registered after the catch-all index route: the stub tries the newest route first.
  stub.route('GET', '/index/config.json', () => ({ body: { dl: `${stub.url}/api/v1/crates`, api: stub.url } }));
  stub.route('GET', /^\/api\/v1\/crates\/[^/]+$/, (req) => {
    const name = req.path.split('/').pop() ?? '';
    const list = crates.get(name.toLowerCase());
    if (!list) return { status: 404, body: { errors: [{ detail: 'Not Found' }] } };
    return { body: { crate: { name: list[0].name, max_version: list[list.length - 1].vers }, versions: list.map((v) => ({ num: v.vers, yanked: false })) } };
  });
  stub.route('PUT', '/api/v1/crates/new', (req) => {
    if (rejection) return rejection;
    if (!req.headers.authorization) return { status: 403, body: { errors: [{ detail: 'this action requires authentication' }] } };
    const upload = parseUpload(req);
    uploads.push(upload);
    if (crates.get(upload.name.toLowerCase())?.some((v) => v.vers === upload.vers)) {
      return { status: 400, body: { errors: [{ detail: `crate version \`${upload.vers}\` is already uploaded` }] } };
    }
    addVersion(upload.name, upload.vers, createHash('sha256').update(upload.crateBytes).digest('hex'));
    return { body: { warnings: { invalid_categories: [], invalid_badges: [], other: [] } } };
  });

  return {
    stub,
    apiUrl: `${stub.url}/api/v1`,
    indexUrl: `${stub.url}/index`,
    uploads,
    putCount: () => stub.requests.filter((r) => r.method === 'PUT' && r.path === '/api/v1/crates/new').length,
    addVersion: (name, vers) => addVersion(name, vers),
    rejectUploads: (answer) => {
      rejection = answer;
    },
    env: () => ({ MONOCHANGE_CRATES_IO_API_URL: `${stub.url}/api/v1`, MONOCHANGE_CRATES_IO_INDEX_URL: `${stub.url}/index` }),
    close: () => stub.close(),
  };
}

/** Cargo's upload body: u32le JSON length, JSON metadata, u32le crate length, .crate bytes. */
function parseUpload(req: StubRequest): CrateUpload {
  const body = req.body;
  const jsonLength = body.readUInt32LE(0);
  const metadata = JSON.parse(body.subarray(4, 4 + jsonLength).toString('utf8')) as Record<string, unknown>;
  const crateLength = body.readUInt32LE(4 + jsonLength);
  const crateBytes = body.subarray(8 + jsonLength, 8 + jsonLength + crateLength);
  const auth = req.headers.authorization;
  return { name: String(metadata.name), vers: String(metadata.vers), metadata, crateBytes, authorization: Array.isArray(auth) ? auth[0] : auth };
}
