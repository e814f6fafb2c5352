import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, exportSPKI, generateKeyPair } from 'jose';
import { refusedPortUrl } from '../../../../../test-utils/http-stub';
import { startOidcIssuer, type Claims, type LoopbackOidcIssuer } from '../../../../../test-utils/oidc-issuer';
import type { Env } from '../../../types';
import { GITLAB_MAX_TOKEN_SECONDS, OIDC_AUDIENCE } from '../constants';
import { GITLAB_OIDC_ISSUER } from './constants';
import { resolveGitlabIssuer } from './issuer';
import { verifyGitlabIdentity, type VerifyGitlabIdentityInput } from './verify-identity';

// RSA key generation and loopback servers are slow on a loaded 2-core machine.
jest.setTimeout(60_000);

let iss: LoopbackOidcIssuer;
let evil: LoopbackOidcIssuer;
let closedUrl: string;
const ledgers: string[] = [];

beforeAll(async () => {
  iss = await startOidcIssuer();
  evil = await startOidcIssuer();
  closedUrl = await refusedPortUrl();
});
afterAll(async () => {
  await iss.close();
  await evil.close();
  for (const dir of ledgers) rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  iss.failJwks(undefined);
  iss.patchDiscovery(undefined);
});

const nowSec = () => Math.floor(Date.now() / 1000);
const loopbackConfig = () => ({ file: '/ws/monochange.toml', source: { oidc: { issuer: iss.url } } });

/** Each job gets its own ledger directory (TMPDIR), as separate GitLab jobs would. */
function freshJobDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mc-gitlab-ledger-'));
  ledgers.push(dir);
  return dir;
}

async function run(input: Partial<VerifyGitlabIdentityInput> & { env: Env }) {
  return verifyGitlabIdentity({ config: loopbackConfig(), ...input, env: { TMPDIR: freshJobDir(), ...input.env } });
}

interface Arranged {
  input: Partial<VerifyGitlabIdentityInput> & { env: Env };
  tokens?: string[];
}
interface Case {
  name: string;
  status: 'refused' | 'unverified';
  code: string;
  mentions: string[];
  arrange: () => Promise<Arranged>;
}

/** A job whose variables match `claims` and whose MONOCHANGE_ID_TOKEN is that token, minted with `opts`. */
const job =
  (claims: Claims, mintOpts?: Parameters<LoopbackOidcIssuer['mint']>[1], envOverrides: Env = {}) =>
  async (): Promise<Arranged> => {
    const token = await iss.mint(claims, mintOpts);
    return { input: { env: { ...iss.gitlabEnv(claims, token), ...envOverrides } }, tokens: [token] };
  };
/** The genuine token of this job, with the variables changed. */
const spoofed = (envOverrides: Env) => () => job(iss.gitlabClaims(), undefined, envOverrides)();

