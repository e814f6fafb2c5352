/**
 * Nx loads the plugin entry in its plugin worker for every graph computation and every task run
 * (the task hooks), so importing it must not load the config validator, the parsers or Nx's
 * devkit: those are loaded by the first createNodes/createDependencies call that needs them.
 */
const HEAVY = ['zod', 'smol-toml', 'yaml', 'semver', 'semver/functions/valid', '@nx/devkit', 'nx/src/devkit-exports'];

describe('importing the plugin entry', () => {
  it('loads none of zod, smol-toml, yaml, semver or the Nx devkit', () => {
    const loaded: string[] = [];
    jest.isolateModules(() => {
      for (const name of HEAVY) {
        jest.doMock(name, () => {
          loaded.push(name);
          return {};
        });
      }
      const entry = require('../index') as typeof import('../index');
      expect(typeof entry.createDependencies).toBe('function');
      expect(entry.createNodes[0]).toMatch(/^\{monochange\.toml,/);
    });
    for (const name of HEAVY) jest.dontMock(name);
    expect(loaded).toEqual([]);
  });

  it('loads the TOML parser when a graph is computed (the check above can see a load), and not zod for a config of the common shape', async () => {
    const loaded: string[] = [];
    const { FIXTURE_WORKSPACE, nxMatchedFiles } = require('./testing/fixture-workspace') as typeof import('./testing/fixture-workspace');
    const watched = ['zod', 'smol-toml'];
    for (const name of watched) {
      jest.doMock(name, () => {
        loaded.push(name);
        return jest.requireActual(name);
      });
    }
    try {
      let entry: typeof import('../index') | undefined;
      jest.isolateModules(() => {
        entry = require('../index') as typeof import('../index');
      });
      expect(loaded).toEqual([]);
      const results = await entry!.createNodes[1](nxMatchedFiles(FIXTURE_WORKSPACE), {}, { nxJsonConfiguration: {}, workspaceRoot: FIXTURE_WORKSPACE });
      expect(Object.keys(results[0][1].projects!)).toHaveLength(15);
      expect(loaded.sort()).toEqual(['smol-toml']);
    } finally {
      for (const name of watched) jest.dontMock(name);
    }
  });
});
