import * as fc from 'fast-check';
import validSemver from 'semver/functions/valid';
import * as path from 'node:path';
import { displayPath, isValidSemver, resolveIn } from './source';

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

describe('resolveIn / displayPath', () => {
  const segment = fc.constantFrom('a', 'crates', 'x..y', '..a', '.hidden', '.', '..', '', 'b\\c');
  const relative = fc.array(segment, { maxLength: 4 }).map((parts) => parts.join('/'));
  const root = fc.oneof(
    relative.map((r) => `/${r}`),
    relative,
  );
  const anyPath = fc.oneof(
    relative,
    relative.map((r) => `/${r}`),
  );

  it('resolveIn gives what path.resolve gives, for plain paths and any other', () => {
    fc.assert(
      fc.property(root, anyPath, (r, p) => {
        expect(resolveIn(r, p)).toBe(path.resolve(r, p));
      }),
      { numRuns: 3000, seed: 20261202 },
    );
  });

  it('displayPath gives the root-relative path, "." for the root itself, the absolute path outside the root', () => {
    fc.assert(
      fc.property(root, anyPath, (r, p) => {
        const file = path.resolve(r, p);
        const rel = path.relative(r, file);
        const expected = rel === '' ? '.' : rel === '..' || rel.startsWith('../') || path.isAbsolute(rel) ? file : rel;
        expect(displayPath(r, file)).toBe(expected);
      }),
      { numRuns: 3000, seed: 20261202 },
    );
  });
});
