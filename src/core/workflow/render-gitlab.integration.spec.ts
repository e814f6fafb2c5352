import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { MonochangeError } from '../errors';
import { addGitlabInclude, GITLAB_PUBLISH_FILE, renderGitlabPipeline, tagFilterToRegex, type GitlabPipelineSpec } from './render-gitlab';
import { gitlabCiLocal } from './testing/gitlab-ci-local';

const spec = (o: Partial<GitlabPipelineSpec> = {}): GitlabPipelineSpec => ({
  environment: 'publisher',
  registries: ['npm', 'pypi'],
  provenance: true,
  trigger: 'release',
  ...o,
});
const job = (text: string) => parse(text)['monochange-publish'];

describe('renderGitlabPipeline', () => {
  it('declares the OIDC tokens of the registries in use, with their audiences, and our own', () => {
    expect(job(renderGitlabPipeline(spec())).id_tokens).toEqual({
      MONOCHANGE_ID_TOKEN: { aud: 'monochange-nx' },
      NPM_ID_TOKEN: { aud: 'npm:registry.npmjs.org' },
      PYPI_ID_TOKEN: { aud: 'pypi' },
      SIGSTORE_ID_TOKEN: { aud: 'sigstore' },
    });
    expect(job(renderGitlabPipeline(spec({ registries: ['pypi'] }))).id_tokens).toEqual({
      MONOCHANGE_ID_TOKEN: { aud: 'monochange-nx' },
      PYPI_ID_TOKEN: { aud: 'pypi' },
    });
    expect(Object.keys(job(renderGitlabPipeline(spec({ registries: ['npm'], provenance: false }))).id_tokens)).toEqual(['MONOCHANGE_ID_TOKEN', 'NPM_ID_TOKEN']);
  });

  it('runs readiness then publish, one at a time, in an environment, without cache, keeping the hidden results', () => {
    const j = job(renderGitlabPipeline(spec({ projects: ['web', 'acme-tools'], targets: { readiness: 'mc-ready', publish: 'mc-publish' } })));
    expect(j.script.slice(-3)).toEqual([
      'npm ci --ignore-scripts',
      'npx nx run-many -t mc-ready --projects=web,acme-tools',
      'npx nx run-many -t mc-publish --projects=web,acme-tools',
    ]);
    expect(j.resource_group).toBe('monochange-publish');
    expect(j.interruptible).toBe(false);
    expect(j.environment).toEqual({ name: 'publisher', action: 'start' });
    expect(j.cache).toBeUndefined();
    expect(j.artifacts).toMatchObject({ when: 'always', paths: ['.monochange/*.json'] });
    expect(j.variables).toEqual({ NX_CLOUD_DISTRIBUTED_EXECUTION: 'false' });
    expect(j.image).toBe('node:24');
    expect(j.script[0]).toContain('required="11.5.1"');
  });

  it('publishes only for protected release tags, or by hand on the protected default branch', () => {
    expect(job(renderGitlabPipeline(spec())).rules).toEqual([
      { if: '$CI_COMMIT_TAG =~ /^(?:v[0-9]+\\.[0-9]+\\.[0-9]+.*)$/ && $CI_COMMIT_REF_PROTECTED == "true"' },
    ]);
    expect(job(renderGitlabPipeline(spec({ trigger: 'tag', tagPatterns: ['web/v[0-9]+.[0-9]+.[0-9]+', 'v*'] }))).rules[0].if).toBe(
      '$CI_COMMIT_TAG =~ /^(?:web\\/v[0-9]+\\.[0-9]+\\.[0-9]+|v.*)$/ && $CI_COMMIT_REF_PROTECTED == "true"',
    );
    expect(job(renderGitlabPipeline(spec({ trigger: 'manual' }))).rules).toEqual([
      { if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $CI_COMMIT_REF_PROTECTED == "true"', when: 'manual' },
    ]);
  });

  it('turns GitHub tag filters into anchored regex bodies', () => {
    expect(tagFilterToRegex('v[0-9]+.[0-9]+.[0-9]+*')).toBe('v[0-9]+\\.[0-9]+\\.[0-9]+.*');
  });

  it('has no environment when none is configured', () => {
    expect(job(renderGitlabPipeline(spec({ environment: '' }))).environment).toBeUndefined();
  });

  it('says in a comment that the image is pinned by tag, not digest', () => {
    expect(renderGitlabPipeline(spec())).toContain('# Pinned by tag: pin it by digest');
  });
});

describe('addGitlabInclude', () => {
  const local = GITLAB_PUBLISH_FILE;

  it('creates the file when there is none', () => {
    expect(addGitlabInclude(undefined, local)).toBe(`include:\n  - local: ${local}\n`);
  });

  it('adds include: after leading comments, keeping everything else byte for byte', () => {
    const before = '# Our pipeline\n\nstages: [test]\n\ntest:\n  script: [echo ok] # keep\n';
    const after = addGitlabInclude(before, local);
    expect(after).toBe(`# Our pipeline\n\ninclude:\n  - local: ${local}\n\nstages: [test]\n\ntest:\n  script: [echo ok] # keep\n`);
    expect(addGitlabInclude(after, local)).toBe(after);
  });

  it('appends to an include list, with its indentation, after its comments', () => {
    const before = 'include:\n    - local: ci/a.yml # mine\n    # a comment\n    - template: Security/SAST.gitlab-ci.yml\n\ntest:\n  script: [echo]\n';
    const after = addGitlabInclude(before, local);
    expect(after).toBe(
      `include:\n    - local: ci/a.yml # mine\n    # a comment\n    - template: Security/SAST.gitlab-ci.yml\n    - local: ${local}\n\ntest:\n  script: [echo]\n`,
    );
    expect(addGitlabInclude(after, local)).toBe(after);
  });

  it('turns a single include value or mapping into a list', () => {
    expect(addGitlabInclude('include: ci/a.yml # keep\ntest:\n  script: [echo]\n', local)).toBe(
      `include: # keep\n  - ci/a.yml\n  - local: ${local}\ntest:\n  script: [echo]\n`,
    );
    expect(addGitlabInclude('include:\n  local: ci/a.yml\ntest:\n  script: [echo]\n', local)).toBe(
      `include:\n  - local: ci/a.yml\n  - local: ${local}\ntest:\n  script: [echo]\n`,
    );
    expect(addGitlabInclude('include: [ci/a.yml]\ntest:\n  script: [echo]\n', local)).toBe(
      `include:\n  - ci/a.yml\n  - local: ${local}\ntest:\n  script: [echo]\n`,
    );
  });

  it('recognises the include written as a plain string or with a leading slash', () => {
    for (const text of [`include: ${local}\n`, `include:\n  - /${local}\n`, `include:\n  - local: /${local}\n`]) {
      expect(addGitlabInclude(text, local)).toBe(text);
    }
  });

  it('refuses a file that is not YAML, naming it', () => {
    expect(() => addGitlabInclude('include: [\n', local)).toThrow(MonochangeError);
    expect(() => addGitlabInclude('include: [\n', local)).toThrow(/\.gitlab-ci\.yml is not valid YAML/);
  });
});

describe('the generated pipeline in gitlab-ci-local', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-gitlab-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function workspace(name: string, gitlabCi: string | undefined, s: GitlabPipelineSpec): string {
    const root = path.join(dir, name);
    fs.mkdirSync(path.join(root, '.gitlab'), { recursive: true });
    fs.writeFileSync(path.join(root, '.gitlab-ci.yml'), addGitlabInclude(gitlabCi, GITLAB_PUBLISH_FILE));
    fs.writeFileSync(path.join(root, GITLAB_PUBLISH_FILE), renderGitlabPipeline(s));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: 'pipe' });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'commit', '-qm', 'init');
    // gitlab-ci-local reads the project path and default branch from the origin remote (never contacted).
    git('remote', 'add', 'origin', 'git@gitlab.example.com:acme/widgets.git');
    git('update-ref', 'refs/remotes/origin/main', 'HEAD');
    git('symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/main');
    return root;
  }

  it.each([
    ['release tags, npm and PyPI', undefined, spec()],
    [
      'manual, npm only, next to an existing pipeline',
      'stages: [test]\n\ntest:\n  stage: test\n  script: [echo ok]\n',
      spec({ trigger: 'manual', registries: ['npm'] }),
    ],
  ])(
    'parses with zero errors: %s',
    async (name, existing, s) => {
      const root = workspace(name.replace(/\W+/g, '-'), existing, s);
      const variables = [
        '--variable',
        'CI_COMMIT_TAG=v1.2.3',
        '--variable',
        'CI_COMMIT_REF_PROTECTED=true',
        '--ignore-predefined-vars',
        'CI_COMMIT_TAG,CI_COMMIT_REF_PROTECTED',
      ];
      const preview = await gitlabCiLocal(['--preview', ...variables], { cwd: root, timeoutMs: 120_000 });
      expect(preview.output).not.toMatch(/error|invalid|unknown/i);
      expect(preview.code).toBe(0);
      const expanded = parse(preview.stdout.slice(preview.stdout.indexOf('---') === -1 ? 0 : preview.stdout.indexOf('---')));
      expect(expanded['monochange-publish'].id_tokens.MONOCHANGE_ID_TOKEN).toEqual({ aud: 'monochange-nx' });
      const list = await gitlabCiLocal(['--list-json', ...variables], { cwd: root, timeoutMs: 120_000 });
      expect(list.code).toBe(0);
      expect(list.stderr).not.toMatch(/error/i);
    },
    240_000,
  );
});
