import { MonochangeError } from '../errors';
import { cratesApiUrl, cratesIndexUrl } from '../registries/crates-io/urls';
import { goProxyUrl, goRemote } from '../registries/go-proxy/urls';
import { denoPublishSpec, jsrBaseUrl } from '../registries/jsr';
import { npmPublishSpec } from '../registries/npm/commands';
import { npmBaseUrl } from '../registries/npm/registry-url';
import { npmTrustGithubCommand, npmTrustListCommand } from '../registries/npm/trust';
import { pubCommandEnv, pubDevApiUrl } from '../registries/pub-dev/urls';
import { pypiApiUrl, pypiUploadTarget } from '../registries/pypi/urls';
import { assertSafeArg, assertSafeGitRemote, assertSafeUrl, displayValue } from './argv-guard';

/** The MonochangeError `fn` throws (fails the test when it throws nothing or something else). */
function refusal(fn: () => unknown): MonochangeError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(MonochangeError);
    return error as MonochangeError;
  }
  throw new Error('expected a MonochangeError, nothing was thrown');
}

describe('assertSafeArg', () => {
  it('returns ordinary values unchanged', () => {
    expect(assertSafeArg('sub/api/v1.2.3', { source: '[package.api] path' })).toBe('sub/api/v1.2.3');
    expect(assertSafeArg('@scope/pkg', { source: 'package.json "name"' })).toBe('@scope/pkg');
    expect(assertSafeArg('a-b', { source: 'X' })).toBe('a-b');
  });

  it('refuses a leading dash, naming the source, the value, the tool and what to do', () => {
    const error = refusal(() => assertSafeArg('--exec=sh', { source: '[package.api] path', what: 'the git tag', tool: 'git' }));
    expect(error.details).toMatchObject({ code: 'argv.leading-dash', key: '[package.api] path', found: '"--exec=sh"' });
    expect(error.message).toBe(
      '[package.api] path gives the git tag "--exec=sh", which starts with "-", so git would read it as an option. Fix: change [package.api] path so it does not start with "-"',
    );
    expect(refusal(() => assertSafeArg('-x', { source: 'X' })).message).toContain('so the command would read it as an option');
  });
});

describe('assertSafeUrl', () => {
  const source = 'MONOCHANGE_NPM_REGISTRY_URL';

  it('accepts https anywhere and http only on loopback hosts', () => {
    for (const url of [
      'https://registry.npmjs.org',
      'https://npm.example.com:8443/path/',
      'http://127.0.0.1:4873/',
      'http://localhost:8080',
      'http://[::1]:9/x',
    ]) {
      expect(assertSafeUrl(url, { source })).toBe(url);
    }
  });

  it('refuses plain http to any other host, even one that only looks local', () => {
    for (const url of ['http://registry.example.com', 'http://127.0.0.2:4873', 'http://localhost.example.com', 'http://127.0.0.1@example.com/']) {
      const error = refusal(() => assertSafeUrl(url, { source }));
      expect(error.details.code).toBe('argv.insecure-url');
      expect(error.message).toContain(source);
      expect(error.details.fix).toBe('set MONOCHANGE_NPM_REGISTRY_URL to an https:// URL (http:// only for 127.0.0.1, localhost or [::1])');
    }
  });

  it('refuses other schemes, and file: unless allowed', () => {
    for (const url of ['ftp://example.com/x', 'javascript:alert(1)', 'ext::sh -c id', 'git://example.com/x', 'file:///srv/registry']) {
      expect(refusal(() => assertSafeUrl(url, { source })).details.code).toMatch(/^argv\.(url-scheme|whitespace)$/);
    }
    expect(assertSafeUrl('file:///srv/goproxy', { source: 'MONOCHANGE_GO_PROXY_URL', allowFile: true })).toBe('file:///srv/goproxy');
    expect(refusal(() => assertSafeUrl('ftp://x', { source: 'MONOCHANGE_GO_PROXY_URL', allowFile: true })).details.fix).toContain('or a file:// URL');
  });

  it('refuses a leading dash, whitespace and values that are not URLs', () => {
    expect(refusal(() => assertSafeUrl('--registry=https://evil.example', { source })).details.code).toBe('argv.leading-dash');
    expect(refusal(() => assertSafeUrl('https://a.example/x y', { source })).details.code).toBe('argv.whitespace');
    expect(refusal(() => assertSafeUrl('https://a.example/\nx', { source })).details.code).toBe('argv.whitespace');
    expect(refusal(() => assertSafeUrl('registry.example.com', { source })).details.code).toBe('argv.invalid-url');
  });

  it('does not echo credentials from the URL', () => {
    const error = refusal(() => assertSafeUrl('http://alice:s3cret@registry.example.com/npm/', { source }));
    expect(error.message).toContain('"http://registry.example.com/npm/"');
    expect(error.message).not.toMatch(/alice|s3cret/);
    expect(error.details.found).toBe('"http://registry.example.com/npm/"');
    expect(displayValue('https://x-access-token:ghs_abc@github.com/o/r')).toBe('"https://github.com/o/r"');
  });
});

