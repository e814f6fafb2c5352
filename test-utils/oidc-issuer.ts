import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { OIDC_AUDIENCE } from '../src/core/ci/oidc/constants';

/**
 * A loopback stand-in for GitHub's Actions OIDC issuer: an RS256 key pair made at start, the JWKS
 * at `/.well-known/jwks` (and discovery at `/.well-known/openid-configuration`) on 127.0.0.1, a
 * token endpoint like `ACTIONS_ID_TOKEN_REQUEST_URL`, and `mint()` for crafting good and evil
 * tokens. Use it with `config.source.oidc.issuer = issuer.url` (loopback http is accepted).
 * It also plays a GitLab instance: `gitlabClaims()` / `gitlabEnv()` give a GitLab CI/CD job's ID
 * token claims and CI_* variables, and the discovery document names the JWKS (`jwks_uri`).
 */

export type Claims = Record<string, unknown>;

export interface MintOptions {
  /** Header `alg`; `none` yields an unsigned token, `HS*` needs `key` as a byte secret. */
  alg?: string;
  /** Header `kid`; `null` leaves it out. Defaults to the issuer's key id. */
  kid?: string | null;
  /** Signing key: another RSA private key (forgeries) or HMAC secret bytes. */
  key?: CryptoKey | Uint8Array;
  /** Extra header fields (e.g. `jku`). */
  header?: Record<string, unknown>;
}

/**
 * What the token endpoint answers. Default: a token minted from `githubEnv()`'s claims. Like
 * GitHub, each minted token gets a new `jti` (`sameJti` keeps the claims' own, for replay cases)
 * and, with `refreshTimes`, `iat`/`nbf`/`exp` moved to the time of the request.
 */
export type TokenEndpointAnswer =
  { claims: Claims; sameJti?: boolean; refreshTimes?: boolean } | { token: string } | { status: number; body: string; contentType?: string };

export interface RecordedRequest {
  method: string;
  path: string;
  url: string;
  headers: http.IncomingHttpHeaders;
}

export interface LoopbackOidcIssuer {
  /** The issuer (`http://127.0.0.1:PORT`), also the default `iss` of minted claims. */
  url: string;
  jwksUrl: string;
  /** Token endpoint URL as GitHub gives it: it already carries a query string. */
  tokenUrl: string;
  /** Fake bearer the token endpoint requires. */
  requestToken: string;
  kid: string;
  publicJwk: JWK;
  publicKey: CryptoKey;
  privateKey: CryptoKey;
  requests: RecordedRequest[];
  /** A complete, valid GitHub claim set for a tag push of acme/widgets; `undefined` overrides delete a claim. */
  claims(overrides?: Claims): Claims;
  mint(claims: Claims, options?: MintOptions): Promise<string>;
  /** GITHUB_* and ACTIONS_ID_TOKEN_REQUEST_* env matching `claims`; the token endpoint will mint them. */
  githubEnv(claims?: Claims): Record<string, string>;
  serve(answer: TokenEndpointAnswer): void;
  /** Make the JWKS endpoint answer this status (e.g. 500) instead of the keys; `undefined` restores it. */
  failJwks(status: number | undefined): void;
  /**
   * GitLab flavour: a complete, valid GitLab CI/CD ID token claim set (project acme/widgets, tag
   * v1.2.3, protected, push pipeline, `.gitlab-ci.yml`); `undefined` overrides delete a claim.
   */
  gitlabClaims(overrides?: Claims): Claims;
  /** GITLAB_CI and the CI_* variables GitLab's runner sets for `claims`, plus `MONOCHANGE_ID_TOKEN` = `token` when given. */
  gitlabEnv(claims?: Claims, token?: string): Record<string, string>;
  /** Fields merged over the OpenID configuration document (e.g. a foreign `jwks_uri`); `undefined` restores it. */
  patchDiscovery(patch: Record<string, unknown> | undefined): void;
  close(): Promise<void>;
}

