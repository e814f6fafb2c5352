import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLocalJWKSet, exportSPKI, generateKeyPair } from 'jose';
import { refusedPortUrl } from '../../../../test-utils/http-stub';
import { startOidcIssuer, type Claims, type LoopbackOidcIssuer } from '../../../../test-utils/oidc-issuer';
import type { Env } from '../../types';
import { GITHUB_OIDC_ISSUER, OIDC_AUDIENCE } from './constants';
import { verifyGithubIdentity, type GithubIdentityResult, type VerifyGithubIdentityInput } from './verify-identity';

let iss: LoopbackOidcIssuer;
let evil: LoopbackOidcIssuer;
let closedUrl: string;

beforeAll(async () => {
  iss = await startOidcIssuer();
  evil = await startOidcIssuer();
  closedUrl = await refusedPortUrl();
});
afterAll(async () => {
  await iss.close();
  await evil.close();
});
afterEach(() => {
  iss.failJwks(undefined);
});

const nowSec = () => Math.floor(Date.now() / 1000);
const loopbackConfig = () => ({ file: '/ws/monochange.toml', source: { oidc: { issuer: iss.url } } });

/** Runs the whole flow, capturing what would go to stdout; returns the masked tokens too. */
async function run(input: Partial<VerifyGithubIdentityInput> & { env: Env }) {
  const written: string[] = [];
  const result = await verifyGithubIdentity({ config: loopbackConfig(), write: (t) => written.push(t), ...input });
  const masked = written.map((w) => w.replace(/^::add-mask::/, '').trim());
  return { result, written, masked };
}

/** Env for claims, with the token endpoint answering exactly `token`. */
function envServing(token: string, claims: Claims = iss.claims()): Env {
  const env = iss.githubEnv(claims);
  iss.serve({ token });
  return env;
}

/**
 * For the default (public GitHub) issuer, whose token hosts are `*.actions.githubusercontent.com`:
 * the request URL is GitHub-shaped and the injected fetch answers it from the loopback issuer.
 */
function viaGithubTokenHost(env: Env): { env: Env; fetch: typeof fetch } {
  const githubUrl = 'https://pipelinesghubeus2.actions.githubusercontent.com/token?api-version=2.0';
  const loopback = ((url: string, init?: RequestInit) => {
    const target = new URL(url);
    if (target.hostname !== 'pipelinesghubeus2.actions.githubusercontent.com') throw new Error(`unexpected request to ${target.hostname}`);
    return fetch(`${iss.url}${target.pathname}${target.search}`, init);
  }) as typeof fetch;
  return { env: { ...env, ACTIONS_ID_TOKEN_REQUEST_URL: githubUrl }, fetch: loopback };
}

interface Arranged {
  input: Partial<VerifyGithubIdentityInput> & { env: Env };
  /** Tokens that must never appear in the reason. */
  tokens?: string[];
}
interface Case {
  name: string;
  status: 'refused' | 'unverified';
  code: string;
  /** Words the reason must contain (it names the problem). */
  mentions: string[];
  arrange: () => Promise<Arranged>;
}

const served = (claims: Claims, mintOpts?: Parameters<LoopbackOidcIssuer['mint']>[1]) => async (): Promise<Arranged> => {
  const token = await iss.mint(claims, mintOpts);
  return { input: { env: envServing(token, claims) }, tokens: [token] };
};
const withEnv = (overrides: Env) => async (): Promise<Arranged> => ({ input: { env: { ...iss.githubEnv(), ...overrides } } });

