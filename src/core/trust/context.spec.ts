import type { CiIdentity } from '../ci/types';
import type { SourceConfig } from '../config/types';
import { describeContext, normalizeWorkflow, resolveExpectedContext } from './context';
import { makePackage } from './testing/fixtures';

const github: CiIdentity = {
  provider: 'github_actions',
  label: 'GitHub Actions',
  repository: 'runtime/repo',
  workflow: 'runtime.yml',
  environment: 'runtime-env',
  oidcAvailable: true,
  verifiable: true,
};
const gitlab: CiIdentity = {
  provider: 'gitlab_ci',
  label: 'GitLab CI/CD',
  repository: 'group/project',
  workflow: '.gitlab-ci.yml',
  environment: 'production',
  oidcAvailable: false,
  verifiable: true,
};
const unknown: CiIdentity = { provider: 'unknown', label: 'unknown CI provider', oidcAvailable: false, verifiable: false };

function source(owner: string, repo: string, provider: SourceConfig['provider'] = 'github'): SourceConfig {
  return {
    provider,
    owner,
    repo,
    releases: { branches: ['main'], enforceForPublish: false, attestations: { requireGithubArtifactAttestations: false } },
  };
}

describe('resolveExpectedContext', () => {
  it.each([
    [
      'everything from config',
      { repository: 'cfg/repo', workflow: 'cfg.yml', environment: 'cfg-env' },
      source('src', 'repo'),
      github,
      { repository: 'cfg/repo', workflow: 'cfg.yml', environment: 'cfg-env', sources: { repository: 'config', workflow: 'config', environment: 'config' } },
    ],
    [
      'repository from [source], rest from runtime',
      {},
      source('src', 'repo'),
      github,
      {
        repository: 'src/repo',
        workflow: 'runtime.yml',
        environment: 'runtime-env',
        sources: { repository: 'source', workflow: 'runtime', environment: 'runtime' },
      },
    ],
    [
      '[source] of any provider counts for the repository',
      {},
      source('grp', 'proj', 'gitlab'),
      github,
      {
        repository: 'grp/proj',
        workflow: 'runtime.yml',
        environment: 'runtime-env',
        sources: { repository: 'source', workflow: 'runtime', environment: 'runtime' },
      },
    ],
    [
      'all from the running GitHub job',
      {},
      undefined,
      github,
      {
        repository: 'runtime/repo',
        workflow: 'runtime.yml',
        environment: 'runtime-env',
        sources: { repository: 'runtime', workflow: 'runtime', environment: 'runtime' },
      },
    ],
    [
      'no environment anywhere',
      {},
      undefined,
      { ...github, environment: undefined },
      { repository: 'runtime/repo', workflow: 'runtime.yml', sources: { repository: 'runtime', workflow: 'runtime' } },
    ],
    [
      'config context resolves from a local shell',
      { repository: 'cfg/repo', workflow: 'cfg.yml' },
      undefined,
      unknown,
      { repository: 'cfg/repo', workflow: 'cfg.yml', sources: { repository: 'config', workflow: 'config' } },
    ],
    [
      'GitLab: [source] and config win over the job; its environment fills in',
      { workflow: 'cfg.yml' },
      source('src', 'repo'),
      gitlab,
      { repository: 'src/repo', workflow: 'cfg.yml', environment: 'production', sources: { repository: 'source', workflow: 'config', environment: 'runtime' } },
    ],
    [
      'GitLab: project path from the job, pipeline file defaults to .gitlab-ci.yml',
      {},
      undefined,
      { ...gitlab, workflow: 'other.yml' },
      {
        repository: 'group/project',
        workflow: '.gitlab-ci.yml',
        environment: 'production',
        sources: { repository: 'runtime', workflow: 'config', environment: 'runtime' },
      },
    ],
    [
      'workflow path prefix in config is normalised',
      { repository: 'cfg/repo', workflow: './.github/workflows/cfg.yml' },
      undefined,
      unknown,
      { repository: 'cfg/repo', workflow: 'cfg.yml', sources: { repository: 'config', workflow: 'config' } },
    ],
  ])('%s', (_label, trustedPublishing, src, identity, context) => {
    const pkg = makePackage({ trustedPublishing });
    expect(resolveExpectedContext(pkg, { source: src }, identity)).toEqual({ ok: true, context });
  });

  it.each([
    [
      'repository: nothing configured, not on GitHub',
      {},
      unknown,
      'trusted publishing could not determine the GitHub repository; set `publish.trusted_publishing.repository`',
      'repository = "owner/repo"',
    ],
    [
      'repository: GitLab job without a project path',
      { workflow: 'publish.yml' },
      { ...gitlab, repository: undefined },
      'trusted publishing could not determine the GitLab project; set `publish.trusted_publishing.repository`',
      'repository = "group/project"',
    ],
    [
      'repository: blank config value does not count',
      { repository: '  ' },
      { ...github, repository: undefined },
      'trusted publishing could not determine the GitHub repository; set `publish.trusted_publishing.repository`',
      'GITHUB_REPOSITORY',
    ],
    [
      'workflow: nothing configured, not on GitHub',
      { repository: 'cfg/repo' },
      unknown,
      'trusted publishing could not determine the GitHub workflow; set `publish.trusted_publishing.workflow`',
      'workflow = "publish.yml"',
    ],
    [
      'workflow: GitHub job without a parsed workflow',
      {},
      { ...github, workflow: undefined },
      'trusted publishing could not determine the GitHub workflow; set `publish.trusted_publishing.workflow`',
      'GITHUB_WORKFLOW_REF',
    ],
  ])('fails: %s', (_label, trustedPublishing, identity, message, fixPart) => {
    const result = resolveExpectedContext(makePackage({ trustedPublishing }), {}, identity);
    expect(result).toMatchObject({ ok: false, code: 'trust.context-unresolved', message });
    expect(result.ok === false && result.fix).toContain(fixPart);
  });
});

describe('describeContext / normalizeWorkflow', () => {
  it.each([
    [{ repository: 'a/b', workflow: 'p.yml' }, 'repository `a/b`, workflow `p.yml`'],
    [{ repository: 'a/b', workflow: 'p.yml', environment: 'e' }, 'repository `a/b`, workflow `p.yml`, environment `e`'],
  ])('describeContext %#', (ctx, text) => {
    expect(describeContext(ctx)).toBe(text);
  });

  it.each([
    ['publish.yml', 'publish.yml'],
    ['.github/workflows/publish.yml', 'publish.yml'],
    ['./.github/workflows/release/p.yml', 'release/p.yml'],
    [' publish.yml ', 'publish.yml'],
  ])('normalizeWorkflow(%j)', (input, output) => {
    expect(normalizeWorkflow(input)).toBe(output);
  });
});