export const FAKE_REQUEST_TOKEN = 'fake-actions-request-token-for-tests';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export async function startOidcIssuer(): Promise<LoopbackOidcIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `test-key-${randomUUID().slice(0, 8)}`;
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const requests: RecordedRequest[] = [];
  let answer: TokenEndpointAnswer | undefined;
  let jwksFailure: number | undefined;
  let discoveryPatch: Record<string, unknown> | undefined;
  let url = '';

  async function mint(claims: Claims, options: MintOptions = {}): Promise<string> {
    const alg = options.alg ?? 'RS256';
    const header: Record<string, unknown> = { alg, typ: 'JWT', ...options.header };
    if (options.kid !== null) header.kid = options.kid ?? kid;
    if (alg === 'none') return `${b64(header)}.${b64(claims)}.`;
    const key = options.key ?? (alg.startsWith('HS') ? undefined : privateKey);
    if (!key) throw new Error(`mint: alg ${alg} needs options.key`);
    return new SignJWT(claims as Record<string, unknown>).setProtectedHeader(header as { alg: string }).sign(key);
  }

  function claims(overrides: Claims = {}): Claims {
    const now = Math.floor(Date.now() / 1000);
    const ref = 'refs/tags/v1.2.3';
    const base: Claims = {
      iss: url,
      aud: OIDC_AUDIENCE,
      sub: `repo:acme/widgets:environment:release`,
      jti: randomUUID(),
      iat: now - 5,
      nbf: now - 5,
      exp: now + 300,
      repository: 'acme/widgets',
      repository_id: '123456',
      repository_owner: 'acme',
      repository_owner_id: '7890',
      repository_visibility: 'public',
      workflow_ref: `acme/widgets/.github/workflows/publish.yml@${ref}`,
      job_workflow_ref: `acme/widgets/.github/workflows/publish.yml@${ref}`,
      ref,
      ref_type: 'tag',
      sha: 'a'.repeat(40),
      event_name: 'push',
      environment: 'release',
      runner_environment: 'github-hosted',
      run_id: '4242',
      run_attempt: '1',
      actor: 'octocat',
    };
    const out = { ...base, ...overrides };
    for (const [k, v] of Object.entries(out)) if (v === undefined) delete out[k];
    return out;
  }

  function gitlabClaims(overrides: Claims = {}): Claims {
    const now = Math.floor(Date.now() / 1000);
    const host = new URL(url).host;
    const base: Claims = {
      iss: url,
      aud: OIDC_AUDIENCE,
      sub: 'project_path:acme/widgets:ref_type:tag:ref:v1.2.3',
      jti: randomUUID(),
      iat: now - 5,
      nbf: now - 10,
      exp: now + 300,
      namespace_id: '7890',
      namespace_path: 'acme',
      project_id: '123456',
      project_path: 'acme/widgets',
      project_visibility: 'public',
      user_id: '42',
      user_login: 'maintainer',
      pipeline_id: '7700',
      pipeline_source: 'push',
      job_id: '99100',
      ref: 'v1.2.3',
      ref_type: 'tag',
      ref_path: 'refs/tags/v1.2.3',
      ref_protected: 'true',
      environment: 'release',
      environment_protected: 'true',
      deployment_tier: 'production',
      runner_id: '1',
      runner_environment: 'gitlab-hosted',
      sha: 'b'.repeat(40),
      ci_config_ref_uri: `${host}/acme/widgets//.gitlab-ci.yml@refs/tags/v1.2.3`,
      ci_config_sha: 'b'.repeat(40),
    };
    const out = { ...base, ...overrides };
    for (const [k, v] of Object.entries(out)) if (v === undefined) delete out[k];
    return out;
  }

  function fresh(a: { claims: Claims; sameJti?: boolean; refreshTimes?: boolean }): Claims {
    const out: Claims = { ...a.claims };
    if (!a.sameJti) out.jti = randomUUID();
    if (a.refreshTimes && typeof out.iat === 'number' && typeof out.exp === 'number') {
      const now = Math.floor(Date.now() / 1000);
      const shift = now - 5 - out.iat;
      out.iat = now - 5;
      out.exp += shift;
      if (typeof out.nbf === 'number') out.nbf += shift;
    }
    return out;
  }

  const server = http.createServer(async (req, res) => {
    for await (const _chunk of req) void _chunk;
    const reqUrl = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ method: req.method ?? 'GET', path: reqUrl.pathname, url: req.url ?? '/', headers: req.headers });
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    try {
      if (reqUrl.pathname === '/.well-known/jwks') {
        if (jwksFailure !== undefined) return json(jwksFailure, { message: 'jwks unavailable' });
        return json(200, { keys: [publicJwk] });
      }
      if (reqUrl.pathname === '/.well-known/openid-configuration') {
        return json(200, {
          issuer: url,
          jwks_uri: `${url}/.well-known/jwks`,
          subject_types_supported: ['public', 'pairwise'],
          response_types_supported: ['id_token'],
          id_token_signing_alg_values_supported: ['RS256'],
          claims_supported: ['sub', 'aud', 'exp', 'iat', 'iss', 'jti', 'nbf', 'ref', 'repository', 'repository_id'],
          ...discoveryPatch,
        });
      }
      if (reqUrl.pathname === '/token') {
        if (req.headers.authorization !== `Bearer ${FAKE_REQUEST_TOKEN}`) return json(401, { message: 'Bad credentials' });
        const audience = reqUrl.searchParams.get('audience');
        if (!audience) return json(400, { message: 'audience is required' });
        const a = answer ?? { claims: claims() };
        if ('status' in a) {
          res.writeHead(a.status, { 'content-type': a.contentType ?? 'text/plain' });
          return res.end(a.body);
        }
        if ('token' in a) return json(200, { count: 1, value: a.token });
        return json(200, { count: 1, value: await mint({ ...fresh(a), aud: audience }) });
      }
      json(404, { message: 'not found' });
    } catch (error) {
      json(500, { message: String(error) });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    jwksUrl: `${url}/.well-known/jwks`,
    tokenUrl: `${url}/token?api-version=2.0`,
    requestToken: FAKE_REQUEST_TOKEN,
    kid,
    publicJwk,
    publicKey,
    privateKey,
    requests,
    claims,
    mint,
    githubEnv(c: Claims = claims()) {
      answer = { claims: c };
      const env: Record<string, string> = {
        GITHUB_ACTIONS: 'true',
        ACTIONS_ID_TOKEN_REQUEST_URL: `${url}/token?api-version=2.0`,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: FAKE_REQUEST_TOKEN,
      };
      const pairs: Array<[string, string]> = [
        ['GITHUB_REPOSITORY', 'repository'],
        ['GITHUB_REPOSITORY_OWNER', 'repository_owner'],
        ['GITHUB_REF', 'ref'],
        ['GITHUB_REF_TYPE', 'ref_type'],
        ['GITHUB_SHA', 'sha'],
        ['GITHUB_WORKFLOW_REF', 'workflow_ref'],
        ['GITHUB_EVENT_NAME', 'event_name'],
        ['GITHUB_RUN_ID', 'run_id'],
        ['GITHUB_RUN_ATTEMPT', 'run_attempt'],
        ['RUNNER_ENVIRONMENT', 'runner_environment'],
      ];
      for (const [variable, claim] of pairs) if (typeof c[claim] === 'string') env[variable] = c[claim] as string;
      if (typeof c.ref === 'string') env.GITHUB_REF_NAME = c.ref.replace(/^refs\/(heads|tags)\//, '');
      return env;
    },
    serve(a) {
      answer = a;
    },
    gitlabClaims,
    gitlabEnv(c?: Claims, token?: string) {
      const claimsFor = c ?? gitlabClaims();
      const str = (name: string) => (typeof claimsFor[name] === 'string' ? (claimsFor[name] as string) : undefined);
      const env: Record<string, string> = { GITLAB_CI: 'true', CI: 'true', CI_SERVER_URL: url };
      const pairs: Array<[string, string]> = [
        ['CI_PROJECT_PATH', 'project_path'],
        ['CI_PROJECT_NAMESPACE', 'namespace_path'],
        ['CI_PROJECT_ID', 'project_id'],
        ['CI_COMMIT_REF_NAME', 'ref'],
        ['CI_COMMIT_REF_PROTECTED', 'ref_protected'],
        ['CI_PIPELINE_SOURCE', 'pipeline_source'],
        ['CI_PIPELINE_ID', 'pipeline_id'],
        ['CI_JOB_ID', 'job_id'],
        ['CI_COMMIT_SHA', 'sha'],
        ['CI_ENVIRONMENT_NAME', 'environment'],
      ];
      for (const [variable, claim] of pairs) {
        const value = str(claim);
        if (value !== undefined) env[variable] = value;
      }
      if (str('ref_type') === 'tag' && str('ref')) env.CI_COMMIT_TAG = str('ref')!;
      const configPath = /\/\/([^@]+)@/.exec(str('ci_config_ref_uri') ?? '')?.[1];
      if (configPath) env.CI_CONFIG_PATH = configPath;
      if (token !== undefined) env.MONOCHANGE_ID_TOKEN = token;
      return env;
    },
    patchDiscovery(patch) {
      discoveryPatch = patch;
    },
    failJwks(status) {
      jwksFailure = status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
