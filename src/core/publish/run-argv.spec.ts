import { matchesProjectPattern, parseNxArgv } from './run-argv';

const nx = (...args: string[]) => ['/usr/bin/node', '/ws/node_modules/nx/bin/nx.js', ...args];

describe('parseNxArgv', () => {
  it.each([
    [nx('run-many', '-t', 'publish'), { targets: ['publish'], projects: [], dryRun: false }],
    [nx('run-many', '--targets=readiness,publish', '--parallel=4'), { targets: ['readiness', 'publish'], projects: [], dryRun: false }],
    [nx('run-many', '-t', 'publish', '-p', 'a,b', '--dry-run'), { targets: ['publish'], projects: ['a', 'b'], dryRun: true }],
    [nx('run', 'web:publish'), { targets: ['publish'], projects: ['web'], dryRun: false }],
    [nx('release', 'publish'), { targets: ['nx-release-publish'], projects: [], dryRun: false }],
    [nx('publish', 'web'), { targets: ['publish'], projects: ['web'], dryRun: false }],
    [nx('run-many', '-t', 'publish', '--dryRun=false'), { targets: ['publish'], projects: [], dryRun: false }],
  ])('%j', (argv, expected) => {
    expect(parseNxArgv(argv)).toMatchObject(expected);
  });

  it('honours NX_DRY_RUN', () => {
    expect(parseNxArgv(nx('run-many', '-t', 'publish'), { NX_DRY_RUN: 'true' }).dryRun).toBe(true);
  });

  it('reads --exclude', () => {
    expect(parseNxArgv(nx('run-many', '-t', 'publish', '--exclude=dart-*')).exclude).toEqual(['dart-*']);
  });
});

describe('matchesProjectPattern', () => {
  it.each([
    ['web', ['web'], true],
    ['web', ['api'], false],
    ['dart-client', ['dart-*'], true],
    ['@scope/web', ['@scope/*'], true],
    ['webx', ['web'], false],
  ])('%s vs %j → %s', (name, patterns, expected) => {
    expect(matchesProjectPattern(name, patterns)).toBe(expected);
  });
});
