import { isMonochangeError, type MonochangeError } from '../errors';
import type { PackageConfig } from '../config/types';
import { packageTasks } from './package-tasks';
import { refusePublishCycles } from './publish-cycles';
import { selectPackages } from './select-packages';

const pkg = (id: string) => ({ id, path: `packages/${id}`, type: 'npm' }) as PackageConfig;
const config = { file: '/ws/monochange.toml', packages: [pkg('core'), pkg('util'), pkg('web')] };
const thrown = (fn: () => unknown): MonochangeError => {
  try {
    fn();
  } catch (error) {
    if (isMonochangeError(error)) return error;
    throw error;
  }
  throw new Error('nothing was thrown');
};

describe('selectPackages', () => {
  it('takes every declared package by default, else the named ones in declaration order', () => {
    expect(selectPackages(config, undefined).map((p) => p.id)).toEqual(['core', 'util', 'web']);
    expect(selectPackages(config, ['web', 'core', 'web']).map((p) => p.id)).toEqual(['core', 'web']);
    expect(selectPackages(config, [])).toEqual([]);
  });

  it('refuses undeclared ids, naming each and listing the declared ones', () => {
    const error = thrown(() => selectPackages(config, ['web', 'cor', 'utils']));
    expect(error.details).toMatchObject({ code: 'api.unknown-package', file: '/ws/monochange.toml' });
    expect(error.problem).toBe('packages `cor`, `utils` are not declared in monochange.toml');
    expect(error.details.fix).toContain('(core, util, web)');
  });

  it('refuses a default run when nothing is declared', () => {
    expect(thrown(() => selectPackages({ file: '/ws/monochange.toml', packages: [] }, undefined)).details.code).toBe('config.no-packages');
  });
});

describe('packageTasks', () => {
  it('names each task by package id, roots it at the package path and waits for its dependencies by id', () => {
    const tasks = packageTasks(
      [pkg('core'), pkg('web')],
      'publish',
      (p) => ({ packageId: p.id }),
      (id) => (id === 'web' ? ['core'] : []),
    );
    expect(tasks).toEqual([
      { id: 'core:publish', projectName: 'core', projectRoot: 'packages/core', options: { packageId: 'core' }, dependsOn: [] },
      { id: 'web:publish', projectName: 'web', projectRoot: 'packages/web', options: { packageId: 'web' }, dependsOn: ['core:publish'] },
    ]);
  });
});

describe('refusePublishCycles', () => {
  it('passes an orderable graph and a dev-only loop; refuses a run/build cycle, naming it', () => {
    expect(() =>
      refusePublishCycles(
        config,
        ['core', 'web'],
        [
          { from: 'web', to: 'core', kind: 'normal' },
          { from: 'core', to: 'web', kind: 'dev' },
        ],
      ),
    ).not.toThrow();
    const error = thrown(() =>
      refusePublishCycles(
        config,
        ['core', 'web'],
        [
          { from: 'web', to: 'core', kind: 'normal' },
          { from: 'core', to: 'web', kind: 'peer' },
        ],
      ),
    );
    expect(error.details.code).toBe('publish.cycle');
    expect(error.problem).toContain('(core -> web -> core) is a publish dependency cycle');
  });
});
