import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { goTrustRules } from '../../../registries/go-proxy/trust-rules';
import { npmTrustRules } from '../../../registries/npm/trust-rules';
import { pypiTrustRules } from '../../../registries/pypi/trust-rules';
import type { RegistryClaimRules } from '../../../registries/types';
import { PROVIDER_LABELS, type CiIdentity } from '../../types';
import { checkClaimsForPackage, type ClaimExpectations } from '../check-claims';
import { checkGitlabClaims } from './check-claims';

/** Verified claims of a GitLab.com job: tag v1.2.3 (protected) of acme/widgets, push pipeline, `.gitlab-ci.yml`. */
function claims(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {
    iss: 'https://gitlab.com',
    aud: 'monochange-nx',
    jti: 'j-1',
    project_path: 'acme/widgets',
    project_id: '123456',
    namespace_path: 'acme',
    namespace_id: '7890',
    ref: 'v1.2.3',
    ref_type: 'tag',
    ref_path: 'refs/tags/v1.2.3',
    ref_protected: 'true',
    pipeline_source: 'push',
    pipeline_id: '7700',
    job_id: '99100',
    sha: 'b'.repeat(40),
    ci_config_ref_uri: 'gitlab.com/acme/widgets//.gitlab-ci.yml@refs/tags/v1.2.3',
    environment: 'release',
    ...overrides,
  };
  for (const [k, v] of Object.entries(out)) if (v === undefined) delete out[k];
  return out;
}

const expected = (overrides: Partial<ClaimExpectations> = {}): ClaimExpectations => ({
  repository: 'acme/widgets',
  workflow: '',
  environment: 'release',
  ...overrides,
});
const goExpected = (overrides: Partial<ClaimExpectations> = {}) => expected({ tags: ['v1.2.3'], ...overrides });

interface Case {
  name: string;
  code: string;
  rules: RegistryClaimRules;
  claims: Record<string, string | undefined>;
  expected: ClaimExpectations;
  mentions: string[];
}

const npm = npmTrustRules.claims;
const pypi = pypiTrustRules.claims;
const go = goTrustRules.claims;

