import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startOidcIssuer, type Claims, type LoopbackOidcIssuer } from '../../../../test-utils/oidc-issuer';
import type { CiIdentity } from '../types';
import { REGISTRIES } from '../../registries';
import type { RegistryId } from '../../types';
import { checkClaimsForPackage, type ClaimExpectations } from './check-claims';
import { verifyGithubIdentity } from './verify-identity';

let iss: LoopbackOidcIssuer;
beforeAll(async () => {
  iss = await startOidcIssuer();
});
afterAll(async () => {
  await iss.close();
});

/** The identity a real signed token with these claims yields (through the whole verification). */
async function verified(overrides: Claims = {}): Promise<CiIdentity> {
  const result = await verifyGithubIdentity({
    env: iss.githubEnv(iss.claims(overrides)),
    config: { source: { oidc: { issuer: iss.url } } },
    write: () => undefined,
  });
  if (result.status !== 'verified') throw new Error(`fixture did not verify: ${JSON.stringify(result)}`);
  return result.identity;
}

const rulesOf = (registry: string) => REGISTRIES[registry as RegistryId].trust.claims;

const EXPECTED: ClaimExpectations = {
  repository: 'acme/widgets',
  workflow: 'publish.yml',
  environment: 'release',
  repositoryId: '123456',
  repositoryOwnerId: '7890',
  tags: ['v1.2.3'],
};

const wf = (file: string, ref = 'refs/tags/v1.2.3', repo = 'acme/widgets') => `${repo}/.github/workflows/${file}@${ref}`;
const branch = (ref = 'refs/heads/main', file = 'publish.yml') => ({ ref, ref_type: 'branch', workflow_ref: wf(file, ref), job_workflow_ref: wf(file, ref) });
const repo = (repository: string, extra: Claims = {}) => ({
  repository,
  repository_owner: repository.split('/')[0],
  workflow_ref: wf('publish.yml', 'refs/tags/v1.2.3', repository),
  job_workflow_ref: wf('publish.yml', 'refs/tags/v1.2.3', repository),
  ...extra,
});

interface Case {
  name: string;
  registry: string;
  claims: Claims;
  expected?: Partial<ClaimExpectations>;
  code: string;
  mentions: string[];
}

