import { GRANTS, grant, isSecretVariable } from './secret-env';

describe('isSecretVariable', () => {
  it.each([
    'ACTIONS_ID_TOKEN_REQUEST_URL',
    'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
    'NPM_ID_TOKEN',
    'PYPI_ID_TOKEN',
    'SIGSTORE_ID_TOKEN',
    'ANY_GITLAB_AUDIENCE_ID_TOKEN',
    'MONOCHANGE_ID_TOKEN',
    'MONOCHANGE_OIDC_TOKEN',
    'MONOCHANGE_SOME_SECRET',
    'CARGO_REGISTRY_TOKEN',
    'CARGO_REGISTRIES_MY_MIRROR_TOKEN',
    'actions_id_token_request_token',
  ])('%s is withheld by default', (name) => expect(isSecretVariable(name)).toBe(true));

  it.each([
    'PATH',
    'HOME',
    'GITHUB_ACTIONS',
    'GITHUB_REPOSITORY',
    'CARGO_HOME',
    'CARGO_REGISTRIES_MY_MIRROR_INDEX',
    'MONOCHANGE_NPM_REGISTRY_URL',
    'ID_TOKEN_HINT',
    'npm_config_cache',
  ])('%s passes', (name) => expect(isSecretVariable(name)).toBe(false));
});

describe('grants', () => {
  it('names exactly what each upload step needs', () => {
    expect(GRANTS).toEqual({
      'npm-oidc': ['ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'NPM_ID_TOKEN', 'SIGSTORE_ID_TOKEN'],
      'pypi-oidc': ['ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'PYPI_ID_TOKEN'],
      'cargo-token': ['CARGO_REGISTRY_TOKEN'],
      'jsr-oidc': ['ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'],
      'pub-oidc': ['ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'],
    });
  });

  it('grants only variables the policy withholds (a grant of anything else would mean nothing)', () => {
    for (const names of Object.values(GRANTS)) for (const name of names) expect(isSecretVariable(name)).toBe(true);
  });

  it('joins grants without duplicates', () => {
    expect(grant('jsr-oidc', 'pypi-oidc')).toEqual(['ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'PYPI_ID_TOKEN']);
    expect(grant()).toEqual([]);
  });
});
