import { normalizePythonName, parsePep508 } from './pep508';

describe('normalizePythonName', () => {
  it.each([
    ['Fixture_Core', 'fixture-core'],
    ['a.b--c__d', 'a-b-c-d'],
    ['PyYAML', 'pyyaml'],
  ])('%s → %s', (input, expected) => expect(normalizePythonName(input)).toBe(expected));
});

describe('parsePep508', () => {
  it.each([
    ['requests', { name: 'requests', extras: [] }],
    ['requests >= 2.31, < 3', { name: 'requests', extras: [], versionReq: '>=2.31,<3' }],
    ['Foo_Bar[fast, yaml]>=1.0', { name: 'foo-bar', extras: ['fast', 'yaml'], versionReq: '>=1.0' }],
    ['name (>=1.0)', { name: 'name', extras: [], versionReq: '>=1.0' }],
    ["typing-extensions; python_version < '3.11'", { name: 'typing-extensions', extras: [], marker: "python_version < '3.11'" }],
    ['pkg @ file:///tmp/pkg', { name: 'pkg', extras: [], url: 'file:///tmp/pkg' }],
    ['pkg~=1.4.2', { name: 'pkg', extras: [], versionReq: '~=1.4.2' }],
  ])('%s', (input, expected) => expect(parsePep508(input)).toEqual(expected));

  it.each([[''], ['-bad'], ['pkg[extra'], ['pkg 1.0'], ['pkg @ ']])('rejects %j', (input) => {
    expect(parsePep508(input)).toBeUndefined();
  });
});