const VERIFY_CASES: Case[] = [
  // Token validity
  {
    name: 'expired token',
    status: 'refused',
    code: 'oidc.token-expired',
    mentions: ['expired'],
    arrange: () => served(iss.claims({ iat: nowSec() - 900, nbf: nowSec() - 900, exp: nowSec() - 120 }))(),
  },
  {
    name: 'not yet valid (nbf in the future)',
    status: 'refused',
    code: 'oidc.token-not-yet-valid',
    mentions: ['nbf', 'not valid yet'],
    arrange: () => served(iss.claims({ nbf: nowSec() + 600 }))(),
  },
  {
    name: 'iat in the future beyond leeway',
    status: 'refused',
    code: 'oidc.token-iat-future',
    mentions: ['iat', 'future'],
    arrange: () => served(iss.claims({ iat: nowSec() + 600, nbf: undefined }))(),
  },
  {
    name: 'missing exp',
    status: 'refused',
    code: 'oidc.token-missing-claim',
    mentions: ['"exp"'],
    arrange: () => served(iss.claims({ exp: undefined }))(),
  },
  {
    name: 'wrong audience (a registry audience)',
    status: 'refused',
    code: 'oidc.token-audience',
    mentions: ['npm:registry.npmjs.org', OIDC_AUDIENCE],
    arrange: () => served(iss.claims({ aud: 'npm:registry.npmjs.org' }))(),
  },
  {
    name: 'audience array that contains ours',
    status: 'refused',
    code: 'oidc.token-audience-array',
    mentions: ['list', 'single string'],
    arrange: () => served(iss.claims({ aud: [OIDC_AUDIENCE, 'pypi'] }))(),
  },
  {
    name: 'missing audience',
    status: 'refused',
    code: 'oidc.token-audience-missing',
    mentions: ['no audience'],
    arrange: () => served(iss.claims({ aud: undefined }))(),
  },
  {
    name: 'lookalike issuer token.actions.githubusercontent.com.evil.com',
    status: 'refused',
    code: 'oidc.token-issuer',
    mentions: ['token.actions.githubusercontent.com.evil.com', `exactly "${GITHUB_OIDC_ISSUER}"`],
    arrange: async () => {
      const claims = iss.claims({ iss: `${GITHUB_OIDC_ISSUER}.evil.com` });
      const token = await iss.mint(claims);
      // Default (public GitHub) issuer; keys injected so nothing leaves loopback.
      return { input: { ...viaGithubTokenHost(envServing(token, claims)), config: {}, jwks: createLocalJWKSet({ keys: [iss.publicJwk] }) }, tokens: [token] };
    },
  },
  {
    name: 'token from another issuer than the configured one',
    status: 'refused',
    code: 'oidc.token-issuer',
    mentions: ['issuer (iss) "http://127.0.0.1:', 'is trusted'],
    arrange: async () => {
      const claims = evil.claims();
      const token = await evil.mint(claims);
      return { input: { env: envServing(token, claims) }, tokens: [token] };
    },
  },
  {
    name: 'unknown kid',
    status: 'refused',
    code: 'oidc.token-unknown-kid',
    mentions: ['rotated-away', 'does not publish'],
    arrange: () => served(iss.claims(), { kid: 'rotated-away' })(),
  },
  {
    name: 'no kid',
    status: 'refused',
    code: 'oidc.token-no-kid',
    mentions: ['no key id'],
    arrange: () => served(iss.claims(), { kid: null })(),
  },
  {
    name: 'jku header pointing at an attacker JWKS',
    status: 'refused',
    code: 'oidc.token-unknown-kid',
    mentions: ['attacker-kid'],
    arrange: async () => {
      const claims = iss.claims();
      const token = await iss.mint(claims, { key: evil.privateKey, kid: 'attacker-kid', header: { jku: evil.jwksUrl } });
      return { input: { env: envServing(token, claims) }, tokens: [token] };
    },
  },
  {
    name: 'alg none',
    status: 'refused',
    code: 'oidc.token-alg',
    mentions: ['"none"', 'unsigned', 'RS256'],
    arrange: () => served(iss.claims(), { alg: 'none' })(),
  },
  {
    name: 'HS256 signed with the public key',
    status: 'refused',
    code: 'oidc.token-alg',
    mentions: ['"HS256"', 'shared-secret'],
    arrange: async () => {
      const secret = new TextEncoder().encode(await exportSPKI(iss.publicKey));
      return served(iss.claims(), { alg: 'HS256', key: secret })();
    },
  },
  {
    name: 'bad signature (payload altered)',
    status: 'refused',
    code: 'oidc.token-bad-signature',
    mentions: ['signature does not verify'],
    arrange: async () => {
      const claims = iss.claims();
      const [h, , s] = (await iss.mint(claims)).split('.');
      const forged = iss.claims({ repository_id: '1' });
      const token = `${h}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${s}`;
      return { input: { env: envServing(token, forged) }, tokens: [token] };
    },
  },
  {
    name: 'request URL pointing at an attacker returning a self-signed token with our kid',
    status: 'refused',
    code: 'oidc.token-bad-signature',
    mentions: ['forged'],
    arrange: async () => {
      const claims = iss.claims();
      const env = iss.githubEnv(claims);
      const token = await evil.mint(claims, { kid: iss.kid });
      evil.serve({ token });
      return { input: { env: { ...env, ACTIONS_ID_TOKEN_REQUEST_URL: evil.tokenUrl } }, tokens: [token] };
    },
  },
  {
    name: 'malformed JWT "x"',
    status: 'refused',
    code: 'oidc.token-malformed',
    mentions: ['1 part(s)'],
    arrange: async () => ({ input: { env: envServing('x') } }),
  },
  {
    name: 'malformed JWT "x."',
    status: 'refused',
    code: 'oidc.token-malformed',
    mentions: ['2 part(s)'],
    arrange: async () => ({ input: { env: envServing('x.') } }),
  },
  {
    name: 'malformed JWT with bad base64',
    status: 'refused',
    code: 'oidc.token-malformed',
    mentions: ['base64url'],
    arrange: async () => ({ input: { env: envServing('e*J.e$J.s!g') } }),
  },
  {
    name: 'malformed JWT whose header is not JSON',
    status: 'refused',
    code: 'oidc.token-malformed',
    mentions: ['header'],
    arrange: async () => ({ input: { env: envServing(`${Buffer.from('{"alg":').toString('base64url')}.e30.c2ln`) } }),
  },
  {
    name: 'JWKS endpoint failing',
    status: 'refused',
    code: 'oidc.jwks-unavailable',
    mentions: ['/.well-known/jwks'],
    arrange: async () => {
      iss.failJwks(500);
      return { input: { env: iss.githubEnv() } };
    },
  },
  // Claims
  {
    name: 'missing repository_id claim',
    status: 'refused',
    code: 'oidc.claims-missing',
    mentions: ['repository_id'],
    arrange: async () => ({ input: { env: iss.githubEnv(iss.claims({ repository_id: undefined })) } }),
  },
  {
    name: 'job_workflow_ref "publish.yml@" with no ref',
    status: 'refused',
    code: 'oidc.claims-invalid',
    mentions: ['job_workflow_ref', 'publish.yml@'],
    arrange: async () => ({ input: { env: iss.githubEnv(iss.claims({ job_workflow_ref: 'acme/widgets/.github/workflows/publish.yml@' })) } }),
  },
  {
    name: 'workflow_ref "publish.yml" without @',
    status: 'refused',
    code: 'oidc.claims-invalid',
    mentions: ['workflow_ref'],
    arrange: async () => {
      const claims = iss.claims({ workflow_ref: 'acme/widgets/.github/workflows/publish.yml' });
      return { input: { env: iss.githubEnv(claims) } };
    },
  },
  // Token endpoint
  {
    name: 'token endpoint answering 4xx',
    status: 'refused',
    code: 'oidc.request-rejected',
    mentions: ['HTTP 403', 'id-token: write'],
    arrange: async () => {
      const env = iss.githubEnv();
      iss.serve({ status: 403, body: '{"message":"forbidden"}', contentType: 'application/json' });
      return { input: { env } };
    },
  },
  {
    name: 'token endpoint refusing a wrong request token',
    status: 'refused',
    code: 'oidc.request-rejected',
    mentions: ['HTTP 401'],
    arrange: withEnv({ ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'fake-but-wrong-request-token' }),
  },
  {
    name: 'token endpoint answering 5xx',
    status: 'refused',
    code: 'oidc.request-server-error',
    mentions: ['HTTP 503'],
    arrange: async () => {
      const env = iss.githubEnv();
      iss.serve({ status: 503, body: 'service unavailable' });
      return { input: { env } };
    },
  },
  {
    name: 'token endpoint 5xx echoing a token in its body',
    status: 'refused',
    code: 'oidc.request-server-error',
    mentions: ['HTTP 500'],
    arrange: async () => {
      const env = iss.githubEnv();
      const token = await iss.mint(iss.claims());
      iss.serve({ status: 500, body: `internal error while issuing ${token} for ${iss.requestToken}` });
      return { input: { env }, tokens: [token, iss.requestToken] };
    },
  },
  {
    name: 'token endpoint answering non-JSON',
    status: 'refused',
    code: 'oidc.request-not-json',
    mentions: ['not JSON'],
    arrange: async () => {
      const env = iss.githubEnv();
      iss.serve({ status: 200, body: '<html>hello</html>', contentType: 'text/html' });
      return { input: { env } };
    },
  },
  {
    name: 'token endpoint JSON without value',
    status: 'refused',
    code: 'oidc.request-no-value',
    mentions: ['"value"', 'valu'],
    arrange: async () => {
      const env = iss.githubEnv();
      const token = await iss.mint(iss.claims());
      iss.serve({ status: 200, body: JSON.stringify({ valu: token }), contentType: 'application/json' });
      return { input: { env }, tokens: [token] };
    },
  },
  {
    name: 'token endpoint unreachable',
    status: 'refused',
    code: 'oidc.request-network',
    mentions: ['connection refused'],
    arrange: async () => withEnv({ ACTIONS_ID_TOKEN_REQUEST_URL: `${closedUrl}/token?api-version=2.0` })(),
  },
  {
    name: 'token endpoint over plain http on a non-loopback host',
    status: 'refused',
    code: 'oidc.request-insecure',
    mentions: ['http://token.example.invalid/token'],
    arrange: async () => ({
      input: {
        env: { ...iss.githubEnv(), ACTIONS_ID_TOKEN_REQUEST_URL: 'http://token.example.invalid/token?x=1' },
        fetch: (() => {
          throw new Error('must not be called');
        }) as unknown as typeof fetch,
      },
    }),
  },
  // Env vs claims
  ...(
    [
      ['GITHUB_REPOSITORY', 'acme/other'],
      ['GITHUB_REF', 'refs/heads/main'],
      ['GITHUB_SHA', 'b'.repeat(40)],
      ['GITHUB_WORKFLOW_REF', 'acme/widgets/.github/workflows/other.yml@refs/tags/v1.2.3'],
      ['GITHUB_EVENT_NAME', 'workflow_dispatch'],
      ['GITHUB_RUN_ID', '999999'],
      ['GITHUB_RUN_ATTEMPT', '2'],
      ['RUNNER_ENVIRONMENT', 'self-hosted'],
    ] as const
  ).map(([variable, value]): Case => ({
    name: `${variable} disagreeing with the token`,
    status: 'refused',
    code: 'oidc.env-mismatch',
    mentions: [`${variable}="${value}"`],
    arrange: withEnv({ [variable]: value }),
  })),
  // Binding to this run
  ...(['GITHUB_SHA', 'GITHUB_RUN_ID', 'GITHUB_RUN_ATTEMPT'] as const).map((variable): Case => ({
    name: `${variable} not set (the token cannot be bound to the run)`,
    status: 'refused',
    code: 'oidc.env-missing',
    mentions: [variable, 'bound to this run'],
    arrange: withEnv({ [variable]: undefined }),
  })),
  {
    name: 'token minted for another run (run_id)',
    status: 'refused',
    code: 'oidc.env-mismatch',
    mentions: ['GITHUB_RUN_ID="4242"', 'run_id="31337"'],
    arrange: async () => {
      const claims = iss.claims({ run_id: '31337' });
      const env = { ...iss.githubEnv(claims), GITHUB_RUN_ID: '4242' };
      return { input: { env } };
    },
  },
  {
    name: 'token with a 60-day lifetime',
    status: 'refused',
    code: 'oidc.token-lifetime',
    mentions: ['60 days', 'more than 15 minutes is never accepted'],
    arrange: () => served(iss.claims({ exp: nowSec() + 60 * 86_400 }))(),
  },
  {
    name: 'token issued 12 minutes ago (still unexpired)',
    status: 'refused',
    code: 'oidc.token-too-old',
    mentions: ['12 minutes ago'],
    arrange: () => served(iss.claims({ iat: nowSec() - 720, nbf: nowSec() - 720, exp: nowSec() + 60 }))(),
  },
  {
    name: 'the same jti twice in one job (replayed token)',
    status: 'refused',
    code: 'oidc.token-replayed',
    mentions: ['already used in this job'],
    arrange: async () => {
      const claims = iss.claims();
      const env = iss.githubEnv(claims);
      iss.serve({ claims, sameJti: true });
      const first = await run({ env });
      if (first.result.status !== 'verified') throw new Error(`first use should verify: ${JSON.stringify(first.result)}`);
      return { input: { env } };
    },
  },
  {
    name: 'MONOCHANGE_OIDC_TOKEN set by hand (not handed down by a preflight)',
    status: 'refused',
    code: 'oidc.token-not-handed',
    mentions: ['MONOCHANGE_OIDC_TOKEN', 'no preflight'],
    arrange: async () => {
      const claims = iss.claims();
      const token = await iss.mint(claims);
      return { input: { env: { ...iss.githubEnv(claims), MONOCHANGE_OIDC_TOKEN: token } }, tokens: [token] };
    },
  },
  // Issuer configuration
  {
    name: 'http issuer on a non-loopback host',
    status: 'refused',
    code: 'oidc.issuer-insecure',
    mentions: ['ghes.example.com', 'loopback'],
    arrange: async () => ({ input: { env: iss.githubEnv(), config: { source: { oidc: { issuer: 'http://ghes.example.com/_services/token' } } } } }),
  },
  {
    name: 'issuer with a query string',
    status: 'refused',
    code: 'oidc.issuer-invalid',
    mentions: ['[source.oidc] issuer', 'query'],
    arrange: async () => ({ input: { env: iss.githubEnv(), config: { source: { oidc: { issuer: 'https://ghes.example.com/_services/token?x=1' } } } } }),
  },
  // No token available
  {
    name: 'GITHUB_ACTIONS=true with no token endpoint',
    status: 'unverified',
    code: 'oidc.no-token-endpoint',
    mentions: ['GITHUB_ACTIONS=true but ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set', 'id-token: write'],
    arrange: withEnv({ ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined }),
  },
  {
    name: 'GITHUB_ACTIONS=true without ACTIONS_ID_TOKEN_REQUEST_URL',
    status: 'unverified',
    code: 'oidc.no-request-url',
    mentions: ['GITHUB_ACTIONS=true but ACTIONS_ID_TOKEN_REQUEST_URL is not set: grant `id-token: write` to the publish job'],
    arrange: withEnv({ ACTIONS_ID_TOKEN_REQUEST_URL: undefined }),
  },
  {
    name: 'GITHUB_ACTIONS=true without ACTIONS_ID_TOKEN_REQUEST_TOKEN',
    status: 'unverified',
    code: 'oidc.no-request-token',
    mentions: ['ACTIONS_ID_TOKEN_REQUEST_TOKEN is not set'],
    arrange: withEnv({ ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined }),
  },
  {
    name: 'local shell',
    status: 'unverified',
    code: 'oidc.not-github-actions',
    mentions: ['Not running on GitHub Actions', 'id-token: write'],
    arrange: async () => ({ input: { env: { HOME: '/home/dev' } } }),
  },
];

