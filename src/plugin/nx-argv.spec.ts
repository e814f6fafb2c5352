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

  // Packages with an ecosystem prefix in their ids (`rust:keystore`) are the Nx projects `rust-keystore`.
  it.each([
    [nx('run', 'rust-keystore:publish'), { projects: ['rust-keystore'], targets: ['publish'], dryRun: false }],
    [nx('run', 'rust-keystore:publish:production', '--dry-run'), { projects: ['rust-keystore'], targets: ['publish'], dryRun: true }],
    [nx('run', '@acme/keystore:readiness:ci'), { projects: ['@acme/keystore'], targets: ['readiness'], dryRun: false }],
    [nx('publish', 'rust-keystore'), { projects: ['rust-keystore'], targets: ['publish'], dryRun: false }],
    [nx('run-many', '-t', 'publish', '-p', 'rust-keystore,dart-*'), { projects: ['rust-keystore', 'dart-*'], targets: ['publish'], dryRun: false }],
  ])('a project named after a prefixed id: %j', (argv, expected) => {
    expect(parseNxArgv(argv)).toMatchObject({ ...expected, command: argv[2] });
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
