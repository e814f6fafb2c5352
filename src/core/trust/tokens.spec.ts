import { describeNpmrcAuthToken, findNpmrcAuthTokens, refusedTokenVariables } from './tokens';

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
