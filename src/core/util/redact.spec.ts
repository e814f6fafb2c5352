import * as fc from 'fast-check';
import { redact, REDACTED, secretValuesFromEnv } from './redact';

const FAKE_JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJmYWtlLXN1YmplY3QifQ.ZmFrZS1zaWduYXR1cmU';

describe('redact', () => {
  it('removes values of secret-like environment variables, longest first', () => {
    const env = { NODE_AUTH_TOKEN: 'fake-node-token', CARGO_REGISTRY_TOKEN: 'fake-node-token-longer', TWINE_PASSWORD: 'hunter2-fake' };
    expect(redact('a fake-node-token-longer b fake-node-token c hunter2-fake', env)).toBe(`a ${REDACTED} b ${REDACTED} c ${REDACTED}`);
  });

  it('does not treat ordinary variables as secrets (whole words only)', () => {
    const env = { GIT_AUTHOR_NAME: 'github-actions[bot]', AUTHORIZED_USERS: 'alice,bob', CI: 'true', RUN_NUMBER: '123456', NPM_TOKEN: 'true' };
    expect(secretValuesFromEnv(env)).toEqual([]);
    expect(redact('committed by github-actions[bot]', env)).toBe('committed by github-actions[bot]');
  });

  it('catches npm config keys, GitHub and registry variables', () => {
    const env = {
      'npm_config_//registry.npmjs.org/:_authToken': 'fake-npmrc-token',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'fake-request-token',
      AWS_SECRET_ACCESS_KEY: 'fake-aws-secret',
      MY_API_KEY: 'fake-api-key',
      npm_config__auth: 'ZmFrZTpmYWtl',
    };
    expect(secretValuesFromEnv(env)).toHaveLength(5);
  });

  it.each([
    ['//registry.npmjs.org/:_authToken=npm_fakeFAKEfake1234567890abcd', `//registry.npmjs.org/:_authToken=${REDACTED}`],
    ['Authorization: Bearer fake-bearer-value', `Authorization: Bearer ${REDACTED}`],
    [`id token ${FAKE_JWT} end`, `id token ${REDACTED} end`],
    ['token npm_ABCDEFGHIJKLMNOPQRSTUVWX', `token ${REDACTED}`],
    ['pypi-AgEIcHlwaS5vcmcCJGZha2UtZmFrZS1mYWtl', REDACTED],
    ['ghp_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123', REDACTED],
    ['github_pat_11FAKEFAKEFAKE0123456789_abcdefghij', REDACTED],
    ['fetching https://bob:fake-pass@registry.example/pkg', `fetching https://bob:${REDACTED}@registry.example/pkg`],
    ['uv publish --token fake-uv-token --trusted-publishing never', `uv publish --token ${REDACTED} --trusted-publishing never`],
    ['cargo publish --token=fake-cargo-token', `cargo publish --token=${REDACTED}`],
    ['{"token":"fake-exchanged-token","expires":1}', `{"token":"${REDACTED}","expires":1}`],
  ])('redacts %j', (input, output) => {
    expect(redact(input)).toBe(output);
  });

  it('leaves ordinary output alone', () => {
    const text = 'npm notice 📦  @acme/web@1.2.3\n+ @acme/web@1.2.3\nUploading acme_core v1.2.3 (https://crates.io/crates/acme-core)';
    expect(redact(text)).toBe(text);
  });

  it('removes extra secrets of four characters or more', () => {
    expect(redact('code abcd and abc', {}, ['abcd', 'abc'])).toBe(`code ${REDACTED} and abc`);
  });

  it('never lets an environment secret through, whatever surrounds it', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 6, maxLength: 30 }).filter((s) => !/^(true|false|[0-9]+)$/i.test(s)),
        fc.string(),
        fc.string(),
        (secret, before, after) => {
          expect(redact(`${before}${secret}${after}`, { NPM_TOKEN: secret })).not.toContain(secret);
        },
      ),
      { numRuns: 200, seed: 7 },
    );
  });
});
