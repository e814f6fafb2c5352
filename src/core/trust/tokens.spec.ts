import { describeNpmrcAuthToken, findNpmrcAuthTokens, isRefusedNpmTokenVariable, refusedTokenVariables } from './tokens';

describe('refusedTokenVariables', () => {
  it.each([
    ['NPM_TOKEN', 'npm', { NPM_TOKEN: 'fake-npm-token' }, ['NPM_TOKEN']],
    ['empty NODE_AUTH_TOKEN (setup-node writes it)', 'npm', { NODE_AUTH_TOKEN: '' }, ['NODE_AUTH_TOKEN']],
    ['NPM_CONFIG__AUTH_TOKEN', 'npm', { NPM_CONFIG__AUTH_TOKEN: 'x' }, ['NPM_CONFIG__AUTH_TOKEN']],
    ['npm_config__authToken', 'npm', { npm_config__authToken: 'x' }, ['npm_config__authToken']],
    ['lower-case npm_config_…_authtoken', 'npm', { 'npm_config_//registry.npmjs.org/:_authtoken': 'x' }, ['npm_config_//registry.npmjs.org/:_authtoken']],
    ['npm_config_registry_auth_token', 'npm', { npm_config_registry_auth_token: 'x' }, ['npm_config_registry_auth_token']],
    ['upper-case NPM_CONFIG_X_AUTH_TOKEN', 'npm', { NPM_CONFIG_X_AUTH_TOKEN: 'x' }, ['NPM_CONFIG_X_AUTH_TOKEN']],
    ['NPM_CONFIG_USERCONFIG is allowed', 'npm', { NPM_CONFIG_USERCONFIG: '/tmp/npmrc' }, []],
    ['auth without token is allowed', 'npm', { npm_config_auth_type: 'web' }, []],
    ['token without auth is allowed', 'npm', { npm_config_token_store: 'x' }, []],
    ['auth+token outside npm_config_ is allowed', 'npm', { MY_AUTH_TOKEN: 'x' }, []],
    ['undefined value is absence', 'npm', { NPM_TOKEN: undefined }, []],
    [
      'sorted, several',
      'npm',
      { NPM_TOKEN: 'a', NODE_AUTH_TOKEN: '', npm_config__authToken: 'b', PATH: '/usr/bin' },
      ['NODE_AUTH_TOKEN', 'NPM_TOKEN', 'npm_config__authToken'],
    ],
    ['npm variables do not matter for crates_io', 'crates_io', { NPM_TOKEN: 'x', CARGO_REGISTRY_TOKEN: 'y' }, []],
    ['npm variables do not matter for pypi', 'pypi', { NPM_TOKEN: 'x' }, []],
    [
      'PyPI token variables',
      'pypi',
      { UV_PUBLISH_TOKEN: 'x', UV_PUBLISH_PASSWORD: '', TWINE_PASSWORD: 'y', TWINE_USERNAME: '__token__' },
      ['TWINE_PASSWORD', 'UV_PUBLISH_PASSWORD', 'UV_PUBLISH_TOKEN'],
    ],
    ['PyPI variables do not matter for npm', 'npm', { UV_PUBLISH_TOKEN: 'x' }, []],
    ['jsr refuses nothing', 'jsr', { NPM_TOKEN: 'x', UV_PUBLISH_TOKEN: 'y' }, []],
    ['go_proxy refuses nothing', 'go_proxy', { NPM_TOKEN: 'x' }, []],
  ])('%s', (_label, registry, env, expected) => {
    expect(refusedTokenVariables(registry, env)).toEqual(expected);
  });
});