describe('assertSafeGitRemote', () => {
  const source = 'MONOCHANGE_GO_REMOTE';

  it('accepts remote names, https, loopback http, ssh, scp-like and file URLs', () => {
    for (const remote of [
      'origin',
      'upstream',
      'my_fork/mirror-2',
      'https://github.com/acme/widgets.git',
      'https://x-access-token:abc@github.com/acme/widgets.git',
      'http://127.0.0.1:9418/repo.git',
      'ssh://git@github.com/acme/widgets.git',
      'git@github.com:acme/widgets.git',
      'github.com:acme/widgets.git',
      'file:///tmp/origin.git',
    ]) {
      expect(assertSafeGitRemote(remote, { source })).toBe(remote);
    }
  });

  it('refuses options: the message names the variable, the value and the fix', () => {
    const error = refusal(() => assertSafeGitRemote('--upload-pack=touch /tmp/x;:', { source }));
    expect(error.details).toMatchObject({ code: 'argv.leading-dash', key: source });
    expect(error.message).toBe(
      'MONOCHANGE_GO_REMOTE is "--upload-pack=touch /tmp/x;:", which starts with "-", so git would read it as an option, not a remote. Fix: set MONOCHANGE_GO_REMOTE to a remote name such as origin, or an https://, ssh://, git@host:path or file:// URL',
    );
    expect(refusal(() => assertSafeGitRemote('-oProxyCommand=sh', { source })).details.code).toBe('argv.leading-dash');
  });

  it('refuses git transports that run programs (ext::, fd::, any helper::)', () => {
    for (const remote of ['ext::sh -c touch% /tmp/x', 'fd::3', 'EXT::sh', 'foo+bar::x']) {
      const error = refusal(() => assertSafeGitRemote(remote, { source }));
      expect(error.details.code).toBe('argv.git-transport');
      expect(error.message).toContain(`transport that can run programs`);
    }
  });

  it('refuses other schemes, plain http to other hosts, ssh hosts or users that look like options, and bare paths', () => {
    expect(refusal(() => assertSafeGitRemote('git://example.com/x.git', { source })).details.code).toBe('argv.url-scheme');
    expect(refusal(() => assertSafeGitRemote('ftp://example.com/x.git', { source })).details.code).toBe('argv.url-scheme');
    expect(refusal(() => assertSafeGitRemote('http://example.com/x.git', { source })).details.code).toBe('argv.insecure-url');
    expect(refusal(() => assertSafeGitRemote('ssh://-oProxyCommand=sh/x', { source })).details.code).toBe('argv.leading-dash');
    expect(refusal(() => assertSafeGitRemote('ssh://%2DoProxyCommand=sh@host/x', { source })).details.code).toBe('argv.leading-dash');
    expect(refusal(() => assertSafeGitRemote('git@-oProxyCommand=sh:x', { source })).details.code).toBe('argv.git-remote');
    const path = refusal(() => assertSafeGitRemote('/srv/git/origin.git', { source }));
    expect(path.details.code).toBe('argv.git-remote');
    expect(path.details.fix).toContain('file:///absolute/path');
    expect(refusal(() => assertSafeGitRemote('origin\nx', { source })).details.code).toBe('argv.whitespace');
  });

  it('keeps the fix about git remotes for URL problems and never echoes credentials', () => {
    const error = refusal(() => assertSafeGitRemote('http://bot:s3cret@git.example.com/acme/widgets.git', { source }));
    expect(error.details.fix).toContain('a remote name such as origin');
    expect(error.message).toContain('"http://git.example.com/acme/widgets.git"');
    expect(error.message).not.toMatch(/bot|s3cret/);
  });
});