describe('verifyGithubIdentity: adversarial cases', () => {
  it.each(VERIFY_CASES)('$name → $code', async (c) => {
    const { input, tokens = [] } = await c.arrange();
    const { result, masked } = await run(input);
    expect(result.status).toBe(c.status);
    const r = result as Extract<GithubIdentityResult, { status: 'refused' | 'unverified' }>;
    expect(r.code).toBe(c.code);
    for (const m of c.mentions) expect(r.reason).toContain(m);
    // Never a token (nor its signature, nor the request token) in a reason.
    for (const t of [...tokens, ...masked, iss.requestToken]) {
      if (t.length < 8) continue;
      expect(r.reason).not.toContain(t);
      const sig = t.split('.')[2];
      if (sig && sig.length > 16) expect(r.reason).not.toContain(sig);
    }
    expect(r.reason).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/);
  });

  it('keeps the machine-readable case list in __fixtures__/adversarial-cases.json in step', () => {
    const listed = JSON.parse(readFileSync(join(__dirname, '__fixtures__', 'adversarial-cases.json'), 'utf8')) as Array<{
      suite: string;
      case: string;
      code: string;
    }>;
    expect(listed.filter((l) => l.suite === 'verifyGithubIdentity').map((l) => [l.case, l.code])).toEqual(VERIFY_CASES.map((c) => [c.name, c.code]));
  });

  it('gives every unverified result the names of what is missing', async () => {
    const { result } = await run({ env: { GITHUB_ACTIONS: 'true', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'fake-request-token' } });
    expect(result).toMatchObject({ status: 'unverified', missing: ['ACTIONS_ID_TOKEN_REQUEST_URL'] });
    const local = await run({ env: {} });
    expect(local.result).toMatchObject({
      status: 'unverified',
      missing: ['GITHUB_ACTIONS', 'ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'],
    });
  });
});

