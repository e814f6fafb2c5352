import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildGoProxyFolder, serveGoProxyFolder } from '../../../test-utils/go-proxy';
import { refusedPortUrl, startHttpStub, type HttpStub } from '../../../test-utils/http-stub';
import { packageConfig, placeholderRequest, publishRequest } from '../../../test-utils/registry-request';
import { MonochangeError } from '../errors';
import type { Manifest } from '../manifests/types';
import type { Env } from '../types';
import { createExecaRunner, type CommandRunner } from '../util/command';
import { HttpClient } from '../util/http';
import { escapeModulePath, goProxyRegistry, goTagFor } from './go-proxy';

const http = new HttpClient({ retries: 0 });
const ROOT_MODULE = 'example.com/Org/Repo';
const API_MODULE = 'example.com/Org/Repo/sub/Api';

function goManifest(root: string, modulePath: string, relativePath: string): Manifest {
  const dir = relativePath ? path.join(root, relativePath) : root;
  return {
    ecosystem: 'go',
    file: path.join(dir, 'go.mod'),
    dir,
    name: modulePath.split('/').pop() ?? modulePath,
    private: false,
    dependencies: [],
    go: { modulePath, relativePath, goVersion: '1.22' },
  };
}

describe('Go module paths and tags', () => {
  it('escapes upper-case letters the way the proxy expects', () => {
    expect(escapeModulePath('github.com/example/Repo/api')).toBe('github.com/example/!repo/api');
    expect(escapeModulePath(API_MODULE)).toBe('example.com/!org/!repo/sub/!api');
    expect(escapeModulePath('plain.dev/x')).toBe('plain.dev/x');
  });

  it('tags the root module v1.2.3 and nested modules <dir>/v1.2.3', () => {
    expect(goTagFor(goManifest('/r', ROOT_MODULE, ''), '1.2.3')).toBe('v1.2.3');
    expect(goTagFor(goManifest('/r', ROOT_MODULE, '.'), 'v1.2.3')).toBe('v1.2.3');
    expect(goTagFor(goManifest('/r', API_MODULE, 'sub/Api'), '1.2.3')).toBe('sub/Api/v1.2.3');
    expect(goTagFor(goManifest('/r', API_MODULE, '/sub/Api/'), 'v2.0.0-rc.1')).toBe('sub/Api/v2.0.0-rc.1');
  });

  it('names the module path, the pkg.go.dev page and git as its tool', () => {
    const m = goManifest('/r', API_MODULE, 'sub/Api');
    expect(goProxyRegistry.registryName(m)).toBe(API_MODULE);
    expect(goProxyRegistry.setupUrl(m)).toBe(`https://pkg.go.dev/${API_MODULE}`);
    expect(goProxyRegistry.requiredTools(m)).toEqual(['git']);
    expect(goProxyRegistry.baseUrl({})).toBe('https://proxy.golang.org');
    expect(goProxyRegistry.isAlreadyPublishedOutput("fatal: tag 'v1.0.0' already exists")).toBe(true);
  });
});