const CASES: Case[] = [
  {
    name: 'GitLab variables without MONOCHANGE_ID_TOKEN',
    status: 'unverified',
    code: 'oidc.id-token-missing',
    mentions: ['MONOCHANGE_ID_TOKEN', 'id_tokens: { MONOCHANGE_ID_TOKEN: { aud: monochange-nx } }'],
    arrange: async () => ({ input: { env: iss.gitlabEnv(iss.gitlabClaims()) } }),
  },
  {
    name: 'forged key: self-signed token carrying the issuer kid',
    status: 'refused',
    code: 'oidc.token-bad-signature',
    mentions: ['signature does not verify', 'MONOCHANGE_ID_TOKEN'],
    arrange: async () => job(iss.gitlabClaims(), { key: evil.privateKey })(),
  },
  {
    name: 'forged key: unknown kid',
    status: 'refused',
    code: 'oidc.token-unknown-kid',
    mentions: ['attacker-kid', 'does not publish'],
    arrange: async () => job(iss.gitlabClaims(), { key: evil.privateKey, kid: 'attacker-kid', header: { jku: evil.jwksUrl } })(),
  },
  {
    name: 'alg none',
    status: 'refused',
    code: 'oidc.token-alg',
    mentions: ['"none"', 'GitLab'],
    arrange: () => job(iss.gitlabClaims(), { alg: 'none' })(),
  },
  {
    name: 'HS256 signed with the public key',
    status: 'refused',
    code: 'oidc.token-alg',
    mentions: ['"HS256"', 'shared-secret', 'GitLab never uses'],
    arrange: async () => job(iss.gitlabClaims(), { alg: 'HS256', key: new TextEncoder().encode(await exportSPKI(iss.publicKey)) })(),
  },
  {
    name: 'wrong issuer: a token of another GitLab instance',
    status: 'refused',
    code: 'oidc.token-issuer',
    mentions: [`exactly "${'http://127.0.0.1:'}`, '[source] host'],
    arrange: async () => {
      const claims = evil.gitlabClaims();
      const token = await evil.mint(claims);
      return { input: { env: evil.gitlabEnv(claims, token) }, tokens: [token] };
    },
  },
  {
    name: 'wrong issuer: lookalike gitlab.com.evil.example',
    status: 'refused',
    code: 'oidc.token-issuer',
    mentions: ['gitlab.com.evil.example', `exactly "${GITLAB_OIDC_ISSUER}"`],
    arrange: async () => {
      const claims = iss.gitlabClaims({ iss: `${GITLAB_OIDC_ISSUER}.evil.example` });
      const token = await iss.mint(claims);
      return { input: { env: iss.gitlabEnv(claims, token), config: {}, jwks: createLocalJWKSet({ keys: [iss.publicJwk] }) }, tokens: [token] };
    },
  },
  {
    name: 'wrong audience: the NPM_ID_TOKEN audience',
    status: 'refused',
    code: 'oidc.token-audience',
    mentions: ['npm:registry.npmjs.org', OIDC_AUDIENCE],
    arrange: () => job(iss.gitlabClaims({ aud: 'npm:registry.npmjs.org' }))(),
  },
  {
    name: 'wrong audience: a list containing ours',
    status: 'refused',
    code: 'oidc.token-audience-array',
    mentions: ['single string'],
    arrange: () => job(iss.gitlabClaims({ aud: [OIDC_AUDIENCE, 'pypi'] }))(),
  },
  {
    name: 'expired token',
    status: 'refused',
    code: 'oidc.token-expired',
    mentions: ['expired'],
    arrange: () => job(iss.gitlabClaims({ iat: nowSec() - 900, nbf: nowSec() - 900, exp: nowSec() - 120 }))(),
  },
  {
    name: 'not yet valid (nbf in the future)',
    status: 'refused',
    code: 'oidc.token-not-yet-valid',
    mentions: ['not valid yet'],
    arrange: () => job(iss.gitlabClaims({ nbf: nowSec() + 600 }))(),
  },
  {
    name: 'lifetime longer than the cap',
    status: 'refused',
    code: 'oidc.token-lifetime',
    mentions: ['valid for', 'timeout: 1 hour', 'MONOCHANGE_ID_TOKEN'],
    arrange: () => job(iss.gitlabClaims({ exp: nowSec() + 7 * 86_400 }))(),
  },
  {
    name: 'older than the cap (minted more than six hours ago, still unexpired)',
    status: 'refused',
    code: 'oidc.token-lifetime',
    mentions: ['valid for', 'timeout: 1 hour'],
    arrange: () =>
      job(iss.gitlabClaims({ iat: nowSec() - GITLAB_MAX_TOKEN_SECONDS - 120, nbf: nowSec() - GITLAB_MAX_TOKEN_SECONDS - 120, exp: nowSec() + 60 }))(),
  },
  {
    name: 'replayed: the token of an earlier job in this job',
    status: 'refused',
    code: 'oidc.env-mismatch',
    mentions: ['CI_JOB_ID="99101"', 'job_id="99100"'],
    arrange: () => job(iss.gitlabClaims(), undefined, { CI_JOB_ID: '99101' })(),
  },
  {
    name: 'variables disagree: CI_PROJECT_PATH names another project',
    status: 'refused',
    code: 'oidc.env-mismatch',
    mentions: ['CI_PROJECT_PATH="acme/other"', 'project_path="acme/widgets"'],
    arrange: spoofed({ CI_PROJECT_PATH: 'acme/other' }),
  },
  {
    name: 'variables disagree: CI_PROJECT_ID of a renamed project',
    status: 'refused',
    code: 'oidc.env-mismatch',
    mentions: ['CI_PROJECT_ID="555"'],
    arrange: spoofed({ CI_PROJECT_ID: '555' }),
  },
  {
    name: 'variables disagree: CI_COMMIT_REF_PROTECTED claims an unprotected ref is protected',
    status: 'refused',
    code: 'oidc.env-mismatch',
    mentions: ['CI_COMMIT_REF_PROTECTED="true"', 'ref_protected="false"'],
    arrange: () => job(iss.gitlabClaims({ ref_protected: 'false' }), undefined, { CI_COMMIT_REF_PROTECTED: 'true' })(),
  },
  {
    name: 'variables disagree: CI_COMMIT_TAG on a branch pipeline',
    status: 'refused',
    code: 'oidc.env-mismatch',
    mentions: ['CI_COMMIT_TAG="v1.2.3"', 'ref_type="branch"'],
    arrange: () => {
      const claims = iss.gitlabClaims({
        ref: 'main',
        ref_type: 'branch',
        ref_path: 'refs/heads/main',
        ci_config_ref_uri: `${new URL(iss.url).host}/acme/widgets//.gitlab-ci.yml@refs/heads/main`,
      });
      return job(claims, undefined, { CI_COMMIT_TAG: 'v1.2.3' })();
    },
  },
  {
    name: 'variables disagree: CI_PIPELINE_SOURCE says push for a merge request pipeline',
    status: 'refused',
    code: 'oidc.env-mismatch',
    mentions: ['CI_PIPELINE_SOURCE="push"', 'pipeline_source="merge_request_event"'],
    arrange: () => job(iss.gitlabClaims({ pipeline_source: 'merge_request_event' }), undefined, { CI_PIPELINE_SOURCE: 'push' })(),
  },
  {
    name: 'variables disagree: CI_ENVIRONMENT_NAME set without an environment in the token',
    status: 'refused',
    code: 'oidc.env-mismatch',
    mentions: ['CI_ENVIRONMENT_NAME="release"', 'environment=(absent)'],
    arrange: () => job(iss.gitlabClaims({ environment: undefined }), undefined, { CI_ENVIRONMENT_NAME: 'release' })(),
  },
  {
    name: 'variables disagree: CI_CONFIG_PATH names another file',
    status: 'refused',
    code: 'oidc.env-mismatch',
    mentions: ['CI_CONFIG_PATH="release.yml"'],
    arrange: spoofed({ CI_CONFIG_PATH: 'release.yml' }),
  },
  {
    name: 'variables missing: CI_JOB_ID unset',
    status: 'refused',
    code: 'oidc.env-missing',
    mentions: ['CI_JOB_ID', 'not set'],
    arrange: spoofed({ CI_JOB_ID: '' }),
  },
  {
    name: 'a GitHub token in MONOCHANGE_ID_TOKEN',
    status: 'refused',
    code: 'oidc.claims-missing',
    mentions: ['project_path', 'GitLab claim'],
    arrange: async () => {
      const token = await iss.mint(iss.claims());
      return { input: { env: iss.gitlabEnv(iss.gitlabClaims(), token) }, tokens: [token] };
    },
  },
  {
    name: 'project_path outside namespace_path',
    status: 'refused',
    code: 'oidc.claims-invalid',
    mentions: ['namespace_path'],
    arrange: () => job(iss.gitlabClaims({ namespace_path: 'other' }))(),
  },
  {
    name: 'discovery puts the keys on another origin',
    status: 'refused',
    code: 'oidc.discovery-jwks-foreign',
    mentions: ['jwks_uri', 'own origin'],
    arrange: async () => {
      iss.patchDiscovery({ jwks_uri: evil.jwksUrl });
      return job(iss.gitlabClaims(), { key: evil.privateKey, kid: evil.kid })();
    },
  },
  {
    name: 'discovery names another issuer',
    status: 'refused',
    code: 'oidc.discovery-invalid',
    mentions: ['names issuer'],
    arrange: async () => {
      iss.patchDiscovery({ issuer: 'https://gitlab.example.com' });
      return job(iss.gitlabClaims())();
    },
  },
  {
    name: 'issuer unreachable',
    status: 'refused',
    code: 'oidc.discovery-unavailable',
    mentions: ['connection refused'],
    arrange: async () => {
      const a = await job(iss.gitlabClaims())();
      return { ...a, input: { ...a.input, config: { source: { oidc: { issuer: closedUrl } } } } };
    },
  },
  {
    name: 'plain http [source] host',
    status: 'refused',
    code: 'oidc.issuer-insecure',
    mentions: ['http://gitlab.example.com', 'https://'],
    arrange: async () => {
      const a = await job(iss.gitlabClaims())();
      return { ...a, input: { ...a.input, config: { file: 'monochange.toml', source: { provider: 'gitlab', host: 'http://gitlab.example.com' } } } };
    },
  },
];

