import { runPublishBatch } from '../../core/publish/run-batch';
import { collect, executorContext, outcomes, webDependsOnCore } from '../testing/nx-fixtures';
import type { PublishExecutorSchema } from './schema';
import publishBatchExecutor from './batch';

jest.mock('../../core/publish/run-batch', () => ({ ...jest.requireActual('../../core/publish/run-batch'), runPublishBatch: jest.fn() }));
const runBatch = jest.mocked(runPublishBatch);

describe('publish batch executor', () => {
  const saved = { NX_DRY_RUN: process.env.NX_DRY_RUN, MONOCHANGE_NX_PARALLEL: process.env.MONOCHANGE_NX_PARALLEL };
  beforeEach(() => {
    delete process.env.NX_DRY_RUN;
    delete process.env.MONOCHANGE_NX_PARALLEL;
    runBatch.mockReset().mockImplementation(() => outcomes());
  });
  afterAll(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  // nx release gives every task the versions of the whole run.
  const nxReleaseVersionData = { web: { newVersion: '1.1.0' }, core: { newVersion: '2.0.0' } };
  const inputs: Record<string, PublishExecutorSchema> = {
    'core:nx-release-publish': { package: 'core-pkg', nxReleaseVersionData },
    'web:nx-release-publish': { version: '0.3.0', output: 'out/web.json', dryRun: true, nxReleaseVersionData },
  };

  it.each(['nx23', 'nx24'] as const)(
    'runs the release batch with each task mapped to core options and its in-batch dependencies (%s graph)',
    async (format) => {
      await collect(
        await publishBatchExecutor(webDependsOnCore('nx-release-publish', format), inputs, {}, executorContext({ nxJsonConfiguration: { parallel: 5 } })),
      );
      expect(runBatch).toHaveBeenCalledTimes(1);
      const [common, tasks] = runBatch.mock.calls[0];
      expect(common).toEqual({ root: '/ws', concurrency: 5, mode: 'release' });
      expect(tasks).toEqual([
        {
          id: 'core:nx-release-publish',
          projectName: 'core',
          projectRoot: 'packages/core',
          options: { packageId: 'core-pkg', version: undefined, releaseVersion: '2.0.0', output: undefined, dryRun: false },
          dependsOn: [],
        },
        {
          id: 'web:nx-release-publish',
          projectName: 'web',
          projectRoot: 'packages/web',
          options: { packageId: undefined, version: '0.3.0', releaseVersion: '1.1.0', output: 'out/web.json', dryRun: true },
          dependsOn: ['core:nx-release-publish'],
        },
      ]);
    },
  );

  it('makes every task a dry run under NX_DRY_RUN=true', async () => {
    process.env.NX_DRY_RUN = 'true';
    await collect(await publishBatchExecutor(webDependsOnCore('nx-release-publish', 'nx23'), inputs, {}, executorContext()));
    expect(runBatch.mock.calls[0][1].map((t) => t.options.dryRun)).toEqual([true, true]);
  });

  it('uploads --parallel at a time (MONOCHANGE_NX_PARALLEL) before nx.json, and 3 when neither says', async () => {
    process.env.MONOCHANGE_NX_PARALLEL = '2';
    await collect(
      await publishBatchExecutor(webDependsOnCore('nx-release-publish', 'nx23'), inputs, {}, executorContext({ nxJsonConfiguration: { parallel: 5 } })),
    );
    delete process.env.MONOCHANGE_NX_PARALLEL;
    await collect(await publishBatchExecutor(webDependsOnCore('nx-release-publish', 'nx23'), inputs, {}, executorContext()));
    expect(runBatch.mock.calls.map(([common]) => common.concurrency)).toEqual([2, 3]);
  });

  it("streams the core's outcomes as Nx task results", async () => {
    runBatch.mockImplementation(() =>
      outcomes(
        { id: 'core:nx-release-publish', status: 'success', terminalOutput: 'published core\n', startTime: 10, endTime: 20 },
        { id: 'web:nx-release-publish', status: 'skipped', terminalOutput: 'core failed\n' },
      ),
    );
    const results = await collect(await publishBatchExecutor(webDependsOnCore('nx-release-publish', 'nx23'), inputs, {}, executorContext()));
    expect(results).toEqual([
      { task: 'core:nx-release-publish', result: { success: true, status: 'success', terminalOutput: 'published core\n', startTime: 10, endTime: 20 } },
      { task: 'web:nx-release-publish', result: { success: false, status: 'skipped', terminalOutput: 'core failed\n' } },
    ]);
  });
});
