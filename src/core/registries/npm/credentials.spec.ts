import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Env } from '../../types';
import {
  classifyNpmCredentials,
  describeNpmCredential,
  findNpmCredentials,
  npmCredentialRefusal,
  type FindNpmCredentialsInput,
  type NpmCredentialFinding,
} from './credentials';

const SECRET = 'npm_FAKEsecretVALUE0123456789';
const LOCAL = 'http://127.0.0.1:4873';
const NPMJS = 'https://registry.npmjs.org';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/**
 * A temp layout: `ws/` (workspace root) with `ws/packages/web`, `home/`, and a node at
 * `node/bin/node` (so the default global npmrc is `node/etc/npmrc` and the builtin one
 * `node/lib/node_modules/npm/npmrc`). Nothing of the machine's npm config is read.
 */
function world(files: Record<string, string>, env: Env = {}, registryUrl = NPMJS) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-npm-creds-'));
  dirs.push(tmp);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
    fs.writeFileSync(path.join(tmp, rel), text);
  }
  const at = (rel: string) => path.join(tmp, rel);
  const input: FindNpmCredentialsInput = {
    env: expandTmp(env, tmp),
    root: at('ws'),
    packageDir: at('ws/packages/web'),
    registryUrl,
    homeDir: at('home'),
    execPath: at('node/bin/node'),
  };
  return { input, at, tmp };
}

/** `<tmp>` in env values stands for the temp dir. */
function expandTmp(env: Env, tmp: string): Env {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v?.replace('<tmp>', tmp)]));
}

/** Findings with files relative to the temp dir, for readable expectations. */
function relative(findings: NpmCredentialFinding[], tmp: string) {
  return findings.map((f) => (f.file ? { ...f, file: path.relative(tmp, f.file) } : f));
}

const allRendered: string[] = [];
function find(input: FindNpmCredentialsInput): NpmCredentialFinding[] {
  const found = findNpmCredentials(input);
  allRendered.push(JSON.stringify(found), ...found.map(describeNpmCredential), npmCredentialRefusal(found, 'web')?.reason ?? '');
  return found;
}

afterAll(() => {
  // Every finding rendered in this file (descriptions and refusals), none with a value.
  expect(allRendered.join('\n')).not.toContain(SECRET);
});

describe('findNpmCredentials: environment variables', () => {
  it.each<[string, Env, string, string]>([
    ['NPM_CONFIG__AUTH', { NPM_CONFIG__AUTH: SECRET }, NPMJS, '_auth'],
    ['npm_config__auth', { npm_config__auth: SECRET }, NPMJS, '_auth'],
    ['mixed-case Npm_Config__Auth', { Npm_Config__Auth: SECRET }, NPMJS, '_auth'],
    ['npm_config__password', { npm_config__password: SECRET }, NPMJS, '_password'],
    ['npm_config__authToken (npm lower-cases it)', { npm_config__authToken: SECRET }, NPMJS, '_authtoken'],
    ['npm_config_certfile', { npm_config_certfile: '/certs/ci.pem' }, NPMJS, 'certfile'],
    ['NPM_CONFIG_KEYFILE', { NPM_CONFIG_KEYFILE: '/certs/ci.key' }, NPMJS, 'keyfile'],
    ['npm_config_//host/:_password', { 'npm_config_//127.0.0.1:4873/:_password': SECRET }, LOCAL, '//127.0.0.1:4873/:_password'],
    ['NPM_CONFIG_//host/:_password', { 'NPM_CONFIG_//127.0.0.1:4873/:_password': SECRET }, LOCAL, '//127.0.0.1:4873/:_password'],
    ['npm_config_//host/:_auth', { 'npm_config_//127.0.0.1:4873/:_auth': SECRET }, LOCAL, '//127.0.0.1:4873/:_auth'],
    ['npm_config_//host/:_authToken', { 'npm_config_//127.0.0.1:4873/:_authToken': SECRET }, LOCAL, '//127.0.0.1:4873/:_authToken'],
    ['npm_config_//host/:certfile', { 'npm_config_//registry.npmjs.org/:certfile': '/c.pem' }, NPMJS, '//registry.npmjs.org/:certfile'],
    ['npm_config_//host/:keyfile', { 'npm_config_//registry.npmjs.org/:keyfile': '/c.key' }, NPMJS, '//registry.npmjs.org/:keyfile'],
    ['npm_config_//host:_authToken (no slash before the colon)', { 'npm_config_//127.0.0.1:4873:_authToken': SECRET }, LOCAL, '//127.0.0.1:4873:_authToken'],
    ['an empty value (presence counts)', { 'npm_config_//registry.npmjs.org/:_auth': '' }, NPMJS, '//registry.npmjs.org/:_auth'],
  ])('%s', (_label, env, registryUrl, key) => {
    const { input } = world({}, env, registryUrl);
    const [variable] = Object.keys(env);
    expect(find(input)).toEqual([{ source: 'env', variable, key }]);
  });

  it('reports username next to _password for the same registry, never a lone username', () => {
    const paired = world({}, { 'npm_config_//127.0.0.1:4873/:username': 'ci', 'npm_config_//127.0.0.1:4873/:_password': SECRET }, LOCAL);
    expect(find(paired.input).map((f) => f.variable)).toEqual(['npm_config_//127.0.0.1:4873/:_password', 'npm_config_//127.0.0.1:4873/:username']);
    const alone = world({}, { 'npm_config_//127.0.0.1:4873/:username': 'ci', npm_config_username: 'ci' }, LOCAL);
    expect(find(alone.input)).toEqual([]);
  });

  it('does not refuse credentials scoped to another registry host or port', () => {
    const env = {
      'npm_config_//npm.pkg.github.com/:_authToken': SECRET,
      'npm_config_//127.0.0.1:4874/:_password': SECRET,
      'npm_config_//127.0.0.1/:_auth': SECRET,
    };
    const { input } = world({}, env, LOCAL);
    expect(find(input)).toEqual([]);
    expect(classifyNpmCredentials(input).otherRegistries.map((f) => f.variable)).toEqual(Object.keys(env).sort());
  });

  it('ignores non-credential npm settings', () => {
    const { input } = world(
      {},
      { npm_config_registry: LOCAL, npm_config_auth_type: 'web', NPM_CONFIG_USERCONFIG: '/nonexistent/npmrc', npm_config_cafile: '/ca.pem' },
    );
    expect(find(input)).toEqual([]);
  });
});