describe('refusedTokenVariables: every npm_config_* credential spelling npm reads', () => {
  const LOCAL = 'http://127.0.0.1:4873';
  it.each<[string, Record<string, string>, string | undefined, string[]]>([
    ['NPM_CONFIG__AUTH', { NPM_CONFIG__AUTH: 'x' }, undefined, ['NPM_CONFIG__AUTH']],
    ['npm_config__auth', { npm_config__auth: 'x' }, undefined, ['npm_config__auth']],
    ['Npm_Config__Auth', { Npm_Config__Auth: 'x' }, undefined, ['Npm_Config__Auth']],
    ['npm_config__password', { npm_config__password: 'x' }, undefined, ['npm_config__password']],
    ['npm_config_certfile', { npm_config_certfile: '/c.pem' }, undefined, ['npm_config_certfile']],
    ['NPM_CONFIG_KEYFILE', { NPM_CONFIG_KEYFILE: '/c.key' }, undefined, ['NPM_CONFIG_KEYFILE']],
    [
      'npm_config_//host/:_password and :username',
      { 'npm_config_//127.0.0.1:4873/:_password': 'x', 'npm_config_//127.0.0.1:4873/:username': 'u' },
      LOCAL,
      ['npm_config_//127.0.0.1:4873/:_password', 'npm_config_//127.0.0.1:4873/:username'],
    ],
    ['npm_config_//host/:_auth', { 'npm_config_//127.0.0.1:4873/:_auth': 'x' }, LOCAL, ['npm_config_//127.0.0.1:4873/:_auth']],
    [
      'npm_config_//registry.npmjs.org/:certfile and :keyfile',
      { 'npm_config_//registry.npmjs.org/:certfile': '/c', 'npm_config_//registry.npmjs.org/:keyfile': '/k' },
      undefined,
      ['npm_config_//registry.npmjs.org/:certfile', 'npm_config_//registry.npmjs.org/:keyfile'],
    ],
    [
      'the publish registry comes from MONOCHANGE_NPM_REGISTRY_URL',
      { MONOCHANGE_NPM_REGISTRY_URL: LOCAL, 'npm_config_//127.0.0.1:4873/:_auth': 'x' },
      undefined,
      ['npm_config_//127.0.0.1:4873/:_auth'],
    ],
  ])('%s', (_label, env, registryUrl, expected) => {
    expect(refusedTokenVariables('npm', env, registryUrl)).toEqual(expected);
  });

  it.each<[string, Record<string, string>, string | undefined]>([
    ['a token scoped to another host (read-only mirror)', { 'npm_config_//npm.pkg.github.com/:_authToken': 'x' }, undefined],
    ['a token for the local registry when publishing to npmjs', { 'npm_config_//127.0.0.1:4873/:_authToken': 'x' }, undefined],
    ['a token for npmjs when publishing to the local registry', { 'npm_config_//registry.npmjs.org/:_authToken': 'x' }, LOCAL],
    ['a lone username', { npm_config_username: 'u', 'npm_config_//registry.npmjs.org/:username': 'u' }, undefined],
  ])('does not refuse %s', (_label, env, registryUrl) => {
    expect(refusedTokenVariables('npm', env, registryUrl)).toEqual([]);
  });

  it('isRefusedNpmTokenVariable judges one name against the registry', () => {
    expect(isRefusedNpmTokenVariable('NPM_CONFIG__AUTH')).toBe(true);
    expect(isRefusedNpmTokenVariable('npm_config_//127.0.0.1:4873/:_password', 'http://127.0.0.1:4873')).toBe(true);
    expect(isRefusedNpmTokenVariable('npm_config_//127.0.0.1:4873/:_password')).toBe(false);
  });
});

describe('findNpmrcAuthTokens', () => {
  const SECRET = 'npm_FAKEFAKEFAKEFAKEFAKEFAKE';
  const files = [
    {
      path: '/home/ci/.npmrc',
      text: [
        '# //registry.npmjs.org/:_authToken=commented-out',
        '; _authToken=also-comment',
        'registry=https://registry.npmjs.org/',
        `//registry.npmjs.org/:_authToken=${SECRET}`,
        '  //npm.pkg.github.com/:_authToken = "${NODE_AUTH_TOKEN}"',
        '_authToken=${NPM_TOKEN}',
        '//example.invalid/:_authTokenish=no',
      ].join('\r\n'),
    },
    { path: 'packages/web/.npmrc', text: 'always-auth=true\n' },
  ];

  it('reports path, line and key of each _authToken entry', () => {
    expect(findNpmrcAuthTokens(files)).toEqual([
      { path: '/home/ci/.npmrc', line: 4, key: '//registry.npmjs.org/:_authToken', fromEnvReference: false },
      { path: '/home/ci/.npmrc', line: 5, key: '//npm.pkg.github.com/:_authToken', fromEnvReference: true },
      { path: '/home/ci/.npmrc', line: 6, key: '_authToken', fromEnvReference: true },
    ]);
  });

  it('never carries the token value', () => {
    const found = findNpmrcAuthTokens(files);
    const rendered = JSON.stringify(found) + found.map(describeNpmrcAuthToken).join('\n');
    expect(rendered).not.toContain(SECRET);
    expect(describeNpmrcAuthToken(found[0])).toBe('/home/ci/.npmrc:4 (//registry.npmjs.org/:_authToken)');
  });

  it('finds nothing in files without tokens', () => {
    expect(findNpmrcAuthTokens([{ path: '.npmrc', text: '' }, files[1]])).toEqual([]);
  });
});
