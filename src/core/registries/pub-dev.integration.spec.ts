import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { refusedPortUrl, startHttpStub, type HttpStub } from '../../../test-utils/http-stub';
import { packageConfig, placeholderRequest, publishRequest } from '../../../test-utils/registry-request';
import { writeStandIn, type StandIn } from '../../../test-utils/stand-in';
import { isMonochangeError } from '../errors';
import type { Manifest } from '../manifests/types';
import type { Env } from '../types';
import { createExecaRunner, type CommandRunner } from '../util/command';
import { HttpClient } from '../util/http';
import { pubDevRegistry } from './pub-dev';

const http = new HttpClient({ retries: 0 });

// The publishing tests start stand-in processes: room for a slow two-core machine.
jest.setTimeout(60_000);

function pubManifest(dir: string, name: string, flutter = false): Manifest {
  return {
    ecosystem: flutter ? 'flutter' : 'dart',
    file: path.join(dir, 'pubspec.yaml'),
    dir,
    name,
    version: '1.2.3',
    private: false,
    dependencies: [],
    dart: { flutter },
  };
}

describe('pub.dev lookups', () => {
  let stub: HttpStub;
  const env = (): Env => ({ MONOCHANGE_PUB_DEV_API_URL: `${stub.url}/api` });
  const exists = (name: string, version: string | null, e: Env = env()) => pubDevRegistry.versionExists(pubManifest('/x', name), version, { env: e, http });

  beforeAll(async () => {
    stub = await startHttpStub();
  });
  afterAll(() => stub.close());

  it('reads versions[].version and asks for the pub v2 JSON', async () => {
    stub.route('GET', '/api/packages/my_pkg', {
      body: { name: 'my_pkg', latest: { version: '1.2.3' }, versions: [{ version: '1.0.0' }, { version: '1.2.3' }] },
    });
    await expect(exists('my_pkg', '1.2.3')).resolves.toBe(true);
    await expect(exists('my_pkg', '2.0.0')).resolves.toBe(false);
    await expect(exists('my_pkg', null)).resolves.toBe(true);
    expect(stub.requests.at(-1)?.headers.accept).toBe('application/vnd.pub.v2+json');
  });

  it('reads 404 as absent', async () => {
    await expect(exists('nope', '1.0.0')).resolves.toBe(false);
    await expect(exists('nope', null)).resolves.toBe(false);
  });

  it('never reads a 500, bad JSON, a wrong shape or a refused connection as absent', async () => {
    stub.route('GET', '/api/packages/broken', { status: 500, body: 'oops' });
    await expect(exists('broken', '1.0.0')).rejects.toThrow(`pub.dev lookup failed: GET ${stub.url}/api/packages/broken answered HTTP 500`);
    stub.route('GET', '/api/packages/garbled', { body: 'not json' });
    await expect(exists('garbled', '1.0.0')).rejects.toThrow(/pub\.dev lookup failed: GET .*\/api\/packages\/garbled .*not valid JSON/);
    stub.route('GET', '/api/packages/shapeless', { body: { name: 'shapeless' } });
    await expect(exists('shapeless', '1.0.0')).rejects.toThrow(/without a `versions` list/);
    const refused = await refusedPortUrl();
    await expect(exists('any', '1.0.0', { MONOCHANGE_PUB_DEV_API_URL: `${refused}/api` })).rejects.toThrow(
      `pub.dev lookup failed: GET ${refused}/api/packages/any: connection refused`,
    );
  });

  it('defaults to pub.dev', () => {
    expect(pubDevRegistry.baseUrl({})).toBe('https://pub.dev/api');
    expect(pubDevRegistry.baseUrlEnv).toBe('MONOCHANGE_PUB_DEV_API_URL');
  });
});

