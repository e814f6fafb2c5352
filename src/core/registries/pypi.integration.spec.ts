import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { refusedPortUrl, startHttpStub, type HttpStub } from '../../../test-utils/http-stub';
import { packageConfig, placeholderRequest, publishRequest } from '../../../test-utils/registry-request';
import { writeStandIn, type StandIn } from '../../../test-utils/stand-in';
import type { Manifest } from '../manifests/types';
import type { Env } from '../types';
import { createExecaRunner, type CommandRunner } from '../util/command';
import { HttpClient } from '../util/http';
import { pypiRegistry, pypiUploadTarget, pythonModuleName } from './pypi';

const http = new HttpClient({ retries: 0 });

// Every publishing test starts stand-in processes: room for a slow two-core machine.
jest.setTimeout(60_000);

function pyManifest(dir: string, name: string, version = '1.2.3'): Manifest {
  return {
    ecosystem: 'python',
    file: path.join(dir, 'pyproject.toml'),
    dir,
    name,
    version,
    private: false,
    dependencies: [],
    python: { dynamicVersion: false, style: 'pep621' },
  };
}

describe('PyPI lookups', () => {
  let stub: HttpStub;
  const env = (): Env => ({ MONOCHANGE_PYPI_API_URL: `${stub.url}/pypi` });
  const exists = (name: string, version: string | null, e: Env = env()) => pypiRegistry.versionExists(pyManifest('/x', name), version, { env: e, http });

  beforeAll(async () => {
    stub = await startHttpStub();
  });
  afterAll(() => stub.close());

  it('reads the releases object of the JSON API', async () => {
    stub.route('GET', '/pypi/example-pkg/json', { body: { info: { name: 'example-pkg' }, releases: { '1.0': [], '1.2.3': [{}] } } });
    await expect(exists('example-pkg', '1.2.3')).resolves.toBe(true);
    await expect(exists('example-pkg', '1.2.4')).resolves.toBe(false);
    await expect(exists('example-pkg', null)).resolves.toBe(true);
  });

  it('matches versions the PEP 440 way (1.0 is 1.0.0)', async () => {
    await expect(exists('example-pkg', '1.0.0')).resolves.toBe(true);
    await expect(exists('example-pkg', 'v1.2.3')).resolves.toBe(true);
  });

  it('reads 404 as absent, and a project without releases as "no version"', async () => {
    await expect(exists('missing-pkg', '1.0.0')).resolves.toBe(false);
    await expect(exists('missing-pkg', null)).resolves.toBe(false);
    stub.route('GET', '/pypi/empty-pkg/json', { body: { releases: {} } });
    await expect(exists('empty-pkg', null)).resolves.toBe(false);
  });

  it('never reads a 500, bad JSON, a wrong shape or a refused connection as absent', async () => {
    stub.route('GET', '/pypi/broken/json', { status: 500, body: 'oops' });
    await expect(exists('broken', '1.0.0')).rejects.toThrow(`PyPI lookup failed: GET ${stub.url}/pypi/broken/json answered HTTP 500`);
    stub.route('GET', '/pypi/garbled/json', { body: '<html>' });
    await expect(exists('garbled', '1.0.0')).rejects.toThrow(/PyPI lookup failed: GET .*\/pypi\/garbled\/json .*not valid JSON/);
    stub.route('GET', '/pypi/shapeless/json', { body: { info: {} } });
    await expect(exists('shapeless', '1.0.0')).rejects.toThrow(/without a `releases` object/);
    const refused = await refusedPortUrl();
    await expect(exists('any', '1.0.0', { MONOCHANGE_PYPI_API_URL: `${refused}/pypi` })).rejects.toThrow(
      `PyPI lookup failed: GET ${refused}/pypi/any/json: connection refused`,
    );
  });

  it('defaults to pypi.org', () => {
    expect(pypiRegistry.baseUrl({})).toBe('https://pypi.org/pypi');
    expect(pypiRegistry.baseUrlEnv).toBe('MONOCHANGE_PYPI_API_URL');
  });
});