describe('verifyGithubIdentity: happy path', () => {
  it('verifies the loopback issuer token and derives the identity from its claims', async () => {
    const claims = iss.claims();
    const env = iss.githubEnv(claims);
    const before = iss.requests.length;
    const { result, written, masked } = await run({ env });

    expect(result.status).toBe('verified');
    if (result.status !== 'verified') return;
    expect(result.identity).toMatchObject({
      provider: 'github_actions',
      label: 'GitHub Actions',
      verified: true,
      oidcAvailable: true,
      verifiable: true,
      repository: 'acme/widgets',
      workflow: 'publish.yml',
      workflowRef: 'acme/widgets/.github/workflows/publish.yml@refs/tags/v1.2.3',
      environment: 'release',
      environmentSource: 'oidc',
      ref: 'refs/tags/v1.2.3',
      refName: 'v1.2.3',
      refType: 'tag',
      eventName: 'push',
      runId: '4242',
      runnerEnvironment: 'github-hosted',
    });
    expect(result.identity.claims).toMatchObject({
      repository: 'acme/widgets',
      repository_id: '123456',
      repository_owner: 'acme',
      repository_owner_id: '7890',
      job_workflow_ref: 'acme/widgets/.github/workflows/publish.yml@refs/tags/v1.2.3',
      sha: 'a'.repeat(40),
      ref_type: 'tag',
      aud: OIDC_AUDIENCE,
      iss: iss.url,
    });
    for (const v of Object.values(result.identity.claims ?? {})) expect(typeof v).toBe('string');

    // Masked once, on stdout, and nowhere in what is returned.
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^::add-mask::eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n$/);
    expect(JSON.stringify(result)).not.toContain(masked[0]);

    // Non-default issuer: a warning for every run.
    expect(result.warnings).toEqual([expect.stringContaining(`OIDC issuer is ${iss.url}`)]);

    // The request: audience appended to a URL that already had a query; bearer and Accept headers.
    const requests = iss.requests.slice(before);
    const tokenRequest = requests.find((r) => r.path === '/token');
    expect(tokenRequest).toBeDefined();
    const url = new URL(tokenRequest!.url, iss.url);
    expect(url.searchParams.get('api-version')).toBe('2.0');
    expect(url.searchParams.get('audience')).toBe(OIDC_AUDIENCE);
    expect(tokenRequest!.headers.authorization).toBe(`Bearer ${iss.requestToken}`);
    expect(tokenRequest!.headers.accept).toBe('application/json');
    // Keys come from the configured issuer's JWKS only.
    expect(requests.filter((r) => r.path !== '/token').map((r) => r.path)).toEqual(['/.well-known/jwks']);
  });

  it('adds the audience with searchParams when the request URL has no query', async () => {
    const env = { ...iss.githubEnv(), ACTIONS_ID_TOKEN_REQUEST_URL: `${iss.url}/token` };
    const before = iss.requests.length;
    const { result } = await run({ env });
    expect(result.status).toBe('verified');
    const tokenRequest = iss.requests.slice(before).find((r) => r.path === '/token');
    expect(tokenRequest!.url).toBe(`/token?audience=${OIDC_AUDIENCE}`);
  });

  it('prints no mask line when not on GitHub Actions', async () => {
    const env = { ...iss.githubEnv(), GITHUB_ACTIONS: undefined };
    const { result, written } = await run({ env });
    expect(result.status).toBe('verified');
    expect(written).toEqual([]);
  });

  it('accepts env that leaves optional variables unset, and ids sent as numbers', async () => {
    const claims = iss.claims({ repository_id: 123456, environment: undefined, runner_environment: undefined });
    const env = iss.githubEnv(claims);
    delete env.RUNNER_ENVIRONMENT;
    const { result } = await run({ env });
    expect(result.status).toBe('verified');
    if (result.status !== 'verified') return;
    expect(result.identity.claims?.repository_id).toBe('123456');
    expect(result.identity.environment).toBeUndefined();
  });

  it('uses an injected JWKS getter and the public issuer without a warning', async () => {
    const claims = iss.claims({ iss: GITHUB_OIDC_ISSUER });
    const token = await iss.mint(claims);
    const env = envServing(token, claims);
    const { result } = await run({ ...viaGithubTokenHost(env), config: {}, jwks: createLocalJWKSet({ keys: [iss.publicJwk] }) });
    expect(result).toMatchObject({ status: 'verified', warnings: [] });
  });

  it('honours an injected clock (a token valid then is expired later)', async () => {
    const claims = iss.claims();
    const token = await iss.mint(claims);
    const env = envServing(token, claims);
    const later = new Date(((claims.exp as number) + 31) * 1000);
    expect((await run({ env, now: () => later })).result).toMatchObject({ status: 'refused', code: 'oidc.token-expired' });
    iss.serve({ token });
    const within = new Date(((claims.exp as number) + 29) * 1000);
    expect((await run({ env, now: () => within })).result.status).toBe('verified');
  });

  it('uses the injected fetch for the token request and the JWKS', async () => {
    const seen: string[] = [];
    const recording = ((url: string, init?: RequestInit) => {
      seen.push(new URL(url).pathname);
      return fetch(url, init);
    }) as typeof fetch;
    const { result } = await run({ env: iss.githubEnv(), fetch: recording });
    expect(result.status).toBe('verified');
    expect(seen).toEqual(['/token', '/.well-known/jwks']);
  });

  it('refuses a token signed by a different RSA key under our kid even with keys injected', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const claims = iss.claims();
    const token = await iss.mint(claims, { key: privateKey });
    const { result } = await run({ env: envServing(token, claims), jwks: createLocalJWKSet({ keys: [iss.publicJwk] }) });
    expect(result).toMatchObject({ status: 'refused', code: 'oidc.token-bad-signature' });
  });
});

