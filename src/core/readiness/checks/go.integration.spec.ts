import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { githubEnv } from '../../trust/testing/fixtures';
import { goChecks, majorVersionProblem, remoteTagCommit } from './go';
import { createExecaRunner } from '../../util/command';
import { fakeAdapter, makeContext, manifest, pkgConfig, recordingRunner, tempDir, writeFiles } from './testing/context';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const git = (cwd: string, ...args: string[]) =>
  execFileSync(
    'git',
    [
      '-c',
      'user.name=Test',
      '-c',
      'user.email=test@example.invalid',
      '-c',
      'init.defaultBranch=main',
      '-c',
      'commit.gpgsign=false',
      '-c',
      'tag.gpgsign=false',
      ...args,
    ],
    { cwd, encoding: 'utf8' },
  ).trim();

/** A git repository with one commit, and (unless `noOrigin`) a bare `origin` on disk it was pushed to. */
function repo(o: { noOrigin?: boolean } = {}) {
  const root = tempDir('mc-go-');
  dirs.push(root);
  const work = path.join(root, 'work');
  writeFiles(work, { 'go.mod': 'module github.com/acme/widgets\n\ngo 1.19\n', '.gitignore': '' });
  git(work, 'init', '-q');
  git(work, 'add', '.');
  git(work, 'commit', '-q', '-m', 'first');
  if (!o.noOrigin) {
    git(root, 'init', '-q', '--bare', 'origin.git');
    git(work, 'remote', 'add', 'origin', path.join(root, 'origin.git'));
    git(work, 'push', '-q', 'origin', 'HEAD:refs/heads/main');
  }
  return work;
}

function ctxFor(work: string, version = '1.2.3', modulePath = 'github.com/acme/widgets') {
  const pkg = pkgConfig({ id: 'widgets', type: 'go', path: '.' });
  const m = manifest(work, { ecosystem: 'go', name: modulePath, go: { modulePath, relativePath: '' } });
  return makeContext({
    root: work,
    pkg,
    manifest: m,
    adapter: fakeAdapter('go_proxy', 'Go proxy', ['git']),
    version,
    env: { ...githubEnv(), PATH: process.env.PATH },
  });
}

const check = async (work: string, id: string, version?: string, modulePath?: string) =>
  (await goChecks(ctxFor(work, version, modulePath))).find((c) => c.id === id)!;

