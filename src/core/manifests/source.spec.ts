import * as fc from 'fast-check';
import validSemver from 'semver/functions/valid';
import { isValidSemver } from './source';

describe('isValidSemver', () => {
  it("agrees with semver's valid(), plain versions or not", () => {
    const part = fc.oneof(fc.nat({ max: 30 }).map(String), fc.constantFrom('01', '9007199254740991', '99999999999999999', '123456789012345', 'x', ''));
    const version = fc.oneof(
      fc.tuple(part, part, part).map((parts) => parts.join('.')),
      fc.tuple(part, part, part, fc.constantFrom('-rc.1', '+build.5', '-0', '-01', '')).map(([a, b, c, tail]) => `${a}.${b}.${c}${tail}`),
      fc.constantFrom('1.0', 'v1.0.0', '=1.0.0', ' 1.0.0', '1.0.0 ', '1.2.3.4'),
    );
    fc.assert(
      fc.property(version, (text) => {
        expect(isValidSemver(text)).toBe(validSemver(text) !== null);
      }),
      { numRuns: 2000, seed: 20261202 },
    );
  });
});
