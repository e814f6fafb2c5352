import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { batchTasks } from './batch-tasks';

const task = (project: string) =>
  ({
    id: `${project}:publish`,
    target: { project, target: 'publish' },
    overrides: {},
    outputs: [],
    parallelism: true,
  }) as unknown as TaskGraph['tasks'][string];
const context = {
  root: '/ws',
  cwd: '/ws',
  isVerbose: false,
  projectsConfigurations: { version: 2, projects: { web: { root: 'packages/web' }, core: { root: 'packages/core' } } },
} as unknown as ExecutorContext;

describe('batchTasks', () => {
  it('reads dependencies given as task ids (Nx 23)', () => {
    const graph = {
      roots: ['core:publish'],
      tasks: { 'core:publish': task('core'), 'web:publish': task('web') },
      dependencies: { 'core:publish': [], 'web:publish': ['core:publish', 'build-only:build'] },
      continuousDependencies: {},
    } as unknown as TaskGraph;
    const tasks = batchTasks(graph, { 'core:publish': {}, 'web:publish': {} }, context);
    expect(tasks.find((t) => t.id === 'web:publish')).toMatchObject({ projectName: 'web', projectRoot: 'packages/web', dependsOn: ['core:publish'] });
  });

  it('reads dependencies given as edge objects (Nx 24), so a dependency still publishes first', () => {
    const graph = {
      roots: ['core:publish'],
      tasks: { 'core:publish': task('core'), 'web:publish': task('web') },
      dependencies: { 'core:publish': [], 'web:publish': [{ id: 'core:publish' }] },
      continuousDependencies: {},
    } as unknown as TaskGraph;
    const tasks = batchTasks(graph, { 'core:publish': {}, 'web:publish': {} }, context);
    expect(tasks.find((t) => t.id === 'web:publish')?.dependsOn).toEqual(['core:publish']);
    expect(tasks.find((t) => t.id === 'core:publish')?.dependsOn).toEqual([]);
  });
});