describe('verifyGitlabIdentity: adversarial table', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { input, tokens = [] } = await c.arrange();
    const result = await run(input);
    expect(result).toMatchObject({ status: c.status, code: c.code });
    const reason = 'reason' in result ? result.reason : '';
    for (const m of c.mentions) expect(reason).toContain(m);
    for (const t of tokens) {
      expect(reason).not.toContain(t);
      const sig = t.split('.')[2];
      if (sig) expect(reason).not.toContain(sig);
    }
    expect(reason).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/);
  });

  it('keeps the machine-readable case list in ../__fixtures__/adversarial-cases.json in step', () => {
    const listed = JSON.parse(readFileSync(join(__dirname, '..', '__fixtures__', 'adversarial-cases.json'), 'utf8')) as Array<{
      suite: string;
      case: string;
      code: string;
    }>;
    expect(listed.filter((l) => l.suite === 'verifyGitlabIdentity').map((l) => [l.case, l.code])).toEqual(CASES.map((c) => [c.name, c.code]));
  });
});

describe('verifyGitlabIdentity: a genuine job', () => {
  it('verifies the token through discovery and derives the identity from its claims', async () => {
    const claims = iss.gitlabClaims();
    const token = await iss.mint(claims);
    const before = iss.requests.length;
    const result = await run({ env: iss.gitlabEnv(claims, token) });
    expect(result.status).toBe('verified');
    if (result.status !== 'verified') return;
    expect(result.identity).toMatchObject({
      provider: 'gitlab_ci',
      label: 'GitLab CI/CD',
      verified: true,
      repository: 'acme/widgets',
      workflow: '.gitlab-ci.yml',
      job: '99100',
      ref: 'refs/tags/v1.2.3',
      refName: 'v1.2.3',
      refType: 'tag',
      eventName: 'push',
      runId: '7700',
      environment: 'release',
      environmentSource: 'oidc',
    });
    expect(result.identity.claims).toMatchObject({ project_id: '123456', ref_protected: 'true', pipeline_source: 'push' });
    expect(JSON.stringify(result)).not.toContain(token);
    // Keys were found through the discovery document, on the issuer itself.
    expect(iss.requests.slice(before).map((r) => r.path)).toEqual(['/.well-known/openid-configuration', '/.well-known/jwks']);
    expect(result.warnings.join(' ')).toContain('not https://gitlab.com');
  });

  it('accepts the same token in every process of one job, and no other token in that job', async () => {
    const dir = freshJobDir();
    const claims = iss.gitlabClaims();
    const token = await iss.mint(claims);
    const env = { ...iss.gitlabEnv(claims, token), TMPDIR: dir };
    for (let i = 0; i < 3; i++) expect((await verifyGitlabIdentity({ config: loopbackConfig(), env })).status).toBe('verified');
    const other = await iss.mint({ ...claims, jti: 'another-token-of-the-same-job' });
    const second = await verifyGitlabIdentity({ config: loopbackConfig(), env: { ...env, MONOCHANGE_ID_TOKEN: other } });
    expect(second).toMatchObject({ status: 'refused', code: 'oidc.token-replayed' });
  });

  it('accepts a branch pipeline without CI_COMMIT_TAG and a job without an environment', async () => {
    const claims = iss.gitlabClaims({
      ref: 'main',
      ref_type: 'branch',
      ref_path: 'refs/heads/main',
      environment: undefined,
      ci_config_ref_uri: `${new URL(iss.url).host}/acme/widgets//ci/release.yml@refs/heads/main`,
    });
    const token = await iss.mint(claims);
    const env = iss.gitlabEnv(claims, token);
    expect(env.CI_COMMIT_TAG).toBeUndefined();
    const result = await run({ env });
    expect(result).toMatchObject({ status: 'verified', identity: { refType: 'branch', ref: 'refs/heads/main', workflow: 'ci/release.yml' } });
  });
});

