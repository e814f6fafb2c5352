import { parseNxArgv } from './nx-argv';

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

  it.each([
    [['--parallel=4'], {}, 4],
    [['--parallel', '6'], {}, 6],
    [['--parallel'], {}, 3],
    [['--parallel'], { NX_PARALLEL: '5' }, 5],
    [['--parallel=false'], {}, 1],
    [['--maxParallel=8'], {}, 8],
    [[], {}, undefined],
  ])('reads the run parallelism from %j (env %j) as %p', (flags, env, parallel) => {
    const request = parseNxArgv(nx('run-many', '-t', 'publish', ...flags, '--exclude=x'), env as Record<string, string>);
    expect([request.parallel, request.exclude]).toEqual([parallel, ['x']]);
  });

  it('reads the command and --excludeTaskDependencies', () => {
    expect(parseNxArgv(nx('release', 'publish', '--excludeTaskDependencies'))).toMatchObject({ command: 'release publish', excludeTaskDependencies: true });
    expect(parseNxArgv(nx('run-many', '-t', 'publish', '--exclude-task-dependencies=false'))).toMatchObject({
      command: 'run-many',
      excludeTaskDependencies: false,
    });
    expect(parseNxArgv(nx('affected', '-t', 'publish')).command).toBe('affected');
  });

  it('reads --exclude', () => {
    expect(parseNxArgv(nx('run-many', '-t', 'publish', '--exclude=dart-*')).exclude).toEqual(['dart-*']);
  });
});