describe('findNpmCredentials: npmrc files', () => {
  it.each<[string, Record<string, string>, Env, string, { file: string; line: number; key: string; via?: string }[]]>([
    [
      'unscoped _auth in the workspace root .npmrc',
      { 'ws/.npmrc': `registry=${NPMJS}/\n_auth=${SECRET}\n` },
      {},
      NPMJS,
      [{ file: 'ws/.npmrc', line: 2, key: '_auth' }],
    ],
    [
      'unscoped _authToken in the package .npmrc',
      { 'ws/packages/web/.npmrc': `_authToken = "${SECRET}"\n` },
      {},
      NPMJS,
      [{ file: 'ws/packages/web/.npmrc', line: 1, key: '_authToken' }],
    ],
    [
      'username and _password in ~/.npmrc',
      { 'home/.npmrc': `# ci\nusername=ci\n_password=${SECRET}\n` },
      {},
      NPMJS,
      [
        { file: 'home/.npmrc', line: 2, key: 'username' },
        { file: 'home/.npmrc', line: 3, key: '_password' },
      ],
    ],
    ['unscoped _password without username', { 'home/.npmrc': `_password=${SECRET}\n` }, {}, NPMJS, [{ file: 'home/.npmrc', line: 1, key: '_password' }]],
    [
      'scoped _authToken in ~/.npmrc (CRLF)',
      { 'home/.npmrc': `; comment\r\n//registry.npmjs.org/:_authToken=${SECRET}\r\n` },
      {},
      NPMJS,
      [{ file: 'home/.npmrc', line: 2, key: '//registry.npmjs.org/:_authToken' }],
    ],
    [
      'nested scoped keys: the registry path and its parents apply, a sibling path does not',
      {
        'home/.npmrc': `//127.0.0.1:4873/npm/:_authToken=${SECRET}\n//127.0.0.1:4873/:_auth=${SECRET}\n//127.0.0.1:4873/other/:_authToken=${SECRET}\n//127.0.0.1:4873/npm/@acme%2fweb:_authToken=${SECRET}\n`,
      },
      {},
      `${LOCAL}/npm`,
      [
        { file: 'home/.npmrc', line: 1, key: '//127.0.0.1:4873/npm/:_authToken' },
        { file: 'home/.npmrc', line: 2, key: '//127.0.0.1:4873/:_auth' },
        { file: 'home/.npmrc', line: 4, key: '//127.0.0.1:4873/npm/@acme%2fweb:_authToken' },
      ],
    ],
    [
      'scoped certfile and keyfile in the global npmrc derived from the node executable',
      { 'node/etc/npmrc': `//registry.npmjs.org/:certfile=/c.pem\n//registry.npmjs.org/:keyfile=/c.key\n` },
      {},
      NPMJS,
      [
        { file: 'node/etc/npmrc', line: 1, key: '//registry.npmjs.org/:certfile' },
        { file: 'node/etc/npmrc', line: 2, key: '//registry.npmjs.org/:keyfile' },
      ],
    ],
    [
      'unscoped certfile in the builtin npmrc next to npm',
      { 'node/lib/node_modules/npm/npmrc': 'prefix=/usr/local\ncertfile=/c.pem\n' },
      {},
      NPMJS,
      [{ file: 'node/lib/node_modules/npm/npmrc', line: 2, key: 'certfile' }],
    ],
    [
      'user config named by NPM_CONFIG_USERCONFIG (upper case) replaces ~/.npmrc',
      { 'ci/npmrc': `keyfile=/c.key\n`, 'home/.npmrc': `_auth=${SECRET}\n` },
      { NPM_CONFIG_USERCONFIG: '<tmp>/ci/npmrc' },
      NPMJS,
      [{ file: 'ci/npmrc', line: 1, key: 'keyfile' }],
    ],
    [
      'user config as ~/path',
      { 'home/ci.npmrc': `_auth=${SECRET}\n` },
      { npm_config_userconfig: '~/ci.npmrc' },
      NPMJS,
      [{ file: 'home/ci.npmrc', line: 1, key: '_auth' }],
    ],
    [
      'global config named by Npm_Config_GlobalConfig',
      { 'etc/npmrc': `\n\n//registry.npmjs.org/:_password=${SECRET}\n//registry.npmjs.org/:username=ci\n` },
      { Npm_Config_GlobalConfig: '<tmp>/etc/npmrc' },
      NPMJS,
      [
        { file: 'etc/npmrc', line: 3, key: '//registry.npmjs.org/:_password' },
        { file: 'etc/npmrc', line: 4, key: '//registry.npmjs.org/:username' },
      ],
    ],
    [
      'global config under npm_config_prefix',
      { 'prefix/etc/npmrc': `_authToken=${SECRET}\n` },
      { npm_config_prefix: '<tmp>/prefix' },
      NPMJS,
      [{ file: 'prefix/etc/npmrc', line: 1, key: '_authToken' }],
    ],
    [
      '${VAR} that is set counts, naming the variable',
      { 'home/.npmrc': '//registry.npmjs.org/:_authToken=${NODE_AUTH_TOKEN}\n' },
      { NODE_AUTH_TOKEN: SECRET },
      NPMJS,
      [{ file: 'home/.npmrc', line: 1, key: '//registry.npmjs.org/:_authToken', via: 'NODE_AUTH_TOKEN' }],
    ],
    [
      'quoted "${VAR}" that is set counts',
      { 'ws/.npmrc': '//127.0.0.1:4873/:_authToken="${LOCAL_TOKEN}"\n' },
      { LOCAL_TOKEN: SECRET },
      LOCAL,
      [{ file: 'ws/.npmrc', line: 1, key: '//127.0.0.1:4873/:_authToken', via: 'LOCAL_TOKEN' }],
    ],
    ['${VAR} that is unset does not count', { 'home/.npmrc': '//registry.npmjs.org/:_authToken=${NODE_AUTH_TOKEN}\n' }, {}, NPMJS, []],
    [
      '${VAR} that is empty does not count',
      { 'home/.npmrc': '//registry.npmjs.org/:_authToken=${NODE_AUTH_TOKEN}\n_auth=${A?}\n' },
      { NODE_AUTH_TOKEN: '' },
      NPMJS,
      [],
    ],
    [
      'a key built from ${VAR} is matched as npm expands it',
      { 'home/.npmrc': `//\${REG_HOST}/:_authToken=${SECRET}\n` },
      { REG_HOST: '127.0.0.1:4873' },
      LOCAL,
      [{ file: 'home/.npmrc', line: 1, key: '//${REG_HOST}/:_authToken' }],
    ],
    [
      'comments, empty values and other settings do not count',
      {
        'home/.npmrc': `# _authToken=${SECRET}\n; _auth=${SECRET}\n//registry.npmjs.org/:_authToken=\n_auth=;${SECRET}\nregistry=${NPMJS}/\nalways-auth=true\n//registry.npmjs.org/:_authTokenish=x\n`,
      },
      {},
      NPMJS,
      [],
    ],
    [
      'tokens for other registry hosts are not refused',
      { 'home/.npmrc': `//npm.pkg.github.com/:_authToken=${SECRET}\n//registry.npmjs.org.evil/:_auth=${SECRET}\n@acme:registry=https://npm.pkg.github.com/\n` },
      {},
      NPMJS,
      [],
    ],
  ])('%s', (_label, files, env, registryUrl, expected) => {
    const { input, tmp } = world(files, env, registryUrl);
    expect(relative(find(input), tmp)).toEqual(expected.map((e) => ({ source: 'npmrc', ...e })));
  });

  it('reads the same file once when the package dir is the workspace root', () => {
    const { input, tmp } = world({ 'ws/.npmrc': `_auth=${SECRET}\n` });
    expect(relative(find({ ...input, packageDir: input.root }), tmp)).toEqual([{ source: 'npmrc', file: 'ws/.npmrc', line: 1, key: '_auth' }]);
  });

  it('counts other-registry lines separately', () => {
    const { input } = world({ 'home/.npmrc': `//npm.pkg.github.com/:_authToken=${SECRET}\n//registry.npmjs.org/:_auth=${SECRET}\n` });
    const { applying, otherRegistries } = classifyNpmCredentials(input);
    expect([applying.map((f) => f.line), otherRegistries.map((f) => f.line)]).toEqual([[2], [1]]);
  });

  it('uses readFile when given (no disk access)', () => {
    const { input } = world({});
    const read = jest.fn((file: string) => (file === path.join(input.root, '.npmrc') ? `_auth=${SECRET}\n` : undefined));
    expect(find({ ...input, readFile: read })).toEqual([{ source: 'npmrc', file: path.join(input.root, '.npmrc'), line: 1, key: '_auth' }]);
    expect(read.mock.calls.length).toBeLessThanOrEqual(6);
  });
});

