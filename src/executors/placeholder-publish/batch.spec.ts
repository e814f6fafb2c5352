import { runPublishBatch } from '../../core/publish/run-batch';
import { collect, executorContext, outcomes, webDependsOnCore } from '../testing/nx-fixtures';
import type { PlaceholderPublishExecutorSchema } from './schema';
import placeholderPublishBatchExecutor from './batch';

jest.mock('../../core/publish/run-batch', () => ({ ...jest.requireActual('../../core/publish/run-batch'), runPublishBatch: jest.fn() }));
const runBatch = jest.mocked(runPublishBatch);

describe('placeholder-publish batch executor', () => {
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

  const inputs: Record<string, PlaceholderPublishExecutorSchema> = {
    'core:placeholder-publish': { package: 'core-pkg', configureTrust: true },
    'web:placeholder-publish': { output: 'out/web.json', dryRun: true },
  };

  it.each(['nx23', 'nx24'] as const)(
    'runs the placeholder batch with each task mapped to core options and its in-batch dependencies (%s graph)',
    async (format) => {
      const graph = webDependsOnCore('placeholder-publish', format);
      await collect(await placeholderPublishBatchExecutor(graph, inputs, {}, executorContext({ nxJsonConfiguration: { parallel: 4 } })));
      expect(runBatch).toHaveBeenCalledTimes(1);
      const [common, tasks] = runBatch.mock.calls[0];
      expect(common).toEqual({ root: '/ws', concurrency: 4, mode: 'placeholder' });
      expect(tasks).toEqual([
        {
          id: 'core:placeholder-publish',
          projectName: 'core',
          projectRoot: 'packages/core',
          options: { packageId: 'core-pkg', output: undefined, configureTrust: true, dryRun: false },
          dependsOn: [],
        },
        {
          id: 'web:placeholder-publish',
          projectName: 'web',
          projectRoot: 'packages/web',
          options: { packageId: undefined, output: 'out/web.json', configureTrust: undefined, dryRun: true },
          dependsOn: ['core:placeholder-publish'],
        },
      ]);
    },
  );

  it('makes every task a dry run under NX_DRY_RUN=true', async () => {
    process.env.NX_DRY_RUN = 'true';
    await collect(await placeholderPublishBatchExecutor(webDependsOnCore('placeholder-publish', 'nx24'), inputs, {}, executorContext()));
    expect(runBatch.mock.calls[0][1].map((t) => t.options.dryRun)).toEqual([true, true]);
  });

  it("streams the core's outcomes as Nx task results", async () => {
    runBatch.mockImplementation(() =>
      outcomes(
        { id: 'core:placeholder-publish', status: 'failure', terminalOutput: '❌ core: refused\n', startTime: 1, endTime: 2 },
        { id: 'web:placeholder-publish', status: 'success', terminalOutput: 'placeholder for web\n' },
      ),
    );
    const results = await collect(await placeholderPublishBatchExecutor(webDependsOnCore('placeholder-publish', 'nx23'), inputs, {}, executorContext()));
    expect(results).toEqual([
      { task: 'core:placeholder-publish', result: { success: false, status: 'failure', terminalOutput: '❌ core: refused\n', startTime: 1, endTime: 2 } },
      { task: 'web:placeholder-publish', result: { success: true, status: 'success', terminalOutput: 'placeholder for web\n' } },
    ]);
  });
});