const CASES: Case[] = [
  {
    name: 'another project',
    code: 'claims.repository-mismatch',
    rules: npm,
    claims: claims({ project_path: 'evil/widgets', namespace_path: 'evil' }),
    expected: expected(),
    mentions: ['"acme/widgets"', '"evil/widgets"'],
  },
  {
    name: 'project path differs in case (npm compares exactly)',
    code: 'claims.repository-mismatch',
    rules: npm,
    claims: claims({ project_path: 'Acme/Widgets', namespace_path: 'Acme' }),
    expected: expected(),
    mentions: ['case-sensitively', 'exactly as GitLab spells it'],
  },
  {
    name: 'renamed project: same path, another project_id',
    code: 'claims.repository-id-mismatch',
    rules: go,
    claims: claims({ project_id: '999999' }),
    expected: goExpected({ repositoryId: '123456' }),
    mentions: ['project id 123456', 'project_id 999999', 'renamed'],
  },
  {
    name: 'namespace recreated: another namespace_id',
    code: 'claims.repository-owner-id-mismatch',
    rules: pypi,
    claims: claims({ namespace_id: '1' }),
    expected: expected({ repositoryOwnerId: '7890' }),
    mentions: ['namespace id 7890'],
  },
  {
    name: 'another pipeline configuration file',
    code: 'claims.workflow-mismatch',
    rules: npm,
    claims: claims({ ci_config_ref_uri: 'gitlab.com/acme/widgets//ci/other.yml@refs/tags/v1.2.3' }),
    expected: expected({ workflow: '.gitlab-ci.yml' }),
    mentions: ['".gitlab-ci.yml"', '"ci/other.yml"'],
  },
  {
    name: 'the default .gitlab-ci.yml is expected when no file is configured',
    code: 'claims.workflow-mismatch',
    rules: npm,
    claims: claims({ ci_config_ref_uri: 'gitlab.com/acme/widgets//release.yml@refs/tags/v1.2.3' }),
    expected: expected({ workflow: '' }),
    mentions: ['".gitlab-ci.yml"', '"release.yml"'],
  },
  {
    name: 'pipeline configuration from another project',
    code: 'claims.job-workflow-foreign',
    rules: go,
    claims: claims({ ci_config_ref_uri: 'gitlab.com/evil/ci-templates//.gitlab-ci.yml@refs/heads/main' }),
    expected: goExpected(),
    mentions: ['evil/ci-templates', 'outside project "acme/widgets"'],
  },
  {
    name: 'pipeline configuration on another instance',
    code: 'claims.job-workflow-foreign',
    rules: npm,
    claims: claims({ ci_config_ref_uri: 'gitlab.example.com/acme/widgets//.gitlab-ci.yml@refs/tags/v1.2.3' }),
    expected: expected(),
    mentions: ['gitlab.example.com'],
  },
  {
    name: 'pipeline configuration read at another ref',
    code: 'claims.workflow-ref-mismatch',
    rules: npm,
    claims: claims({ ci_config_ref_uri: 'gitlab.com/acme/widgets//.gitlab-ci.yml@refs/heads/feature' }),
    expected: expected(),
    mentions: ['refs/heads/feature', 'refs/tags/v1.2.3'],
  },
  {
    name: 'merge request pipeline (possibly from a fork)',
    code: 'claims.event-pull-request',
    rules: npm,
    claims: claims({ pipeline_source: 'merge_request_event' }),
    expected: expected(),
    mentions: ['"merge_request_event"', 'fork'],
  },
  {
    name: 'external pull request pipeline',
    code: 'claims.event-pull-request',
    rules: pypi,
    claims: claims({ pipeline_source: 'external_pull_request_event' }),
    expected: expected(),
    mentions: ['"external_pull_request_event"'],
  },
  {
    name: 'trigger token pipeline',
    code: 'claims.event-not-allowed',
    rules: npm,
    claims: claims({ pipeline_source: 'trigger' }),
    expected: expected(),
    mentions: ['"trigger"', 'trigger token'],
  },
  {
    name: 'multi-project pipeline',
    code: 'claims.event-not-allowed',
    rules: go,
    claims: claims({ pipeline_source: 'pipeline' }),
    expected: goExpected(),
    mentions: ['another project'],
  },
  {
    name: 'child pipeline',
    code: 'claims.event-not-allowed',
    rules: npm,
    claims: claims({ pipeline_source: 'parent_pipeline' }),
    expected: expected(),
    mentions: ['child pipeline'],
  },
  {
    name: 'ChatOps pipeline',
    code: 'claims.event-not-allowed',
    rules: npm,
    claims: claims({ pipeline_source: 'chat' }),
    expected: expected(),
    mentions: ['chat'],
  },
  {
    name: 'a pipeline source GitLab adds later',
    code: 'claims.event-not-allowed',
    rules: npm,
    claims: claims({ pipeline_source: 'brand_new_source' }),
    expected: expected(),
    mentions: ['"brand_new_source"'],
  },
  {
    name: 'unprotected tag for a Go release',
    code: 'claims.ref-unprotected',
    rules: go,
    claims: claims({ ref_protected: 'false' }),
    expected: goExpected(),
    mentions: ['protected', 'Protected tags'],
  },
  {
    name: 'branch pipeline for a Go release',
    code: 'claims.ref-not-tag',
    rules: go,
    claims: claims({
      ref: 'main',
      ref_type: 'branch',
      ref_path: 'refs/heads/main',
      ci_config_ref_uri: 'gitlab.com/acme/widgets//.gitlab-ci.yml@refs/heads/main',
    }),
    expected: goExpected(),
    mentions: ['ref "main"', '"v1.2.3"'],
  },
  {
    name: "another package's tag for a Go release",
    code: 'claims.tag-mismatch',
    rules: go,
    claims: claims({ ref: 'api/v1.2.3', ref_path: 'refs/tags/api/v1.2.3', ci_config_ref_uri: 'gitlab.com/acme/widgets//.gitlab-ci.yml@refs/tags/api/v1.2.3' }),
    expected: goExpected(),
    mentions: ['"api/v1.2.3"'],
  },
  {
    name: 'environment missing',
    code: 'claims.environment-missing',
    rules: npm,
    claims: claims({ environment: undefined }),
    expected: expected(),
    mentions: ['environment: release'],
  },
  {
    name: 'environment differs',
    code: 'claims.environment-mismatch',
    rules: npm,
    claims: claims({ environment: 'Release' }),
    expected: expected(),
    mentions: ['"Release"', 'case-sensitively'],
  },
];