describe('go checks', () => {
  it('go.major-version passes for v1 without a suffix and v2 with /v2', async () => {
    const work = repo({ noOrigin: true });
    expect((await check(work, 'go.major-version')).status).toBe('pass');
    expect((await check(work, 'go.major-version', '2.0.0', 'github.com/acme/widgets/v2')).status).toBe('pass');
  });

  it('go.major-version fails for v2 without /v2 (and /v2 with a v1 version)', async () => {
    const work = repo({ noOrigin: true });
    expect(await check(work, 'go.major-version', '2.0.0')).toMatchObject({ status: 'fail', fix: expect.stringContaining('module github.com/acme/widgets/v2') });
    expect(majorVersionProblem('github.com/acme/widgets/v2', '1.4.0')).toContain('ends in /v2');
    expect(majorVersionProblem('gopkg.in/yaml.v3', '3.0.1')).toBeUndefined();
    expect(majorVersionProblem('gopkg.in/yaml.v3', '2.0.0')).toContain('gopkg.in');
  });

  it('go.tag-free passes when the tag is neither local nor on origin', async () => {
    expect(await check(repo(), 'go.tag-free')).toMatchObject({ status: 'pass', message: 'tag `v1.2.3` is free locally and on `origin`' });
  });

  it('go.tag-free fails for a tag on origin at another commit', async () => {
    const work = repo();
    git(work, 'tag', '-a', 'v1.2.3', '-m', 'release');
    git(work, 'push', '-q', 'origin', 'refs/tags/v1.2.3');
    git(work, 'tag', '-d', 'v1.2.3');
    git(work, 'commit', '-q', '--allow-empty', '-m', 'second');
    expect(await check(work, 'go.tag-free')).toMatchObject({ status: 'fail', message: expect.stringContaining('already exists on `origin` at') });
  });

  it('go.tag-free passes for a tag at this very commit (a job started by the release tag), saying it will be pushed', async () => {
    const work = repo();
    git(work, 'tag', 'v1.2.3');
    expect(await check(work, 'go.tag-free')).toMatchObject({ status: 'pass', message: expect.stringContaining('already exists locally at this commit') });
  });

  /** Checks with a recording runner and extra variables (seen by the checks and by git). */
  const tagFreeWith = async (work: string, extraEnv: Record<string, string>) => {
    const env = { ...githubEnv(), PATH: process.env.PATH, ...extraEnv };
    const real = createExecaRunner(env);
    const runner = recordingRunner({}, { run: (spec) => real.run(spec, { signal: AbortSignal.timeout(30_000) }) });
    const m = manifest(work, { ecosystem: 'go', name: 'github.com/acme/widgets', go: { modulePath: 'github.com/acme/widgets', relativePath: '' } });
    const ctx = makeContext({
      root: work,
      pkg: pkgConfig({ id: 'widgets', type: 'go', path: '.' }),
      manifest: m,
      adapter: fakeAdapter('go_proxy', 'Go proxy', ['git']),
      version: '1.2.3',
      env,
      runner,
    });
    return { check: (await goChecks(ctx)).find((c) => c.id === 'go.tag-free')!, calls: runner.calls.map((c) => c.args) };
  };

  it('go.tag-free fails, before git asks any remote, when MONOCHANGE_GO_REMOTE would be read as an option or names ext::', async () => {
    const work = repo();
    // A git that would run an ext:: remote's program, to show the check never hands it over.
    const allowExt = { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'protocol.ext.allow', GIT_CONFIG_VALUE_0: 'always' };
    const file = path.join(work, '..', 'pwned');
    for (const remote of [`--upload-pack=touch ${file};:`, `ext::sh -c touch% ${file}`]) {
      const { check: tagFree, calls } = await tagFreeWith(work, { MONOCHANGE_GO_REMOTE: remote, ...allowExt });
      expect(tagFree).toMatchObject({
        status: 'fail',
        message: expect.stringMatching(/^MONOCHANGE_GO_REMOTE is ".+", which /),
        fix: expect.stringContaining('set MONOCHANGE_GO_REMOTE to a remote name'),
      });
      expect(calls.filter((args) => args.includes('ls-remote'))).toEqual([]);
      expect(fs.existsSync(file)).toBe(false);
    }
  }, 60_000);

  it('go.tag-free gives git the tag and the remote after `--`', async () => {
    const work = repo();
    const remote = `file://${path.join(work, '..', 'origin.git')}`;
    const { check: tagFree, calls } = await tagFreeWith(work, { MONOCHANGE_GO_REMOTE: remote });
    expect(tagFree).toMatchObject({ status: 'pass', message: `tag \`v1.2.3\` is free locally and on \`${remote}\`` });
    expect(calls).toEqual(
      expect.arrayContaining([
        ['tag', '-l', '--', 'v1.2.3'],
        ['ls-remote', '--tags', '--', remote, 'refs/tags/v1.2.3'],
      ]),
    );
  }, 60_000);

  it('go.tag-free warns when origin cannot be asked', async () => {
    expect(await check(repo({ noOrigin: true }), 'go.tag-free')).toMatchObject({
      status: 'warn',
      message: expect.stringMatching(/^tag `v1\.2\.3` is free locally, but the remote was not checked: `git ls-remote origin` failed \(exit \d+\): fatal: /),
    });
  });

  it('go.clean-tree passes for a clean tree (our own .monochange/ artifacts do not count)', async () => {
    const work = repo({ noOrigin: true });
    writeFiles(work, { '.monochange/readiness.json': '{}' });
    expect((await check(work, 'go.clean-tree')).status).toBe('pass');
    expect(fs.existsSync(path.join(work, '.git/index.lock'))).toBe(false);
  });

  it('go.clean-tree fails for uncommitted changes, listing them', async () => {
    const work = repo({ noOrigin: true });
    writeFiles(work, { 'go.mod': 'module github.com/acme/widgets\n\ngo 1.21\n', 'notes.txt': 'x' });
    expect(await check(work, 'go.clean-tree')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('2 uncommitted change(s) (`go.mod` and `notes.txt`)'),
    });
  });

  it('reads the commit of a tag from ls-remote output, peeled for annotated tags', () => {
    expect(remoteTagCommit('aaa\trefs/tags/v1.0.0\nbbb\trefs/tags/v1.0.0^{}\n', 'v1.0.0')).toBe('bbb');
    expect(remoteTagCommit('ccc\trefs/tags/v1.0.0\n', 'v1.0.0')).toBe('ccc');
    expect(remoteTagCommit('', 'v1.0.0')).toBeUndefined();
  });
});