describe('upload and check URLs', () => {
  it('uses uv defaults with the pypi.org simple index as check URL', () => {
    expect(pypiUploadTarget({})).toEqual({ checkUrl: 'https://pypi.org/simple/' });
  });
  it('derives /legacy/ and /simple/ from the origin of an overridden API', () => {
    expect(pypiUploadTarget({ MONOCHANGE_PYPI_API_URL: 'http://127.0.0.1:8080/pypi/' })).toEqual({
      publishUrl: 'http://127.0.0.1:8080/legacy/',
      checkUrl: 'http://127.0.0.1:8080/simple/',
    });
  });
  it('lets explicit upload and check URLs win', () => {
    expect(
      pypiUploadTarget({
        MONOCHANGE_PYPI_API_URL: 'http://127.0.0.1:8080/pypi',
        MONOCHANGE_PYPI_UPLOAD_URL: 'http://127.0.0.1:9/up/',
        MONOCHANGE_PYPI_CHECK_URL: 'http://127.0.0.1:9/idx/',
      }),
    ).toEqual({ publishUrl: 'http://127.0.0.1:9/up/', checkUrl: 'http://127.0.0.1:9/idx/' });
  });
});

describe('pythonModuleName', () => {
  it.each([
    ['Example-Pkg.Name', 'example_pkg_name'],
    ['123-pkg', 'placeholder_123_pkg'],
    ['simple', 'simple'],
    ['', 'placeholder_'],
  ])('%s → %s', (name, expected) => expect(pythonModuleName(name)).toBe(expected));
});