describe('pub.dev publishing with stand-in dart and flutter', () => {
  let tmp: string;
  let bin: string;
  let pkgDir: string;
  let dart: StandIn;
  let flutter: StandIn;
  let runner: CommandRunner;
  const pkg = packageConfig('my_pkg', 'packages/my_pkg', 'dart', 'pub_dev');
  const override = { MONOCHANGE_PUB_DEV_API_URL: 'http://127.0.0.1:8765/api' };

  const standIns = async (answer: { exitCode?: number; stdout?: string; stderr?: string } = {}) => {
    const common = { binDir: bin, recordEnv: ['PUB_HOSTED_URL'], recordFiles: ['pubspec.yaml', 'LICENSE', 'lib/my_pkg.dart', 'CHANGELOG.md'], ...answer };
    dart = await writeStandIn({ ...common, name: 'dart' });
    flutter = await writeStandIn({ ...common, name: 'flutter' });
  };

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'mc-pub-spec-'));
    bin = path.join(tmp, 'bin');
    pkgDir = path.join(tmp, 'packages', 'my_pkg');
    await mkdir(bin);
    await mkdir(pkgDir, { recursive: true });
    await writeFile(path.join(tmp, 'LICENSE'), 'MIT License (root)\n');
    runner = createExecaRunner({ ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}`, PUB_HOSTED_URL: undefined });
  });
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  it('stand-in dart: release runs `dart pub publish --force` in the package dir, without PUB_HOSTED_URL by default', async () => {
    await standIns();
    const attempt = await pubDevRegistry.publish(publishRequest(tmp, pkg, pubManifest(pkgDir, 'my_pkg'), '1.2.3', {}), runner);
    expect(attempt).toMatchObject({ status: 'published', message: 'published my_pkg 1.2.3 to pub.dev', command: 'dart pub publish --force' });
    expect(dart.calls()).toEqual([expect.objectContaining({ argv: ['pub', 'publish', '--force'], cwd: pkgDir, env: { PUB_HOSTED_URL: null } })]);
    expect(flutter.calls()).toEqual([]);
  });

  it('stand-in flutter: flutter packages use `flutter pub publish`, with PUB_HOSTED_URL = origin of the override', async () => {
    await standIns();
    const attempt = await pubDevRegistry.publish(publishRequest(tmp, pkg, pubManifest(pkgDir, 'my_pkg', true), '1.2.3', override), runner);
    expect(attempt.status).toBe('published');
    expect(flutter.calls()).toEqual([
      expect.objectContaining({ argv: ['pub', 'publish', '--force'], cwd: pkgDir, env: { PUB_HOSTED_URL: 'http://127.0.0.1:8765' } }),
    ]);
    expect(dart.calls()).toEqual([]);
    expect(pubDevRegistry.requiredTools(pubManifest(pkgDir, 'my_pkg', true))).toEqual(['flutter']);
    expect(pubDevRegistry.requiredTools(pubManifest(pkgDir, 'my_pkg'))).toEqual(['dart']);
  });

  it('stand-in dart: a dry run runs the side-effect-free `dart pub publish --dry-run`', async () => {
    await standIns({ stdout: 'Package has 0 warnings.\n' });
    const attempt = await pubDevRegistry.publish(publishRequest(tmp, pkg, pubManifest(pkgDir, 'my_pkg'), '1.2.3', override, { dryRun: true }), runner);
    expect(attempt).toMatchObject({ status: 'planned', command: 'dart pub publish --dry-run', stdout: 'Package has 0 warnings.' });
    expect(dart.calls()).toEqual([expect.objectContaining({ argv: ['pub', 'publish', '--dry-run'], env: { PUB_HOSTED_URL: 'http://127.0.0.1:8765' } })]);
  });

  it('stand-in dart: the upload gets the GitHub OIDC request variables only, a dry run none', async () => {
    const recorded = ['ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'PUB_ID_TOKEN', 'CARGO_REGISTRY_TOKEN'];
    dart = await writeStandIn({ binDir: bin, name: 'dart', recordEnv: recorded });
    const env: Env = {
      ...process.env,
      PATH: `${bin}${path.delimiter}${process.env.PATH}`,
      ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:9/token?api-version=2.0',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'fake-actions-request-token',
      PUB_ID_TOKEN: 'fake-id-token',
      CARGO_REGISTRY_TOKEN: 'fake-cargo-token',
    };
    const jobRunner = createExecaRunner(env);
    await pubDevRegistry.publish(publishRequest(tmp, pkg, pubManifest(pkgDir, 'my_pkg'), '1.2.3', env), jobRunner);
    await pubDevRegistry.publish(publishRequest(tmp, pkg, pubManifest(pkgDir, 'my_pkg'), '1.2.3', env, { dryRun: true }), jobRunner);
    const none = Object.fromEntries(recorded.map((key) => [key, null]));
    expect(dart.calls().map((c) => [c.argv[2], c.env])).toEqual([
      [
        '--force',
        { ...none, ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:9/token?api-version=2.0', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'fake-actions-request-token' },
      ],
      ['--dry-run', none],
    ]);
  });

  it('stand-in dart: a release dry run that reports a problem stays planned, with the problem in the message', async () => {
    await standIns({ exitCode: 65, stderr: "Because my_pkg depends on other_pkg ^2.0.0 which doesn't match any versions, version solving failed.\n" });
    const attempt = await pubDevRegistry.publish(publishRequest(tmp, pkg, pubManifest(pkgDir, 'my_pkg'), '1.2.3', {}, { dryRun: true }), runner);
    expect(attempt.status).toBe('planned');
    expect(attempt.message).toContain(
      'would publish my_pkg 1.2.3 to pub.dev; `dart pub publish --dry-run` failed (exit 65): Because my_pkg depends on other_pkg',
    );
  });

  it('stand-in dart: "already exists" and auth answers are flagged', async () => {
    await standIns({ exitCode: 65, stderr: 'Version 1.2.3 of package my_pkg already exists.\n' });
    const exists = await pubDevRegistry.publish(publishRequest(tmp, pkg, pubManifest(pkgDir, 'my_pkg'), '1.2.3', {}), runner);
    expect(exists).toMatchObject({ status: 'failed', alreadyExists: true });
    expect(exists.authFailure).toBeUndefined();

    await standIns({ exitCode: 65, stderr: 'Authentication failed!\nUnauthorized (403): You do not have permission to upload this package.\n' });
    const denied = await pubDevRegistry.publish(publishRequest(tmp, pkg, pubManifest(pkgDir, 'my_pkg'), '1.2.3', {}), runner);
    expect(denied).toMatchObject({ status: 'failed', authFailure: true });
    expect(denied.message).toContain('https://pub.dev/packages/my_pkg/admin');
  });

  it('says how to install dart when it is missing', async () => {
    const noDart = createExecaRunner({ ...process.env, PATH: path.join(tmp, 'empty-bin') });
    const attempt = await pubDevRegistry.publish(publishRequest(tmp, pkg, pubManifest(pkgDir, 'my_pkg'), '1.2.3', {}), noDart);
    expect(attempt.status).toBe('failed');
    expect(attempt.message).toContain('Fix: install the Dart SDK');
  });

  it('stand-in dart: placeholder publishes a 0.0.0 pubspec with an SDK constraint from a temp dir that is removed', async () => {
    await standIns();
    const attempt = await pubDevRegistry.publishPlaceholder(placeholderRequest(tmp, pkg, pubManifest(pkgDir, 'my_pkg'), override), runner);
    expect(attempt).toMatchObject({ status: 'published', message: 'published placeholder my_pkg 0.0.0 to pub.dev' });
    const [call] = dart.calls();
    expect(call.argv).toEqual(['pub', 'publish', '--force']);
    expect(call.env).toEqual({ PUB_HOSTED_URL: 'http://127.0.0.1:8765' });
    expect(call.cwd).not.toBe(pkgDir);
    expect(call.files).toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'lib/my_pkg.dart', 'pubspec.yaml']);
    expect(parse(call.contents['pubspec.yaml'])).toEqual({
      name: 'my_pkg',
      version: '0.0.0',
      description: expect.stringMatching(/^Placeholder package published by monochange.{20,}/),
      repository: 'https://github.com/example-org/example-repo',
      environment: { sdk: '>=3.0.0 <4.0.0' },
    });
    expect(call.contents.LICENSE).toBe('MIT License (root)\n');
    expect(existsSync(call.cwd)).toBe(false);
  });

  it('stand-in dart: placeholder dry run runs `dart pub publish --dry-run`; a failing one is a failure', async () => {
    await standIns();
    const ok = await pubDevRegistry.publishPlaceholder(placeholderRequest(tmp, pkg, pubManifest(pkgDir, 'my_pkg'), {}, { dryRun: true }), runner);
    expect(ok.status).toBe('planned');
    expect(dart.calls().map((c) => c.argv)).toEqual([['pub', 'publish', '--dry-run']]);

    await standIns({ exitCode: 65, stderr: 'Package validation found the following error:\n* Your pubspec.yaml is missing something.\n' });
    const bad = await pubDevRegistry.publishPlaceholder(placeholderRequest(tmp, pkg, pubManifest(pkgDir, 'my_pkg'), {}, { dryRun: true }), runner);
    expect(bad.status).toBe('failed');
    expect(bad.message).toMatch(/^dry run: `dart pub publish --dry-run` failed \(exit 65\)/);
  });

  it('placeholder without any LICENSE file is refused with a fix, before running anything', async () => {
    await standIns();
    const bare = await mkdtemp(path.join(os.tmpdir(), 'mc-pub-bare-'));
    try {
      const error = await pubDevRegistry.publishPlaceholder(placeholderRequest(bare, pkg, pubManifest(bare, 'my_pkg'), {}), runner).catch((e: unknown) => e);
      expect(isMonochangeError(error)).toBe(true);
      expect((error as Error).message).toContain('needs a LICENSE file');
      expect((error as Error).message).toContain('Fix: add a LICENSE file');
      expect(dart.calls()).toEqual([]);
    } finally {
      await rm(bare, { recursive: true, force: true });
    }
  });

  it('setup URL and "already exists" answers', () => {
    expect(pubDevRegistry.setupUrl(pubManifest(pkgDir, 'my_pkg'))).toBe('https://pub.dev/packages/my_pkg/admin');
    expect(pubDevRegistry.isAlreadyPublishedOutput('Version 1.0.0 of package x already exists.')).toBe(true);
    expect(pubDevRegistry.isAlreadyPublishedOutput('Package validation found errors')).toBe(false);
  });
});