const CLAIM_CASES: Case[] = [
  // Identity
  {
    name: 'wrong repository',
    registry: 'npm',
    claims: repo('acme/gadgets'),
    code: 'claims.repository-mismatch',
    mentions: ['"acme/widgets"', '"acme/gadgets"'],
  },
  {
    name: 'wrong owner',
    registry: 'crates_io',
    claims: repo('mallory/widgets', { repository_owner_id: '666' }),
    code: 'claims.repository-mismatch',
    mentions: ['"mallory/widgets"'],
  },
  {
    name: "a fork's token",
    registry: 'pypi',
    claims: repo('forker/widgets', { repository_id: '555', repository_owner_id: '444' }),
    code: 'claims.repository-mismatch',
    mentions: ['"forker/widgets"'],
  },
  {
    name: 'owner/repo case variant on npm (exact)',
    registry: 'npm',
    claims: repo('Acme/Widgets'),
    code: 'claims.repository-mismatch',
    mentions: ['"Acme/Widgets"', 'case-sensitively'],
  },
  {
    name: 'owner/repo case variant on pub.dev (exact)',
    registry: 'pub_dev',
    claims: repo('ACME/widgets'),
    code: 'claims.repository-mismatch',
    mentions: ['case-sensitively'],
  },
  {
    name: 'wrong repository id (recreated repository)',
    registry: 'jsr',
    claims: { repository_id: '999999' },
    code: 'claims.repository-id-mismatch',
    mentions: ['123456', '999999'],
  },
  {
    name: 'wrong repository owner id (recreated account)',
    registry: 'crates_io',
    claims: { repository_owner_id: '31337' },
    code: 'claims.repository-owner-id-mismatch',
    mentions: ['7890', '31337'],
  },
  // Workflow
  {
    name: 'wrong workflow file',
    registry: 'npm',
    claims: { workflow_ref: wf('release.yml'), job_workflow_ref: wf('release.yml') },
    code: 'claims.workflow-mismatch',
    mentions: ['"publish.yml"', '"release.yml"'],
  },
  {
    name: '.yaml instead of .yml',
    registry: 'crates_io',
    claims: { workflow_ref: wf('publish.yaml'), job_workflow_ref: wf('publish.yaml') },
    code: 'claims.workflow-mismatch',
    mentions: ['"publish.yaml"', '".yml" is not ".yaml"'],
  },
  {
    name: 'lookalike ref publish.yml@evil.yml@refs/heads/x',
    registry: 'npm',
    claims: {
      ref: 'refs/heads/x',
      ref_type: 'branch',
      workflow_ref: wf('publish.yml@evil.yml', 'refs/heads/x'),
      job_workflow_ref: wf('publish.yml@evil.yml', 'refs/heads/x'),
    },
    code: 'claims.workflow-mismatch',
    mentions: ['"publish.yml@evil.yml"'],
  },
  {
    name: 'workflow in a subdirectory',
    registry: 'pypi',
    claims: { workflow_ref: wf('sub/publish.yml'), job_workflow_ref: wf('sub/publish.yml') },
    code: 'claims.workflow-mismatch',
    mentions: ['"sub/publish.yml"'],
  },
  {
    name: 'caller workflow differs where only the caller is checked',
    registry: 'jsr',
    claims: { workflow_ref: wf('ci.yml'), job_workflow_ref: wf('publish.yml') },
    code: 'claims.workflow-mismatch',
    mentions: ['"ci.yml"'],
  },
  {
    name: 'reusable workflow on npm (caller matches, callee differs)',
    registry: 'npm',
    claims: { job_workflow_ref: wf('publish.yml', 'refs/tags/v1', 'acme/shared-workflows') },
    code: 'claims.reusable-workflow',
    mentions: ['reusable', 'acme/shared-workflows'],
  },
  {
    name: 'reusable workflow on PyPI (callee matches, caller differs)',
    registry: 'pypi',
    claims: { workflow_ref: wf('release.yml') },
    code: 'claims.reusable-workflow',
    mentions: ['release.yml', 'PyPI'],
  },
  {
    name: 'reusable workflow on crates.io',
    registry: 'crates_io',
    claims: { job_workflow_ref: wf('build-and-publish.yml') },
    code: 'claims.reusable-workflow',
    mentions: ['crates.io'],
  },
  {
    name: 'workflow run at a ref that is neither ref nor sha',
    registry: 'npm',
    claims: { workflow_ref: wf('publish.yml', 'refs/heads/main'), job_workflow_ref: wf('publish.yml', 'refs/heads/main') },
    code: 'claims.workflow-ref-mismatch',
    mentions: ['"refs/heads/main"', '"refs/tags/v1.2.3"'],
  },
  // Environment
  { name: 'environment missing', registry: 'npm', claims: { environment: undefined }, code: 'claims.environment-missing', mentions: ['"release"', 'has none'] },
  {
    name: 'wrong environment',
    registry: 'pypi',
    claims: { environment: 'staging' },
    code: 'claims.environment-mismatch',
    mentions: ['"release"', '"staging"'],
  },
  {
    name: 'case-changed environment on npm',
    registry: 'npm',
    claims: { environment: 'Release' },
    code: 'claims.environment-mismatch',
    mentions: ['"Release"', 'case-sensitively'],
  },
  {
    name: 'case-changed environment on pub.dev',
    registry: 'pub_dev',
    claims: { environment: 'RELEASE' },
    code: 'claims.environment-mismatch',
    mentions: ['"RELEASE"', 'case-sensitively'],
  },
  // Events
  {
    name: 'pull_request_target',
    registry: 'crates_io',
    claims: { event_name: 'pull_request_target' },
    code: 'claims.event-pull-request-target',
    mentions: ['pull_request_target'],
  },
  { name: 'workflow_run', registry: 'npm', claims: { event_name: 'workflow_run' }, code: 'claims.event-workflow-run', mentions: ['workflow_run'] },
  {
    name: 'pull_request',
    registry: 'pypi',
    claims: { event_name: 'pull_request', ...branch('refs/pull/7/merge') },
    code: 'claims.event-pull-request',
    mentions: ['"pull_request"'],
  },
  {
    name: 'pull_request_review',
    registry: 'jsr',
    claims: { event_name: 'pull_request_review', ...branch('refs/pull/7/merge') },
    code: 'claims.event-pull-request',
    mentions: ['"pull_request_review"'],
  },
  {
    name: 'release event on pub.dev',
    registry: 'pub_dev',
    claims: { event_name: 'release' },
    code: 'claims.event-not-allowed',
    mentions: ['"release"', '"push" or "workflow_dispatch"'],
  },
  // Refs and tags
  {
    name: 'branch instead of tag for pub.dev',
    registry: 'pub_dev',
    claims: branch(),
    code: 'claims.ref-not-tag',
    mentions: ['"refs/heads/main"', 'refs/tags/v1.2.3'],
  },
  { name: 'branch instead of tag for Go', registry: 'go_proxy', claims: branch(), code: 'claims.ref-not-tag', mentions: ['"refs/heads/main"'] },
  {
    name: 'tag not matching the version (pub.dev)',
    registry: 'pub_dev',
    claims: { ref: 'refs/tags/v1.2.4', workflow_ref: wf('publish.yml', 'refs/tags/v1.2.4'), job_workflow_ref: wf('publish.yml', 'refs/tags/v1.2.4') },
    code: 'claims.tag-mismatch',
    mentions: ['refs/tags/v1.2.3', 'refs/tags/v1.2.4'],
  },
  {
    name: 'root tag for a Go module in a subdirectory',
    registry: 'go_proxy',
    claims: {},
    expected: { tags: ['sub/v1.2.3'] },
    code: 'claims.tag-mismatch',
    mentions: ['refs/tags/sub/v1.2.3'],
  },
  {
    name: "another package's tag ending in the same version (pub.dev)",
    registry: 'pub_dev',
    claims: {
      ref: 'refs/tags/otherpkg-v1.2.3',
      workflow_ref: wf('publish.yml', 'refs/tags/otherpkg-v1.2.3'),
      job_workflow_ref: wf('publish.yml', 'refs/tags/otherpkg-v1.2.3'),
    },
    expected: { tags: ['widgets-v1.2.3', 'v1.2.3'] },
    code: 'claims.tag-mismatch',
    mentions: ['refs/tags/widgets-v1.2.3', 'refs/tags/otherpkg-v1.2.3'],
  },
  // Events outside the allow-list
  {
    name: 'issue_comment',
    registry: 'npm',
    claims: { event_name: 'issue_comment' },
    code: 'claims.event-not-allowed',
    mentions: ['"issue_comment"', 'comments anyone can write'],
  },
  { name: 'issues', registry: 'pypi', claims: { event_name: 'issues' }, code: 'claims.event-not-allowed', mentions: ['"issues"'] },
  { name: 'watch', registry: 'crates_io', claims: { event_name: 'watch' }, code: 'claims.event-not-allowed', mentions: ['"watch"', 'stars'] },
  { name: 'fork', registry: 'go_proxy', claims: { event_name: 'fork' }, code: 'claims.event-not-allowed', mentions: ['"fork"'] },
  {
    name: 'an event nobody listed (deployment_status)',
    registry: 'jsr',
    claims: { event_name: 'deployment_status' },
    code: 'claims.event-not-allowed',
    mentions: ['"deployment_status"', '`workflow_dispatch`'],
  },
  // The job's own workflow where no registry checks it
  {
    name: "a third party's reusable workflow pushing a Go tag",
    registry: 'go_proxy',
    claims: { job_workflow_ref: wf('release.yml', 'refs/heads/main', 'mallory/actions') },
    code: 'claims.job-workflow-foreign',
    mentions: ['mallory/actions', '"acme/widgets"'],
  },
  {
    name: "a third party's reusable workflow on JSR",
    registry: 'jsr',
    claims: { job_workflow_ref: wf('deno.yml', 'refs/tags/v1', 'mallory/actions') },
    code: 'claims.job-workflow-foreign',
    mentions: ['mallory/actions'],
  },
  {
    name: "a third party's reusable workflow on pub.dev",
    registry: 'pub_dev',
    claims: { job_workflow_ref: wf('dart.yml', 'refs/tags/v1', 'mallory/actions') },
    code: 'claims.job-workflow-foreign',
    mentions: ['mallory/actions'],
  },
  {
    name: 'tag-only registry without an expected tag',
    registry: 'go_proxy',
    claims: {},
    expected: { tags: undefined },
    code: 'claims.tag-unknown',
    mentions: ['no expected tag'],
  },
];