describe('resolveGitlabIssuer', () => {
  it('trusts gitlab.com by default, [source] host for a self-managed GitLab, and [source.oidc] issuer first', () => {
    expect(resolveGitlabIssuer(undefined)).toMatchObject({
      ok: true,
      issuer: 'https://gitlab.com',
      discoveryUrl: 'https://gitlab.com/.well-known/openid-configuration',
      warnings: [],
    });
    expect(resolveGitlabIssuer({ source: { provider: 'gitlab', host: 'gitlab.example.com' } })).toMatchObject({
      ok: true,
      issuer: 'https://gitlab.example.com',
      isDefault: false,
    });
    expect(resolveGitlabIssuer({ source: { provider: 'gitlab', host: 'https://gitlab.example.com/' } })).toMatchObject({
      issuer: 'https://gitlab.example.com',
    });
    // A GitHub source's host is no GitLab instance.
    expect(resolveGitlabIssuer({ source: { provider: 'github', host: 'ghe.example.com' } })).toMatchObject({ issuer: 'https://gitlab.com' });
    expect(resolveGitlabIssuer({ source: { provider: 'gitlab', host: 'gitlab.example.com', oidc: { issuer: 'http://127.0.0.1:9' } } })).toMatchObject({
      issuer: 'http://127.0.0.1:9',
    });
  });

  it('refuses http for [source] host even on loopback, and any non-URL', () => {
    expect(resolveGitlabIssuer({ file: 'm.toml', source: { provider: 'gitlab', host: 'http://127.0.0.1:9' } })).toMatchObject({
      ok: false,
      code: 'oidc.issuer-insecure',
    });
    expect(resolveGitlabIssuer({ source: { oidc: { issuer: 'not a url' } } })).toMatchObject({ ok: false, code: 'oidc.issuer-invalid' });
    expect(resolveGitlabIssuer({ source: { oidc: { issuer: 'https://u:p@gitlab.example.com' } } })).toMatchObject({ ok: false, code: 'oidc.issuer-invalid' });
  });
});

// Keeps the forged-key helper honest: a key pair that is not the issuer's never verifies.
it('a freshly generated key pair is not the issuer key', async () => {
  const { privateKey } = await generateKeyPair('RS256');
  const claims = iss.gitlabClaims();
  const token = await iss.mint(claims, { key: privateKey });
  expect(await run({ env: iss.gitlabEnv(claims, token) })).toMatchObject({ status: 'refused', code: 'oidc.token-bad-signature' });
});