describe('PyPI publishing with a stand-in uv', () => {
  let tmp: string;
  let bin: string;
  let pkgDir: string;
  let uv: StandIn;
  let runner: CommandRunner;
  const pkg = packageConfig('example', 'py/example', 'python', 'pypi');

  const standIn = (rules: Parameters<typeof writeStandIn>[0]['rules']) =>
    writeStandIn({ binDir: bin, name: 'uv', recordFiles: ['pyproject.toml', 'README.md'], recordEnv: ['UV_PUBLISH_TOKEN'], rules });
  const buildWrites = {
    argsPrefix: ['build'],
    writeFiles: { afterArg: '--out-dir', names: ['example_pkg-1.2.3-py3-none-any.whl', 'example_pkg-1.2.3.tar.gz', '.gitignore'] },
  };

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'mc-pypi-spec-'));
    bin = path.join(tmp, 'bin');
    pkgDir = path.join(tmp, 'py', 'example');
    await mkdir(bin);
    await mkdir(pkgDir, { recursive: true });
    runner = createExecaRunner({ ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` });
  });
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  it('stand-in uv: builds into a temp dir, then publishes the built files by argv with trusted publishing', async () => {
    uv = await standIn([buildWrites]);
    const attempt = await pypiRegistry.publish(publishRequest(tmp, pkg, pyManifest(pkgDir, 'Example-Pkg'), '1.2.3', {}), runner);
    expect(attempt).toMatchObject({ status: 'published', message: 'published Example-Pkg 1.2.3 to PyPI' });
    const [build, upload] = uv.calls();
    expect(uv.calls()).toHaveLength(2);
    expect(build.cwd).toBe(pkgDir);
    expect(build.argv.slice(0, 2)).toEqual(['build', '--out-dir']);
    const outDir = build.argv[2];
    expect(path.isAbsolute(outDir)).toBe(true);
    expect(upload.cwd).toBe(pkgDir);
    expect(upload.argv).toEqual([
      'publish',
      '--trusted-publishing',
      'always',
      '--check-url',
      'https://pypi.org/simple/',
      path.join(outDir, 'example_pkg-1.2.3-py3-none-any.whl'),
      path.join(outDir, 'example_pkg-1.2.3.tar.gz'),
    ]);
    expect(existsSync(outDir)).toBe(false);
    expect(attempt.command).toContain(' && uv publish --trusted-publishing always');
  });

  it('stand-in uv: an overridden API sends uploads and checks to the same server, trusted publishing off → never', async () => {
    uv = await standIn([buildWrites]);
    const env = { MONOCHANGE_PYPI_API_URL: 'http://127.0.0.1:8123/pypi' };
    await pypiRegistry.publish(publishRequest(tmp, pkg, pyManifest(pkgDir, 'example'), '1.2.3', env, { trustedPublishing: false }), runner);
    const upload = uv.calls()[1];
    expect(upload.argv.slice(0, 7)).toEqual([
      'publish',
      '--trusted-publishing',
      'never',
      '--publish-url',
      'http://127.0.0.1:8123/legacy/',
      '--check-url',
      'http://127.0.0.1:8123/simple/',
    ]);
  });

  it('stand-in uv: "File already exists" is flagged, and the token (passed by the environment) never shows in the result', async () => {
    const token = 'pypi-fake-token-value-0123456789abcdef';
    uv = await standIn([
      buildWrites,
      {
        argsPrefix: ['publish'],
        exitCode: 2,
        stdout: `uploading with ${token}\n`,
        stderr: `error: Failed to publish\n  Caused by: Upload failed with status code 400 Bad Request. Server says: 400 File already exists ('example_pkg-1.2.3.tar.gz')\n`,
      },
    ]);
    const env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}`, UV_PUBLISH_TOKEN: token };
    const attempt = await pypiRegistry.publish(publishRequest(tmp, pkg, pyManifest(pkgDir, 'example'), '1.2.3', env), createExecaRunner(env));
    expect(attempt).toMatchObject({ status: 'failed', alreadyExists: true });
    expect(attempt.authFailure).toBeUndefined();
    expect(JSON.stringify(attempt)).not.toContain(token);
    expect(uv.calls()[1].env.UV_PUBLISH_TOKEN).toBe(token);
  });

  it('stand-in uv: the build sees no OIDC or token variable; only the trusted-publishing upload gets its grant', async () => {
    const recorded = [
      'ACTIONS_ID_TOKEN_REQUEST_URL',
      'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
      'PYPI_ID_TOKEN',
      'NPM_ID_TOKEN',
      'MONOCHANGE_OIDC_TOKEN',
      'CARGO_REGISTRY_TOKEN',
    ];
    uv = await writeStandIn({ binDir: bin, name: 'uv', recordEnv: recorded, rules: [buildWrites] });
    const env: Env = {
      ...process.env,
      PATH: `${bin}${path.delimiter}${process.env.PATH}`,
      ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:9/token?api-version=2.0',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'fake-actions-request-token',
      PYPI_ID_TOKEN: 'fake-pypi-id-token',
      NPM_ID_TOKEN: 'fake-npm-id-token',
      MONOCHANGE_OIDC_TOKEN: 'fake-monochange-oidc-token',
      CARGO_REGISTRY_TOKEN: 'fake-cargo-token',
    };
    const none = Object.fromEntries(recorded.map((key) => [key, null]));
    const attempt = await pypiRegistry.publish(publishRequest(tmp, pkg, pyManifest(pkgDir, 'example'), '1.2.3', env), createExecaRunner(env));
    expect(attempt.status).toBe('published');
    const [build, upload] = uv.calls();
    expect(build.argv[0]).toBe('build');
    expect(build.env).toEqual(none);
    expect(upload.argv.slice(0, 3)).toEqual(['publish', '--trusted-publishing', 'always']);
    expect(upload.env).toEqual({
      ...none,
      ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:9/token?api-version=2.0',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'fake-actions-request-token',
      PYPI_ID_TOKEN: 'fake-pypi-id-token',
    });

    // Without trusted publishing the upload has no use for the OIDC variables either.
    uv.reset();
    await pypiRegistry.publish(publishRequest(tmp, pkg, pyManifest(pkgDir, 'example'), '1.2.3', env, { trustedPublishing: false }), createExecaRunner(env));
    expect(uv.calls().map((c) => [c.argv[0], c.env])).toEqual([
      ['build', none],
      ['publish', none],
    ]);
  });

  it('stand-in uv: a 403 is an auth failure with the trusted-publisher page in the fix', async () => {
    uv = await standIn([
      buildWrites,
      {
        argsPrefix: ['publish'],
        exitCode: 2,
        stderr: 'error: Upload failed with status code 403 Forbidden. Server says: Invalid or non-existent authentication information.\n',
      },
    ]);
    const attempt = await pypiRegistry.publish(publishRequest(tmp, pkg, pyManifest(pkgDir, 'example'), '1.2.3', {}), runner);
    expect(attempt).toMatchObject({ status: 'failed', authFailure: true });
    expect(attempt.message).toContain('https://pypi.org/manage/project/example/settings/publishing/');
  });

  it('stand-in uv: a failing build stops before any upload', async () => {
    uv = await standIn([{ argsPrefix: ['build'], exitCode: 1, stderr: 'error: Build backend failed\n' }]);
    const attempt = await pypiRegistry.publish(publishRequest(tmp, pkg, pyManifest(pkgDir, 'example'), '1.2.3', {}), runner);
    expect(attempt.status).toBe('failed');
    expect(attempt.message).toMatch(/^build: `uv build --out-dir \S+` failed \(exit 1\): error: Build backend failed/);
    expect(uv.calls().map((c) => c.argv[0])).toEqual(['build']);
  });

  it('stand-in uv: a build that writes nothing is a failure, not an empty upload', async () => {
    uv = await standIn([]);
    const attempt = await pypiRegistry.publish(publishRequest(tmp, pkg, pyManifest(pkgDir, 'example'), '1.2.3', {}), runner);
    expect(attempt.status).toBe('failed');
    expect(attempt.message).toContain('wrote no distribution');
    expect(uv.calls()).toHaveLength(1);
  });

  it('says how to install uv when it is missing', async () => {
    const noUv = createExecaRunner({ ...process.env, PATH: path.join(tmp, 'empty-bin') });
    const attempt = await pypiRegistry.publish(publishRequest(tmp, pkg, pyManifest(pkgDir, 'example'), '1.2.3', {}), noUv);
    expect(attempt.status).toBe('failed');
    expect(attempt.message).toContain('Fix: install uv');
  });

  it('stand-in uv: a dry run records no invocation and shows the planned commands', async () => {
    uv = await standIn([buildWrites]);
    const attempt = await pypiRegistry.publish(
      publishRequest(tmp, pkg, pyManifest(pkgDir, 'example'), '1.2.3', { MONOCHANGE_PYPI_API_URL: 'http://127.0.0.1:8123/pypi' }, { dryRun: true }),
      runner,
    );
    expect(attempt.status).toBe('planned');
    expect(attempt.command).toBe(
      'uv build --out-dir <temp-dir> && uv publish --trusted-publishing always --publish-url http://127.0.0.1:8123/legacy/ --check-url http://127.0.0.1:8123/simple/ <temp-dir>/*',
    );
    expect(uv.calls()).toEqual([]);
  });

  it('stand-in uv: placeholder builds a hatchling project for 0.0.0 in a temp dir that is removed', async () => {
    uv = await standIn([buildWrites]);
    const attempt = await pypiRegistry.publishPlaceholder(placeholderRequest(tmp, pkg, pyManifest(pkgDir, 'Example-Pkg.Name'), {}), runner);
    expect(attempt).toMatchObject({ status: 'published', message: 'published placeholder Example-Pkg.Name 0.0.0 to PyPI' });
    const [build, upload] = uv.calls();
    expect(build.files).toEqual(['README.md', 'pyproject.toml', 'src/example_pkg_name/__init__.py']);
    const pyproject = build.contents['pyproject.toml'];
    expect(pyproject).toContain('[build-system]\nrequires = [ "hatchling" ]\nbuild-backend = "hatchling.build"');
    expect(pyproject).toContain(
      'name = "Example-Pkg.Name"\nversion = "0.0.0"\ndescription = "Placeholder package for Example-Pkg.Name"\nreadme = "README.md"\nrequires-python = ">=3.8"',
    );
    expect(pyproject).toContain('[project.urls]\nRepository = "https://github.com/example-org/example-repo"');
    expect(pyproject).toContain('[tool.hatch.build.targets.wheel]\npackages = [ "src/example_pkg_name" ]');
    expect(build.contents['README.md']).toContain('# Example-Pkg.Name');
    expect(upload.argv.slice(0, 3)).toEqual(['publish', '--trusted-publishing', 'never']);
    expect(existsSync(build.cwd)).toBe(false);
    expect(existsSync(build.argv[2])).toBe(false);
  });

  it('stand-in uv: placeholder dry run records no invocation', async () => {
    uv = await standIn([buildWrites]);
    const attempt = await pypiRegistry.publishPlaceholder(placeholderRequest(tmp, pkg, pyManifest(pkgDir, '123-pkg'), {}, { dryRun: true }), runner);
    expect(attempt.status).toBe('planned');
    expect(attempt.message).toBe('would publish placeholder 123-pkg 0.0.0 to PyPI (dry run: nothing run, uv has no side-effect-free publish dry run)');
    expect(uv.calls()).toEqual([]);
  });

  it('setup URL, tools and "already exists" answers', () => {
    const m = pyManifest(pkgDir, 'example');
    expect(pypiRegistry.setupUrl(m)).toBe('https://pypi.org/manage/project/example/settings/publishing/');
    expect(pypiRegistry.requiredTools(m)).toEqual(['uv']);
    expect(pypiRegistry.isAlreadyPublishedOutput("400 File already exists ('x.tar.gz')")).toBe(true);
    expect(pypiRegistry.isAlreadyPublishedOutput('400 Bad Request')).toBe(false);
  });
});
