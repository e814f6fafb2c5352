import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startOidcIssuer, type LoopbackOidcIssuer } from '../../../test-utils/oidc-issuer';
import { checkClaimsForPackage } from '../ci/oidc';
import type { MonochangeConfig } from '../config/types';
import { cratesIoTrustRules } from '../registries/crates-io/trust-rules';
import { goTrustRules } from '../registries/go-proxy/trust-rules';
import { npmTrustRules } from '../registries/npm/trust-rules';
import { enforceTrust } from '../trust/enforce';
import { makePackage } from '../trust/testing/fixtures';
import type { Env } from '../types';
import { artifactIdentity, resolveIdentity } from './identity';

// RSA key generation and loopback servers are slow on a loaded 2-core machine.
jest.setTimeout(60_000);

let iss: LoopbackOidcIssuer;
let ledger: string;
beforeAll(async () => {
  iss = await startOidcIssuer();
  ledger = mkdtempSync(join(tmpdir(), 'mc-identity-'));
});
afterAll(async () => {
  await iss.close();
  rmSync(ledger, { recursive: true, force: true });
});

let job = 0;
/** A GitLab job of acme/widgets on tag v1.2.3 with its genuine ID token (a new job id each time). */
async function gitlabJob(overrides: Record<string, unknown> = {}): Promise<Env> {
  const claims = iss.gitlabClaims({ job_id: String(50_000 + ++job), ...overrides });
  return { ...iss.gitlabEnv(claims, await iss.mint(claims)), TMPDIR: ledger };
}

const config = (): MonochangeConfig =>
  ({
    root: ledger,
    file: join(ledger, 'monochange.toml'),
    source: {
      provider: 'gitlab',
      owner: 'acme',
      repo: 'widgets',
      oidc: { issuer: iss.url },
      releases: { branches: ['main'], enforceForPublish: false, attestations: { requireGithubArtifactAttestations: false } },
    },
  }) as unknown as MonochangeConfig;

describe('resolveIdentity on GitLab CI/CD', () => {
  it('verifies the job from MONOCHANGE_ID_TOKEN and records the claims, never the token', async () => {
    const env = await gitlabJob();
    const resolution = await resolveIdentity({ env, config: config() });
    expect(resolution.oidc.status).toBe('verified');
    expect(resolution.identity).toMatchObject({
      provider: 'gitlab_ci',
      verified: true,
      repository: 'acme/widgets',
      workflow: '.gitlab-ci.yml',
      job: String(50_000 + job),
    });
    const artifact = artifactIdentity(resolution);
    expect(artifact).toMatchObject({ provider: 'gitlab_ci', verified: true, oidc: 'verified', ref: 'refs/tags/v1.2.3' });
    expect(JSON.stringify(artifact)).not.toContain(env.MONOCHANGE_ID_TOKEN);
  });

  it('keeps a job without the token unverified, and the gate refuses it naming the fix', async () => {
    const env = await gitlabJob();
    delete env.MONOCHANGE_ID_TOKEN;
    const resolution = await resolveIdentity({ env, config: config() });
    expect(resolution).toMatchObject({ identity: { provider: 'gitlab_ci', verified: false }, oidc: { status: 'unverified' } });
    const reason = 'reason' in resolution.oidc ? resolution.oidc.reason : undefined;
    const verdict = enforceTrust({ pkg: makePackage(), registry: 'npm', identity: resolution.identity, env, config: config(), unverifiedReason: reason });
    expect(verdict).toMatchObject({ allowed: false, code: 'trust.identity-unverifiable' });
    expect(!verdict.allowed && verdict.reason).toContain('id_tokens: { MONOCHANGE_ID_TOKEN: { aud: monochange-nx } }');
  });

  it('refuses a token of another project', async () => {
    const env = await gitlabJob({
      project_path: 'evil/widgets',
      namespace_path: 'evil',
      ci_config_ref_uri: `${new URL(iss.url).host}/evil/widgets//.gitlab-ci.yml@refs/tags/v1.2.3`,
    });
    const resolution = await resolveIdentity({ env, config: config() });
    expect(resolution.oidc.status).toBe('verified');
    const verdict = enforceTrust({ pkg: makePackage(), registry: 'npm', identity: resolution.identity, env, config: config() });
    expect(verdict).toMatchObject({ allowed: false, code: 'trust.repository-mismatch' });
    expect(!verdict.allowed && verdict.reason).toContain('expected GitLab project `acme/widgets`');
  });
});

describe('the trust rules for a verified GitLab job, per registry', () => {
  it('lets npm publish and Go push its tag; refuses crates.io with the capability message', async () => {
    const env = await gitlabJob();
    const { identity } = await resolveIdentity({ env, config: config() });

    const npmPkg = makePackage({ type: 'npm' });
    const npmVerdict = enforceTrust({ pkg: npmPkg, registry: 'npm', identity, env, config: config() });
    expect(npmVerdict).toMatchObject({
      allowed: true,
      context: { repository: 'acme/widgets', workflow: '.gitlab-ci.yml', sources: { repository: 'source', workflow: 'config' } },
    });
    expect(
      checkClaimsForPackage({ identity, rules: npmTrustRules.claims, expected: { repository: 'acme/widgets', workflow: '.gitlab-ci.yml' } }),
    ).toMatchObject({ ok: true });

    const goPkg = makePackage({ type: 'go', id: 'gomod' });
    expect(enforceTrust({ pkg: goPkg, registry: 'go_proxy', identity, env, config: config() })).toMatchObject({ allowed: true });
    expect(
      checkClaimsForPackage({ identity, rules: goTrustRules.claims, expected: { repository: 'acme/widgets', workflow: '.gitlab-ci.yml', tags: ['v1.2.3'] } }),
    ).toMatchObject({ ok: true });

    const crate = enforceTrust({ pkg: makePackage({ type: 'cargo', id: 'core' }), registry: 'crates_io', identity, env, config: config() });
    expect(crate).toMatchObject({ allowed: false, code: 'trust.provider-unsupported' });
    expect(!crate.allowed && crate.reason).toContain(
      'Current CI provider GitLab CI/CD is not supported for crates_io trusted publishing; supported providers: GitHub Actions.',
    );
    expect(cratesIoTrustRules.capabilities.supportedProviders).not.toContain('gitlab_ci');
  });

  it('refuses a Go tag from an unprotected tag pipeline', async () => {
    const env = await gitlabJob({ ref_protected: 'false' });
    const { identity } = await resolveIdentity({ env, config: config() });
    expect(
      checkClaimsForPackage({ identity, rules: goTrustRules.claims, expected: { repository: 'acme/widgets', workflow: '.gitlab-ci.yml', tags: ['v1.2.3'] } }),
    ).toMatchObject({
      ok: false,
      code: 'claims.ref-unprotected',
    });
  });
});