describe('checkGitlabClaims: adversarial table', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = checkGitlabClaims(c.claims, c.rules, c.expected);
    expect(result).toMatchObject({ ok: false, code: c.code });
    const reason = result.ok ? '' : result.reason;
    for (const m of c.mentions) expect(reason).toContain(m);
  });

  it('keeps the machine-readable case list in ../__fixtures__/adversarial-cases.json in step', () => {
    const listed = JSON.parse(readFileSync(join(__dirname, '..', '__fixtures__', 'adversarial-cases.json'), 'utf8')) as Array<{
      suite: string;
      case: string;
      code: string;
    }>;
    expect(listed.filter((l) => l.suite === 'checkGitlabClaims').map((l) => [l.case, l.code])).toEqual(CASES.map((c) => [c.name, c.code]));
  });
});

describe('checkGitlabClaims: allowed', () => {
  it.each(['push', 'web', 'schedule', 'api'])('publishes npm from a %s pipeline of the configured project', (source) => {
    expect(checkGitlabClaims(claims({ pipeline_source: source }), npm, expected({ workflow: '.gitlab-ci.yml' }))).toEqual({ ok: true, warnings: [] });
  });

  it('pushes a Go tag from its protected tag pipeline', () => {
    expect(checkGitlabClaims(claims(), go, goExpected({ repositoryId: '123456' }))).toEqual({ ok: true, warnings: [] });
  });

  it('PyPI compares the project path and environment case-insensitively', () => {
    expect(checkGitlabClaims(claims({ project_path: 'Acme/Widgets', namespace_path: 'Acme', environment: 'RELEASE' }), pypi, expected())).toMatchObject({
      ok: true,
    });
  });

  it('warns when npm publishes from an unprotected branch or an environment nobody pinned', () => {
    const branch = claims({
      ref: 'main',
      ref_type: 'branch',
      ref_protected: 'false',
      ci_config_ref_uri: 'gitlab.com/acme/widgets//.gitlab-ci.yml@refs/heads/main',
    });
    const result = checkGitlabClaims(branch, npm, expected({ environment: undefined }));
    expect(result.ok).toBe(true);
    expect(result.ok && result.warnings.join('\n')).toMatch(/GitLab environment "release"[\s\S]*"main" is not protected/);
  });

  it('accepts a GitLab served under a relative URL root', () => {
    const c = claims({ iss: 'https://example.com/gitlab', ci_config_ref_uri: 'example.com/gitlab/acme/widgets//.gitlab-ci.yml@refs/tags/v1.2.3' });
    expect(checkGitlabClaims(c, npm, expected())).toMatchObject({ ok: true });
    expect(checkGitlabClaims({ ...c, ci_config_ref_uri: 'example.com/acme/widgets//.gitlab-ci.yml@refs/tags/v1.2.3' }, npm, expected())).toMatchObject({
      ok: false,
      code: 'claims.job-workflow-foreign',
    });
  });

  it('accepts a configuration file read at the job commit', () => {
    expect(checkGitlabClaims(claims({ ci_config_ref_uri: `gitlab.com/acme/widgets//.gitlab-ci.yml@${'b'.repeat(40)}` }), npm, expected())).toMatchObject({
      ok: true,
    });
  });
});

describe('checkClaimsForPackage dispatches by provider', () => {
  const identity = (c: Record<string, string | undefined>): CiIdentity => ({
    provider: 'gitlab_ci',
    label: PROVIDER_LABELS.gitlab_ci,
    oidcAvailable: true,
    verifiable: true,
    verified: true,
    claims: c as Record<string, string>,
  });

  it('checks a verified GitLab identity with the GitLab rules', () => {
    expect(checkClaimsForPackage({ identity: identity(claims()), rules: go, expected: goExpected() })).toEqual({ ok: true, warnings: [] });
    expect(checkClaimsForPackage({ identity: identity(claims({ ref_protected: 'false' })), rules: go, expected: goExpected() })).toMatchObject({
      ok: false,
      code: 'claims.ref-unprotected',
    });
  });

  it('refuses an unverified GitLab identity', () => {
    expect(checkClaimsForPackage({ identity: { ...identity(claims()), verified: false }, rules: npm, expected: expected() })).toMatchObject({
      ok: false,
      code: 'claims.unverified',
    });
  });
});
