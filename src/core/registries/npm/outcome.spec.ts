import { isNpmAlreadyPublishedOutput, isNpmAuthFailureOutput } from './outcome';

describe('npm publish outcomes', () => {
  it.each([
    'npm error You cannot publish over the previously published versions: 1.0.0.',
    'npm error code E403\nnpm error 403 Forbidden - PUT https://registry.npmjs.org/x - You cannot publish over the previously published versions: 1.0.0.',
    'npm ERR! code EPUBLISHCONFLICT',
    'npm error code E409\nnpm error 409 Conflict - PUT http://127.0.0.1:4873/x - this package is already present',
    ' ERR_PNPM_FAILED_TO_PUBLISH  Failed to publish package: 409 Conflict',
  ])('reads %j as already published, not as an auth failure', (output) => {
    expect(isNpmAlreadyPublishedOutput(output)).toBe(true);
    expect(isNpmAuthFailureOutput(output)).toBe(false);
  });

  it.each([
    'npm error code ENEEDAUTH\nnpm error need auth This command requires you to be logged in',
    'npm error code E401\nnpm error Unable to authenticate',
    'npm error code E403\nnpm error 403 Forbidden - PUT https://registry.npmjs.org/x - You do not have permission to publish "x".',
    "npm error code E404\nnpm error 404 Not Found - PUT https://registry.npmjs.org/@acme%2fx - Not found\nnpm error 404  '@acme/x@1.0.0' is not in this registry.",
    'npm error code EOTP\nnpm error This operation requires a one-time password',
  ])('reads %j as an auth failure', (output) => {
    expect(isNpmAuthFailureOutput(output)).toBe(true);
    expect(isNpmAlreadyPublishedOutput(output)).toBe(false);
  });

  it('does not read other failures as either', () => {
    const output = 'npm error code EUSAGE\nnpm error Automatic provenance generation not supported for provider: null';
    expect(isNpmAlreadyPublishedOutput(output)).toBe(false);
    expect(isNpmAuthFailureOutput(output)).toBe(false);
    expect(isNpmAuthFailureOutput('npm error code E404\nnpm error 404 Not Found - GET https://registry.npmjs.org/dep - Not found')).toBe(false);
  });
});