describe('describeNpmCredential', () => {
  it.each<[NpmCredentialFinding, string]>([
    [
      { source: 'env', variable: 'npm_config_//127.0.0.1:4873/:_password', key: '//127.0.0.1:4873/:_password' },
      'environment variable npm_config_//127.0.0.1:4873/:_password',
    ],
    [{ source: 'npmrc', file: '/home/u/.npmrc', line: 3, key: '//registry.npmjs.org/:_authToken' }, '/home/u/.npmrc:3 (//registry.npmjs.org/:_authToken)'],
    [
      { source: 'npmrc', file: '/home/u/.npmrc', line: 1, key: '//registry.npmjs.org/:_authToken', via: 'NODE_AUTH_TOKEN' },
      '/home/u/.npmrc:1 (//registry.npmjs.org/:_authToken, set from environment variable NODE_AUTH_TOKEN)',
    ],
  ])('%j', (finding, text) => {
    expect(describeNpmCredential(finding)).toBe(text);
  });
});

describe('npmCredentialRefusal', () => {
  it('is undefined without findings', () => {
    expect(npmCredentialRefusal([], 'web')).toBeUndefined();
  });

  it('names every variable and file:line and says what to do, without values', () => {
    const { input, at } = world({ 'home/.npmrc': `//registry.npmjs.org/:_authToken=${SECRET}\n` }, { NPM_CONFIG__AUTH: SECRET });
    const refusal = npmCredentialRefusal(find(input), '@acme/web');
    expect(refusal?.code).toBe('trust.credential-present');
    expect(refusal?.reason).toContain('`@acme/web`');
    expect(refusal?.reason).toContain('environment variable NPM_CONFIG__AUTH');
    expect(refusal?.reason).toContain(`${at('home/.npmrc')}:1 (//registry.npmjs.org/:_authToken)`);
    expect(refusal?.reason).toMatch(/remove them/);
    expect(refusal?.reason).toMatch(/trusted publishing needs no npm credential/);
    expect(refusal?.reason).toMatch(/`registry-url` on actions\/setup-node/);
    expect(refusal?.reason).not.toContain(SECRET);
  });
});
