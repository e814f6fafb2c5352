import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startOidcIssuer, type LoopbackOidcIssuer } from '../../../test-utils/oidc-issuer';
import { handOffOidcToken } from './oidc-handoff';

let iss: LoopbackOidcIssuer;
let root: string;

beforeAll(async () => {
  iss = await startOidcIssuer();
  root = mkdtempSync(join(tmpdir(), 'mc-handoff-'));
  writeFileSync(join(root, 'monochange.toml'), `[source]\nowner = "acme"\nrepo = "widgets"\n\n[source.oidc]\nissuer = "${iss.url}"\n`);
});
afterAll(async () => {
  await iss.close();
  rmSync(root, { recursive: true, force: true });
});

const TARGETS = ['publish', 'readiness', 'placeholder-publish', 'nx-release-publish'];

describe('handOffOidcToken', () => {
  it('requests, masks on the raw log and hands one token to the run of a publish target', async () => {
    const env: Record<string, string | undefined> = iss.githubEnv();
    const written: string[] = [];
    const outcome = await handOffOidcToken({
      root,
      runTargets: ['publish'],
      env,
      targets: TARGETS,
      write: (t) => written.push(t),
    });
    expect(outcome).toBe('handed');
    expect(env.MONOCHANGE_OIDC_TOKEN).toMatch(/^eyJ/);
    expect(written).toEqual([`::add-mask::${env.MONOCHANGE_OIDC_TOKEN}\n`]);
  });

  it('does nothing for runs without our targets, and drops a token it did not hand down itself', async () => {
    const env: Record<string, string | undefined> = { ...iss.githubEnv(), MONOCHANGE_OIDC_TOKEN: 'inherited' };
    const before = iss.requests.length;
    expect(await handOffOidcToken({ root, runTargets: ['build'], env, targets: TARGETS, write: () => undefined })).toBe('skipped');
    expect(env.MONOCHANGE_OIDC_TOKEN).toBeUndefined();
    expect(iss.requests.length).toBe(before);
  });

  it('outside GitHub Actions requests nothing', async () => {
    const env: Record<string, string | undefined> = { PATH: '/usr/bin' };
    expect(await handOffOidcToken({ root, runTargets: ['publish'], env, targets: TARGETS })).toBe('skipped');
  });

  it('hands nothing down when the token does not verify', async () => {
    const env: Record<string, string | undefined> = iss.githubEnv(iss.claims({ repository: 'mallory/widgets' }));
    env.GITHUB_REPOSITORY = 'acme/widgets';
    const outcome = await handOffOidcToken({ root, runTargets: ['readiness'], env, targets: TARGETS, write: () => undefined });
    expect(outcome).toBe('unverified');
    expect(env.MONOCHANGE_OIDC_TOKEN).toBeUndefined();
  });
});