describe('verifyGithubIdentity: one token per run, masked by the Nx process', () => {
  const tokenRequests = () => iss.requests.filter((r) => r.path === '/token').length;

  it('hands the preflight token to the tasks, which verify it without requesting or printing another', async () => {
    const env = iss.githubEnv();
    const preflight = await run({ env, handOff: true });
    expect(preflight.result).toMatchObject({ status: 'verified', handedToken: expect.any(String) });
    const handed = (preflight.result as { handedToken: string }).handedToken;
    expect(preflight.written).toEqual([`::add-mask::${handed}\n`]);

    const before = tokenRequests();
    const task = await run({ env: { ...env, MONOCHANGE_OIDC_TOKEN: handed, NX_TASK_TARGET_PROJECT: 'web' } });
    expect(task.result).toMatchObject({ status: 'verified', identity: { repository: 'acme/widgets', verified: true } });
    expect('handedToken' in task.result).toBe(false);
    expect(task.written).toEqual([]);
    expect(tokenRequests()).toBe(before);
    // Any number of the run's tasks may use it.
    expect((await run({ env: { ...env, MONOCHANGE_OIDC_TOKEN: handed } })).result.status).toBe('verified');
  });

  it('inside an Nx task, never writes an ::add-mask:: line that Nx could prefix', async () => {
    const writes: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    }) as typeof process.stdout.write);
    try {
      const result = await verifyGithubIdentity({ env: { ...iss.githubEnv(), NX_TASK_TARGET_PROJECT: 'web' }, config: loopbackConfig() });
      expect(result.status).toBe('verified');
      const outside = await verifyGithubIdentity({ env: iss.githubEnv(), config: loopbackConfig() });
      expect(outside.status).toBe('verified');
    } finally {
      spy.mockRestore();
    }
    expect(writes.filter((w) => w.includes('::add-mask::'))).toHaveLength(1);
  });
});