describe('checkClaimsForPackage: adversarial cases', () => {
  it.each(CLAIM_CASES)('$name ($registry) → $code', async (c) => {
    const identity = await verified(c.claims);
    const result = checkClaimsForPackage({ identity, rules: rulesOf(c.registry), expected: { ...EXPECTED, ...c.expected } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe(c.code);
    for (const m of c.mentions) expect(result.reason).toContain(m);
  });

  it('refuses an identity that was not verified from a token', () => {
    const identity: CiIdentity = {
      provider: 'github_actions',
      label: 'GitHub Actions',
      repository: 'acme/widgets',
      workflow: 'publish.yml',
      oidcAvailable: false,
      verifiable: true,
    };
    const result = checkClaimsForPackage({ identity, rules: rulesOf('npm'), expected: EXPECTED });
    expect(result).toMatchObject({ ok: false, code: 'claims.unverified' });
  });

  it('refuses when nothing is configured to compare with', async () => {
    const identity = await verified();
    expect(checkClaimsForPackage({ identity, rules: rulesOf('npm'), expected: { ...EXPECTED, workflow: '' } })).toMatchObject({
      ok: false,
      code: 'claims.expected-missing',
    });
    expect(checkClaimsForPackage({ identity, rules: rulesOf('npm'), expected: { ...EXPECTED, repository: '' } })).toMatchObject({
      ok: false,
      code: 'claims.expected-missing',
    });
  });

  it('keeps the machine-readable case list in __fixtures__/adversarial-cases.json in step', () => {
    const listed = JSON.parse(readFileSync(join(__dirname, '__fixtures__', 'adversarial-cases.json'), 'utf8')) as Array<{
      suite: string;
      case: string;
      code: string;
    }>;
    expect(listed.filter((l) => l.suite === 'checkClaimsForPackage').map((l) => [l.case, l.code])).toEqual(
      CLAIM_CASES.map((c) => [`${c.name} (${c.registry})`, c.code]),
    );
  });
});

describe('checkClaimsForPackage: accepted', () => {
  it.each(['npm', 'crates_io', 'pypi', 'jsr', 'pub_dev', 'go_proxy'])('accepts the matching token for %s', async (registry) => {
    const identity = await verified();
    expect(checkClaimsForPackage({ identity, rules: rulesOf(registry), expected: EXPECTED })).toEqual({ ok: true, warnings: [] });
  });

  it.each(['crates_io', 'pypi', 'jsr', 'go_proxy'])('compares owner/repo case-insensitively for %s', async (registry) => {
    const identity = await verified(repo('Acme/Widgets'));
    expect(checkClaimsForPackage({ identity, rules: rulesOf(registry), expected: EXPECTED })).toMatchObject({ ok: true });
  });

  it.each(['crates_io', 'pypi'])('compares the environment case-insensitively for %s', async (registry) => {
    const identity = await verified({ environment: 'Release' });
    expect(checkClaimsForPackage({ identity, rules: rulesOf(registry), expected: EXPECTED })).toMatchObject({ ok: true });
  });

  it('accepts without pinned ids and without an expected environment, warning about the unconstrained environment', async () => {
    const identity = await verified({ repository_id: '1', repository_owner_id: '2' });
    const result = checkClaimsForPackage({ identity, rules: rulesOf('pypi'), expected: { repository: 'acme/widgets', workflow: 'publish.yml' } });
    expect(result).toEqual({ ok: true, warnings: [expect.stringContaining('environment "release"')] });
  });

  it.each([
    ['pub_dev', 'widgets-v1.2.3'],
    ['go_proxy', 'sub/v1.2.3'],
  ])('accepts the tag %s expects (%s)', async (registry, tag) => {
    const ref = `refs/tags/${tag}`;
    const identity = await verified({ ref, workflow_ref: wf('publish.yml', ref), job_workflow_ref: wf('publish.yml', ref) });
    expect(checkClaimsForPackage({ identity, rules: rulesOf(registry), expected: { ...EXPECTED, tags: [tag] } })).toMatchObject({ ok: true });
  });

  it('accepts a branch push for npm (no tag rule) and a workflow pinned by sha', async () => {
    const sha = 'c'.repeat(40);
    const identity = await verified({ ...branch(), sha, workflow_ref: wf('publish.yml', sha), job_workflow_ref: wf('publish.yml', sha) });
    expect(checkClaimsForPackage({ identity, rules: rulesOf('npm'), expected: { ...EXPECTED, tags: undefined } })).toMatchObject({ ok: true });
  });

  it('accepts a reusable workflow of the same repository where the registry does not check workflows, comparing the caller', async () => {
    const identity = await verified({ job_workflow_ref: wf('shared.yml', 'refs/tags/v1.2.3') });
    expect(checkClaimsForPackage({ identity, rules: rulesOf('jsr'), expected: EXPECTED })).toMatchObject({ ok: true });
  });

  it('warns, without refusing, on a self-hosted runner or private repository when npm provenance is required', async () => {
    const identity = await verified({ runner_environment: 'self-hosted', repository_visibility: 'private' });
    const result = checkClaimsForPackage({ identity, rules: rulesOf('npm'), expected: { ...EXPECTED, provenance: true } });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.warnings).toEqual([expect.stringContaining('self-hosted'), expect.stringContaining('private')]);
    expect(checkClaimsForPackage({ identity, rules: rulesOf('npm'), expected: EXPECTED })).toEqual({ ok: true, warnings: [] });
  });
});
