import { createHash } from 'node:crypto';
import { sparseIndexPath } from '../../src/core/registries/crates-io/sparse-index';
import { startHttpStub, type HttpStub, type StubRequest } from '../http-stub';

/**
 * A loopback crates.io that takes real `cargo publish` uploads and then serves what it took: the
 * sparse index under `/index/` (lines with the crate's real dependencies and checksum, so cargo can
 * resolve and verify crates that depend on crates published earlier), the API under `/api/v1`, and
 * the `.crate` downloads. (`test-utils/crates-index.ts` answers lookups only: its index lists no
 * dependencies and it cannot serve downloads, which cargo's verify build of a dependent crate needs.)
 */
export interface CrateVersion {
  name: string;
  vers: string;
  deps: IndexDependency[];
  cksum: string;
  features: Record<string, string[]>;
  links?: string | null;
  crate: Buffer;
  at: number;
}

export interface IndexDependency {
  name: string;
  req: string;
  features: string[];
  optional: boolean;
  default_features: boolean;
  target: string | null;
  kind: string;
  registry?: string;
  package?: string;
}

export interface LoopbackCratesRegistry {
  stub: HttpStub;
  /** `http://127.0.0.1:P/api/v1` (MONOCHANGE_CRATES_IO_API_URL). */
  apiUrl: string;
  /** `http://127.0.0.1:P/index` (MONOCHANGE_CRATES_IO_INDEX_URL; the adapter passes `--index sparse+<it>/`). */
  indexUrl: string;
  /** Accepted uploads, in arrival order. */
  published(): CrateVersion[];
  /** Every `PUT /api/v1/crates/new`, accepted or refused. */
  putCount(): number;
  close(): Promise<void>;
}

export async function startLoopbackCratesRegistry(options: { acceptToken: (token: string) => boolean }): Promise<LoopbackCratesRegistry> {
  const stub = await startHttpStub();
  const versions: CrateVersion[] = [];
  let puts = 0;
  const of = (name: string) => versions.filter((v) => v.name.toLowerCase() === name.toLowerCase());

  stub.route('GET', /^\/index\/.+/, (req) => {
    const rel = req.path.slice('/index/'.length);
    const name = rel.split('/').pop() ?? '';
    const list = of(name);
    if (list.length === 0 || sparseIndexPath(name) !== rel) return { status: 404, body: 'not found' };
    const lines = list.map((v) =>
      JSON.stringify({ name: v.name, vers: v.vers, deps: v.deps, cksum: v.cksum, features: v.features, yanked: false, links: v.links ?? null, v: 2 }),
    );
    return { headers: { 'content-type': 'text/plain' }, body: `${lines.join('\n')}\n` };
  });
  // Routes registered later win, so this one beats the catch-all index route above.
  stub.route('GET', '/index/config.json', () => ({ body: { dl: `${stub.url}/api/v1/crates`, api: stub.url } }));
  stub.route('GET', /^\/api\/v1\/crates\/[^/]+$/, (req) => {
    const list = of(req.path.split('/').pop() ?? '');
    if (list.length === 0) return { status: 404, body: { errors: [{ detail: 'Not Found' }] } };
    return {
      body: {
        crate: { id: list[0].name, name: list[0].name, max_version: list[list.length - 1].vers },
        versions: list.map((v) => ({ crate: v.name, num: v.vers, yanked: false, checksum: v.cksum })),
      },
    };
  });
  stub.route('GET', /^\/api\/v1\/crates\/[^/]+\/[^/]+\/download$/, (req) => {
    const [, , , , name, vers] = req.path.split('/');
    const found = of(name).find((v) => v.vers === vers);
    return found ? { headers: { 'content-type': 'application/gzip' }, body: found.crate } : { status: 404, body: 'not found' };
  });
  stub.route('PUT', '/api/v1/crates/new', (req) => {
    puts++;
    const token = header(req, 'authorization');
    if (!token || !options.acceptToken(token)) {
      return { status: 403, body: { errors: [{ detail: 'authentication failed: the token is not allowed to publish (loopback crates.io)' }] } };
    }
    let upload: CrateVersion;
    try {
      upload = parseUpload(req.body);
    } catch (error) {
      return { status: 400, body: { errors: [{ detail: `malformed upload: ${(error as Error).message}` }] } };
    }
    if (of(upload.name).some((v) => v.vers === upload.vers)) {
      return { status: 400, body: { errors: [{ detail: `crate version \`${upload.vers}\` is already uploaded` }] } };
    }
    versions.push(upload);
    return { body: { warnings: { invalid_categories: [], invalid_badges: [], other: [] } } };
  });

  return {
    stub,
    apiUrl: `${stub.url}/api/v1`,
    indexUrl: `${stub.url}/index`,
    published: () => [...versions],
    putCount: () => puts,
    close: () => stub.close(),
  };
}

function header(req: StubRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

interface UploadDependency {
  name: string;
  version_req: string;
  features?: string[];
  optional?: boolean;
  default_features?: boolean;
  target?: string | null;
  kind?: string;
  registry?: string | null;
  explicit_name_in_toml?: string | null;
}

/** Cargo's upload body: u32le JSON length, JSON metadata, u32le crate length, `.crate` bytes. */
function parseUpload(body: Buffer): CrateVersion {
  const jsonLength = body.readUInt32LE(0);
  const meta = JSON.parse(body.subarray(4, 4 + jsonLength).toString('utf8')) as {
    name: string;
    vers: string;
    deps?: UploadDependency[];
    features?: Record<string, string[]>;
    links?: string | null;
  };
  const crateLength = body.readUInt32LE(4 + jsonLength);
  const crate = Buffer.from(body.subarray(8 + jsonLength, 8 + jsonLength + crateLength));
  if (crate.length !== crateLength) throw new Error(`crate is ${crate.length} bytes, header says ${crateLength}`);
  // The index renames a few fields of the upload's dependency list (cargo's registry docs).
  const deps = (meta.deps ?? []).map((d): IndexDependency => {
    const dep: IndexDependency = {
      name: d.explicit_name_in_toml ?? d.name,
      req: d.version_req,
      features: d.features ?? [],
      optional: d.optional ?? false,
      default_features: d.default_features ?? true,
      target: d.target ?? null,
      kind: d.kind ?? 'normal',
    };
    if (d.registry) dep.registry = d.registry;
    if (d.explicit_name_in_toml) dep.package = d.name;
    return dep;
  });
  return {
    name: meta.name,
    vers: meta.vers,
    deps,
    cksum: createHash('sha256').update(crate).digest('hex'),
    features: meta.features ?? {},
    links: meta.links ?? null,
    crate,
    at: Date.now(),
  };
}