describe('Go publishing with real git', () => {
  let tmp: string;
  let repo: string;
  let origin: string;
  let proxy: HttpStub;
  let runner: CommandRunner;
  let runnerEnv: Env;
  let gitEnv: Record<string, string>;
  const rootManifest = () => goManifest(repo, ROOT_MODULE, '');
  const apiManifest = () => goManifest(repo, API_MODULE, 'sub/Api');
  const rootPkg = packageConfig('repo', '.', 'go', 'go_proxy');
  const apiPkg = packageConfig('api', 'sub/Api', 'go', 'go_proxy');
  const env = (extra: Env = {}): Env => ({ MONOCHANGE_GO_PROXY_URL: proxy.url, ...extra });

  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env: { ...process.env, ...gitEnv }, encoding: 'utf8' }).trim();
  const localTags = () => git(repo, 'tag', '-l').split('\n').filter(Boolean);
  const originTags = () =>
    git(repo, 'ls-remote', '--tags', 'origin')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t')[1]);

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'mc-go-spec-'));
    repo = path.join(tmp, 'repo');
    origin = path.join(tmp, 'origin.git');
    // Hermetic git: no user or system config, so the adapter's fallback identity is used.
    gitEnv = { HOME: tmp, GIT_CONFIG_GLOBAL: path.join(tmp, 'no-global-config'), GIT_CONFIG_NOSYSTEM: '1' };
    await mkdir(path.join(repo, 'sub', 'Api'), { recursive: true });
    git(tmp, 'init', '-q', '--bare', origin);
    git(repo, 'init', '-q', '-b', 'main');
    await writeFile(path.join(repo, 'go.mod'), `module ${ROOT_MODULE}\n\ngo 1.22\n`);
    await writeFile(path.join(repo, 'repo.go'), 'package repo\n');
    await writeFile(path.join(repo, 'sub', 'Api', 'go.mod'), `module ${API_MODULE}\n\ngo 1.22\n`);
    await writeFile(path.join(repo, 'sub', 'Api', 'api.go'), 'package api\n');
    git(repo, 'add', '.');
    git(repo, '-c', 'user.name=Setup', '-c', 'user.email=setup@localhost', 'commit', '-q', '-m', 'initial');
    git(repo, 'remote', 'add', 'origin', origin);
    git(repo, 'push', '-q', 'origin', 'main');
    proxy = await startHttpStub();
    runnerEnv = { ...process.env, ...gitEnv };
    for (const key of ['GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL']) delete runnerEnv[key];
    runner = createExecaRunner(runnerEnv);
  });
  afterAll(async () => {
    await proxy.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it('dry run creates no tag, pushes nothing and shows the planned commands', async () => {
    const before = { local: localTags(), origin: originTags() };
    const attempt = await goProxyRegistry.publish(publishRequest(repo, apiPkg, apiManifest(), '1.2.0', env(), { dryRun: true }), runner);
    expect(attempt.status).toBe('planned');
    expect(attempt.command).toBe(`git tag -a -m '${API_MODULE} sub/Api/v1.2.0' -- sub/Api/v1.2.0 && git push -- origin refs/tags/sub/Api/v1.2.0`);
    expect(localTags()).toEqual(before.local);
    expect(originTags()).toEqual(before.origin);
    expect(proxy.requests).toEqual([]);
  });

  it('root module: creates the annotated tag v1.0.0 at HEAD, pushes it to origin and asks the proxy for it', async () => {
    proxy.route('GET', `/${escapeModulePath(ROOT_MODULE)}/@v/v1.0.0.info`, { body: { Version: 'v1.0.0', Time: '2026-01-01T00:00:00Z' } });
    const attempt = await goProxyRegistry.publish(publishRequest(repo, rootPkg, rootManifest(), '1.0.0', env()), runner);
    expect(attempt.status).toBe('published');
    expect(attempt.message).toBe(`tagged v1.0.0 and pushed it to \`origin\`; the Go proxy serves ${ROOT_MODULE} v1.0.0`);
    expect(attempt.command).toBe(`git tag -a -m '${ROOT_MODULE} v1.0.0' -- v1.0.0 && git push -- origin refs/tags/v1.0.0`);
    expect(originTags()).toContain('refs/tags/v1.0.0');
    expect(git(repo, 'cat-file', '-t', 'v1.0.0')).toBe('tag');
    expect(git(repo, 'rev-parse', 'v1.0.0^{commit}')).toBe(git(repo, 'rev-parse', 'HEAD'));
    expect(git(repo, 'for-each-ref', '--format=%(taggername) %(taggeremail) %(contents:subject)', 'refs/tags/v1.0.0')).toBe(
      `monochange <monochange@localhost> ${ROOT_MODULE} v1.0.0`,
    );
    expect(proxy.requests.map((r) => r.path)).toEqual([`/example.com/!org/!repo/@v/v1.0.0.info`]);
  });

  it('nested module with capitals: pushes sub/Api/v1.2.0; a proxy that does not know it yet is only a warning', async () => {
    const attempt = await goProxyRegistry.publish(publishRequest(repo, apiPkg, apiManifest(), 'v1.2.0', env()), runner);
    expect(attempt.status).toBe('published');
    expect(attempt.message).toContain('tagged sub/Api/v1.2.0 and pushed it to `origin`; warning: the Go proxy did not confirm');
    expect(attempt.message).toContain(`${proxy.url}/example.com/!org/!repo/sub/!api/@v/v1.2.0.info answered HTTP 404`);
    expect(originTags()).toContain('refs/tags/sub/Api/v1.2.0');
  });

  it('a job started by the release tag (tag at HEAD and on origin) asks the proxy and re-tags nothing', async () => {
    const before = { local: localTags(), origin: originTags() };
    const planned = await goProxyRegistry.publish(publishRequest(repo, rootPkg, rootManifest(), '1.0.0', env(), { dryRun: true }), runner);
    expect(planned).toMatchObject({ status: 'planned', message: `tag v1.0.0 is at HEAD; would ask the Go proxy for ${ROOT_MODULE} v1.0.0` });
    const attempt = await goProxyRegistry.publish(publishRequest(repo, rootPkg, rootManifest(), '1.0.0', env()), runner);
    expect(attempt.status).toBe('published');
    expect(attempt.message).toBe(`tag v1.0.0 is at HEAD and on \`origin\`; the Go proxy serves ${ROOT_MODULE} v1.0.0`);
    expect({ local: localTags(), origin: originTags() }).toEqual(before);
  });

  it('a tag at HEAD that only exists locally is pushed, not re-created', async () => {
    git(repo, '-c', 'user.name=Setup', '-c', 'user.email=setup@localhost', 'tag', '-a', 'v1.0.1', '-m', 'release');
    const attempt = await goProxyRegistry.publish(publishRequest(repo, rootPkg, rootManifest(), '1.0.1', env()), runner);
    expect(attempt.status).toBe('published');
    expect(attempt.message).toContain('tag v1.0.1 is at HEAD and on `origin`');
    expect(originTags()).toContain('refs/tags/v1.0.1');
  });

  it('refuses a tag that already exists locally, in dry runs too', async () => {
    // A later commit: the existing tags now point at an older commit than HEAD.
    await writeFile(path.join(repo, 'later.go'), 'package repo\n');
    git(repo, 'add', '.');
    git(repo, '-c', 'user.name=Setup', '-c', 'user.email=setup@localhost', 'commit', '-q', '-m', 'later');
    for (const dryRun of [false, true]) {
      const attempt = await goProxyRegistry.publish(publishRequest(repo, rootPkg, rootManifest(), '1.0.0', env(), { dryRun }), runner);
      expect(attempt).toMatchObject({ status: 'failed', alreadyExists: true });
      expect(attempt.message).toContain('tag v1.0.0 already exists in this repository; Go module tags are permanent');
    }
  });

  it('refuses a tag that exists only on the remote, pointing at the proxy', async () => {
    git(repo, 'tag', '-d', 'sub/Api/v1.2.0');
    const attempt = await goProxyRegistry.publish(publishRequest(repo, apiPkg, apiManifest(), '1.2.0', env()), runner);
    expect(attempt).toMatchObject({ status: 'failed', alreadyExists: true });
    expect(attempt.message).toContain('tag sub/Api/v1.2.0 already exists on `origin`');
    expect(attempt.message).toContain(`${proxy.url}/example.com/!org/!repo/sub/!api/@v/v1.2.0.info`);
    expect(localTags()).not.toContain('sub/Api/v1.2.0');
  });

  it('a rejected push removes the local tag again and says what to fix', async () => {
    const guarded = path.join(tmp, 'guarded.git');
    git(tmp, 'init', '-q', '--bare', guarded);
    await writeFile(path.join(guarded, 'hooks', 'pre-receive'), '#!/bin/sh\necho "error: Permission to example/repo denied to bot." >&2\nexit 1\n');
    await chmod(path.join(guarded, 'hooks', 'pre-receive'), 0o755);
    git(repo, 'remote', 'add', 'guarded', guarded);
    const attempt = await goProxyRegistry.publish(publishRequest(repo, rootPkg, rootManifest(), '1.1.0', env({ MONOCHANGE_GO_REMOTE: 'guarded' })), runner);
    expect(attempt).toMatchObject({ status: 'failed', authFailure: true });
    expect(attempt.message).toContain('pushing tag v1.1.0 to `guarded`');
    expect(attempt.message).toContain('permissions: contents: write');
    expect(attempt.message).toContain('the local tag was removed again');
    expect(localTags()).not.toContain('v1.1.0');
  });

  it('a remote that cannot be asked fails a real run but only annotates a dry run', async () => {
    git(repo, 'remote', 'add', 'gone', path.join(tmp, 'does-not-exist.git'));
    const real = await goProxyRegistry.publish(publishRequest(repo, rootPkg, rootManifest(), '1.3.0', env({ MONOCHANGE_GO_REMOTE: 'gone' })), runner);
    expect(real.status).toBe('failed');
    expect(real.message).toContain('could not check `gone` for tag v1.3.0');
    const dry = await goProxyRegistry.publish(
      publishRequest(repo, rootPkg, rootManifest(), '1.3.0', env({ MONOCHANGE_GO_REMOTE: 'gone' }), { dryRun: true }),
      runner,
    );
    expect(dry.status).toBe('planned');
    expect(dry.message).toContain('could not check `gone` for tag v1.3.0');
    expect(localTags()).not.toContain('v1.3.0');
  });

  it('refuses versions Go cannot use before touching git', async () => {
    await expect(goProxyRegistry.publish(publishRequest(repo, rootPkg, rootManifest(), '1.2', env()), runner)).rejects.toThrow(
      /v1\.2 is not a valid Go module version/,
    );
    await expect(goProxyRegistry.publish(publishRequest(repo, rootPkg, rootManifest(), '2.0.0', env()), runner)).rejects.toThrow(
      `v2.0.0 of ${ROOT_MODULE} needs the module path to end in /v2`,
    );
    expect(localTags()).not.toContain('v2.0.0');
  });

  it('placeholder dry run plans the v0.0.0 tag and creates nothing', async () => {
    const before = { local: localTags(), origin: originTags() };
    const attempt = await goProxyRegistry.publishPlaceholder(placeholderRequest(repo, apiPkg, apiManifest(), env(), { dryRun: true }), runner);
    expect(attempt.status).toBe('planned');
    expect(attempt.message).toContain('would tag sub/Api/v0.0.0 on a new commit holding only sub/Api/go.mod and sub/Api/README.md');
    expect(attempt.command).toBe(
      `git tag -a -m '${API_MODULE} sub/Api/v0.0.0 placeholder' -- sub/Api/v0.0.0 <placeholder-commit> && git push -- origin refs/tags/sub/Api/v0.0.0`,
    );
    expect(localTags()).toEqual(before.local);
    expect(originTags()).toEqual(before.origin);
  });

  it('placeholder tags a parentless commit with only go.mod and README.md, leaving the working tree alone', async () => {
    await writeFile(path.join(repo, 'uncommitted.txt'), 'work in progress\n');
    const before = {
      head: git(repo, 'rev-parse', 'HEAD'),
      status: git(repo, 'status', '--porcelain'),
      branches: git(repo, 'branch', '-a'),
      index: readFileSync(path.join(repo, '.git', 'index')),
    };
    const attempt = await goProxyRegistry.publishPlaceholder(placeholderRequest(repo, apiPkg, apiManifest(), env()), runner);
    expect(attempt.status).toBe('published');
    expect(attempt.message).toContain('tagged sub/Api/v0.0.0 and pushed it to `origin`');
    expect(originTags()).toContain('refs/tags/sub/Api/v0.0.0');
    expect(git(repo, 'ls-tree', '-r', '--name-only', 'sub/Api/v0.0.0').split('\n')).toEqual(['sub/Api/README.md', 'sub/Api/go.mod']);
    expect(git(repo, 'show', 'sub/Api/v0.0.0:sub/Api/go.mod')).toBe(`module ${API_MODULE}\n\ngo 1.22`);
    expect(git(repo, 'show', 'sub/Api/v0.0.0:sub/Api/README.md')).toContain(`# ${apiManifest().name}`);
    expect(git(repo, 'rev-list', '--parents', '-n', '1', 'sub/Api/v0.0.0^{commit}').split(' ')).toHaveLength(1);
    expect(git(repo, 'rev-parse', 'HEAD')).toBe(before.head);
    expect(git(repo, 'status', '--porcelain')).toBe(before.status);
    expect(git(repo, 'branch', '-a')).toBe(before.branches);
    expect(readFileSync(path.join(repo, '.git', 'index'))).toEqual(before.index);
  });

  it('root placeholder puts go.mod at the top of the tree', async () => {
    const attempt = await goProxyRegistry.publishPlaceholder(placeholderRequest(repo, rootPkg, rootManifest(), env()), runner);
    expect(attempt.status).toBe('published');
    expect(git(repo, 'ls-tree', '-r', '--name-only', 'v0.0.0').split('\n')).toEqual(['README.md', 'go.mod']);
    expect(originTags()).toContain('refs/tags/v0.0.0');
  });

  describe('MONOCHANGE_GO_REMOTE is checked before git runs', () => {
    const SPAWN_TIMEOUT_MS = 30_000;
    const GIT_TEST_TIMEOUT_MS = 60_000;
    const marker = (name: string) => path.join(tmp, `${name}-${process.pid}-${Date.now()}`);

    /** Records every command and gives each one a deadline. */
    function recordingRunner(inner: CommandRunner): { runner: CommandRunner; calls: string[][] } {
      const calls: string[][] = [];
      return {
        calls,
        runner: { run: (spec) => (calls.push([spec.command, ...spec.args]), inner.run(spec, { signal: AbortSignal.timeout(SPAWN_TIMEOUT_MS) })) },
      };
    }

    /** Release publish, dry run and placeholder with `remote`: each must throw a MonochangeError. */
    async function refusals(remote: string, inner: CommandRunner): Promise<{ errors: unknown[]; calls: string[][] }> {
      const rec = recordingRunner(inner);
      const e = env({ MONOCHANGE_GO_REMOTE: remote });
      const errors = [
        await goProxyRegistry.publish(publishRequest(repo, rootPkg, rootManifest(), '1.4.0', e), rec.runner).catch((error: unknown) => error),
        await goProxyRegistry.publish(publishRequest(repo, rootPkg, rootManifest(), '1.4.0', e, { dryRun: true }), rec.runner).catch((error: unknown) => error),
        await goProxyRegistry.publishPlaceholder(placeholderRequest(repo, apiPkg, apiManifest(), e), rec.runner).catch((error: unknown) => error),
      ];
      return { errors, calls: rec.calls };
    }

    it(
      'refuses `--upload-pack=…`: no git command runs, the command it names is not run, no tag is made',
      async () => {
        const file = marker('upload-pack');
        const remote = `--upload-pack=touch ${file};:`;
        const { errors, calls } = await refusals(remote, runner);
        for (const error of errors) {
          expect(error).toBeInstanceOf(MonochangeError);
          expect((error as MonochangeError).message).toBe(
            `MONOCHANGE_GO_REMOTE is "${remote}", which starts with "-", so git would read it as an option, not a remote. Fix: set MONOCHANGE_GO_REMOTE to a remote name such as origin, or an https://, ssh://, git@host:path or file:// URL`,
          );
        }
        expect(calls).toEqual([]);
        expect(existsSync(file)).toBe(false);
        expect(localTags()).not.toContain('v1.4.0');
      },
      GIT_TEST_TIMEOUT_MS,
    );

    it(
      'refuses `ext::` even where git itself would run it',
      async () => {
        const extEnv: Env = { ...runnerEnv, GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'protocol.ext.allow', GIT_CONFIG_VALUE_0: 'always' };
        // Control: this git, so configured, does run the program an ext:: remote names.
        const control = marker('ext-control');
        try {
          execFileSync('git', ['ls-remote', `ext::sh -c touch% ${control}`], {
            cwd: repo,
            env: extEnv as NodeJS.ProcessEnv,
            stdio: 'ignore',
            timeout: SPAWN_TIMEOUT_MS,
          });
        } catch {
          // `touch` is no git server: ls-remote fails after running it.
        }
        expect(existsSync(control)).toBe(true);

        const file = marker('ext');
        const { errors, calls } = await refusals(`ext::sh -c touch% ${file}`, createExecaRunner(extEnv));
        for (const error of errors) {
          expect(error).toBeInstanceOf(MonochangeError);
          expect((error as MonochangeError).details).toMatchObject({ code: 'argv.git-transport', key: 'MONOCHANGE_GO_REMOTE' });
        }
        expect(calls).toEqual([]);
        expect(existsSync(file)).toBe(false);
      },
      GIT_TEST_TIMEOUT_MS,
    );

    it(
      'a file:// URL of the bare origin works, passed after `--`',
      async () => {
        const rec = recordingRunner(runner);
        const remote = `file://${origin}`;
        const attempt = await goProxyRegistry.publish(
          publishRequest(repo, rootPkg, rootManifest(), '1.4.0', env({ MONOCHANGE_GO_REMOTE: remote })),
          rec.runner,
        );
        expect(attempt.status).toBe('published');
        expect(attempt.command).toBe(`git tag -a -m '${ROOT_MODULE} v1.4.0' -- v1.4.0 && git push -- ${remote} refs/tags/v1.4.0`);
        expect(rec.calls).toContainEqual(['git', 'ls-remote', '--tags', '--', remote, 'refs/tags/v1.4.0']);
        expect(originTags()).toContain('refs/tags/v1.4.0');
      },
      GIT_TEST_TIMEOUT_MS,
    );

    it(
      'a named remote works, passed after `--`',
      async () => {
        git(repo, 'remote', 'add', 'upstream', origin);
        const attempt = await goProxyRegistry.publish(
          publishRequest(repo, rootPkg, rootManifest(), '1.5.0', env({ MONOCHANGE_GO_REMOTE: 'upstream' })),
          runner,
        );
        expect(attempt.status).toBe('published');
        expect(attempt.command).toBe(`git tag -a -m '${ROOT_MODULE} v1.5.0' -- v1.5.0 && git push -- upstream refs/tags/v1.5.0`);
        expect(originTags()).toContain('refs/tags/v1.5.0');
      },
      GIT_TEST_TIMEOUT_MS,
    );

    it(
      'messages name a remote URL without its credentials',
      async () => {
        const closed = await refusedPortUrl();
        const remote = closed.replace('http://', 'http://bot:s3cret-pass@') + '/repo.git';
        const masked = `'http://***@${closed.slice('http://'.length)}/repo.git'`;
        const real = await goProxyRegistry.publish(publishRequest(repo, rootPkg, rootManifest(), '1.6.0', env({ MONOCHANGE_GO_REMOTE: remote })), runner);
        const dry = await goProxyRegistry.publish(
          publishRequest(repo, rootPkg, rootManifest(), '1.6.0', env({ MONOCHANGE_GO_REMOTE: remote }), { dryRun: true }),
          runner,
        );
        expect(real).toMatchObject({
          status: 'failed',
          message: expect.stringContaining(
            `could not check \`${closed}/repo.git\` for tag v1.6.0: \`git ls-remote --tags -- ${masked} refs/tags/v1.6.0\` failed`,
          ),
        });
        expect(dry).toMatchObject({
          status: 'planned',
          message: expect.stringContaining(`push it to \`${closed}/repo.git\``),
          command: expect.stringContaining(`git push -- ${masked} refs/tags/v1.6.0`),
        });
        for (const attempt of [real, dry]) expect(JSON.stringify(attempt)).not.toMatch(/s3cret-pass|bot[:@]/);
        expect(localTags()).not.toContain('v1.6.0');
      },
      GIT_TEST_TIMEOUT_MS,
    );
  });

  describe('lookups against a GOPROXY folder built from the real tags', () => {
    let served: HttpStub;
    let folder: string;
    const ctx = (url: string) => ({ env: { MONOCHANGE_GO_PROXY_URL: url }, http });

    beforeAll(async () => {
      folder = path.join(tmp, 'goproxy');
      git(repo, 'fetch', '-q', 'origin', 'refs/tags/*:refs/tags/*');
      await buildGoProxyFolder(repo, folder, [
        { modulePath: ROOT_MODULE, dir: '', tag: 'v1.0.0', version: 'v1.0.0' },
        { modulePath: API_MODULE, dir: 'sub/Api', tag: 'sub/Api/v1.2.0', version: 'v1.2.0' },
        { modulePath: API_MODULE, dir: 'sub/Api', tag: 'sub/Api/v0.0.0', version: 'v0.0.0' },
      ]);
      served = await serveGoProxyFolder(folder);
    });
    afterAll(() => served?.close());

    it('the folder has list, info, mod and a zip whose paths start with module@version/', () => {
      const vDir = path.join(folder, 'example.com', '!org', '!repo', 'sub', '!api', '@v');
      expect(readFileSync(path.join(vDir, 'list'), 'utf8')).toBe('v1.2.0\nv0.0.0\n');
      expect(JSON.parse(readFileSync(path.join(vDir, 'v1.2.0.info'), 'utf8'))).toEqual({ Version: 'v1.2.0', Time: expect.any(String) });
      expect(readFileSync(path.join(vDir, 'v1.2.0.mod'), 'utf8')).toBe(`module ${API_MODULE}\n\ngo 1.22\n`);
      const zip = readFileSync(path.join(vDir, 'v1.2.0.zip')).toString('latin1');
      expect(zip).toContain(`${API_MODULE}@v1.2.0/go.mod`);
      expect(zip).toContain(`${API_MODULE}@v1.2.0/api.go`);
      expect(zip).not.toContain(`${API_MODULE}@v1.2.0/sub/`);
    });

    it('finds published versions of both modules and reads unknown ones as absent', async () => {
      await expect(goProxyRegistry.versionExists(rootManifest(), '1.0.0', ctx(served.url))).resolves.toBe(true);
      await expect(goProxyRegistry.versionExists(rootManifest(), 'v1.0.0', ctx(served.url))).resolves.toBe(true);
      await expect(goProxyRegistry.versionExists(rootManifest(), '9.9.9', ctx(served.url))).resolves.toBe(false);
      await expect(goProxyRegistry.versionExists(apiManifest(), '1.2.0', ctx(served.url))).resolves.toBe(true);
      await expect(goProxyRegistry.versionExists(apiManifest(), '1.2.1', ctx(served.url))).resolves.toBe(false);
      expect(served.requests.map((r) => r.path)).toContain('/example.com/!org/!repo/sub/!api/@v/v1.2.0.info');
    });

    it('any-version checks use @v/list, then v0.0.0.info', async () => {
      await expect(goProxyRegistry.versionExists(apiManifest(), null, ctx(served.url))).resolves.toBe(true);
      const unknown = goManifest(repo, 'example.com/Org/Other', 'other');
      served.requests.length = 0;
      await expect(goProxyRegistry.versionExists(unknown, null, ctx(served.url))).resolves.toBe(false);
      expect(served.requests.map((r) => r.path)).toEqual(['/example.com/!org/!other/@v/list', '/example.com/!org/!other/@v/v0.0.0.info']);
      const onlyPlaceholder = await startHttpStub();
      try {
        onlyPlaceholder.route('GET', '/example.com/!org/!other/@v/list', { body: '' });
        onlyPlaceholder.route('GET', '/example.com/!org/!other/@v/v0.0.0.info', { body: { Version: 'v0.0.0' } });
        await expect(goProxyRegistry.versionExists(unknown, null, ctx(onlyPlaceholder.url))).resolves.toBe(true);
      } finally {
        await onlyPlaceholder.close();
      }
    });

    it('reads 410 as absent but a 500 or a refused connection as an error naming the URL', async () => {
      served.route('GET', '/example.com/!org/!repo/@v/v3.0.0.info', { status: 410, body: 'gone' });
      await expect(goProxyRegistry.versionExists(rootManifest(), '3.0.0', ctx(served.url))).resolves.toBe(false);
      served.route('GET', '/example.com/!org/!repo/@v/v1.0.0.info', { status: 500, body: 'internal' });
      await expect(goProxyRegistry.versionExists(rootManifest(), '1.0.0', ctx(served.url))).rejects.toThrow(
        `Go proxy lookup failed: GET ${served.url}/example.com/!org/!repo/@v/v1.0.0.info answered HTTP 500`,
      );
      served.route('GET', '/example.com/!org/!repo/sub/!api/@v/list', { status: 502, body: 'bad gateway' });
      await expect(goProxyRegistry.versionExists(apiManifest(), null, ctx(served.url))).rejects.toThrow(/answered HTTP 502/);
      const refused = await refusedPortUrl();
      await expect(goProxyRegistry.versionExists(apiManifest(), '1.2.0', ctx(refused))).rejects.toThrow(
        `Go proxy lookup failed: GET ${refused}/example.com/!org/!repo/sub/!api/@v/v1.2.0.info: connection refused`,
      );
    });
  });
});