describe('the places that read URL and remote overrides refuse unsafe values', () => {
  const bad = '--upload-pack=sh';

  it('every registry base URL override', () => {
    const cases: Array<[string, (env: Record<string, string>) => unknown]> = [
      ['MONOCHANGE_NPM_REGISTRY_URL', npmBaseUrl],
      ['MONOCHANGE_CRATES_IO_API_URL', cratesApiUrl],
      ['MONOCHANGE_CRATES_IO_INDEX_URL', cratesIndexUrl],
      ['MONOCHANGE_JSR_BASE_URL', jsrBaseUrl],
      ['MONOCHANGE_PUB_DEV_API_URL', pubDevApiUrl],
      ['MONOCHANGE_PUB_DEV_API_URL', pubCommandEnv],
      ['MONOCHANGE_PYPI_API_URL', pypiApiUrl],
      ['MONOCHANGE_PYPI_UPLOAD_URL', pypiUploadTarget],
      ['MONOCHANGE_PYPI_CHECK_URL', pypiUploadTarget],
      ['MONOCHANGE_GO_PROXY_URL', goProxyUrl],
      ['MONOCHANGE_GO_REMOTE', goRemote],
    ];
    for (const [key, read] of cases) {
      for (const value of [bad, 'http://registry.example.com', 'ext::sh -c id']) {
        const error = refusal(() => read({ [key]: value }));
        expect(error.details.key).toBe(key);
      }
    }
  });

  it('keeps good overrides and defaults working', () => {
    expect(npmBaseUrl({ MONOCHANGE_NPM_REGISTRY_URL: ' http://127.0.0.1:4873/ ' })).toBe('http://127.0.0.1:4873');
    expect(cratesIndexUrl({ MONOCHANGE_CRATES_IO_INDEX_URL: 'sparse+https://index.example.com/' })).toBe('https://index.example.com');
    expect(refusal(() => cratesIndexUrl({ MONOCHANGE_CRATES_IO_INDEX_URL: 'sparse+http://index.example.com/' })).details.code).toBe('argv.insecure-url');
    expect(goProxyUrl({ MONOCHANGE_GO_PROXY_URL: 'file:///srv/goproxy/' })).toBe('file:///srv/goproxy');
    expect(goRemote({})).toBe('origin');
    expect(goRemote({ MONOCHANGE_GO_REMOTE: ' file:///tmp/origin.git ' })).toBe('file:///tmp/origin.git');
    expect(pypiUploadTarget({ MONOCHANGE_PYPI_UPLOAD_URL: 'https://upload.example.com/legacy/' })).toEqual({
      publishUrl: 'https://upload.example.com/legacy/',
      checkUrl: 'https://pypi.org/simple/',
    });
  });

  it('the JSR override is refused before a deno command is built', () => {
    expect(refusal(() => denoPublishSpec('/r', '/r', { MONOCHANGE_JSR_BASE_URL: 'http://jsr.example.com' }, false)).details.key).toBe(
      'MONOCHANGE_JSR_BASE_URL',
    );
  });

  it('npm package names, trusted publisher settings and publish targets that look like options', () => {
    expect(refusal(() => npmTrustListCommand('--registry=https://evil.example')).details.key).toBe('package.json "name"');
    const github = { name: 'pkg', workflow: 'publish.yml', repository: 'acme/widgets' };
    expect(refusal(() => npmTrustGithubCommand({ ...github, environment: '--otp=1' })).details.key).toBe('publish.trusted_publishing.environment');
    expect(refusal(() => npmTrustGithubCommand({ ...github, workflow: '-x.yml' })).details.key).toBe('publish.trusted_publishing.workflow');
    expect(refusal(() => npmTrustGithubCommand({ ...github, repository: '-acme/widgets' })).details.key).toBe('publish.trusted_publishing.repository');
    expect(refusal(() => npmPublishSpec({ cwd: '/r', base: 'https://registry.npmjs.org', target: '--tag=x' })).details.code).toBe('argv.leading-dash');
  });
});
