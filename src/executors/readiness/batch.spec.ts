import { runReadinessBatch } from '../../core/readiness/run-batch';
import { collect, executorContext, outcomes, webDependsOnCore } from '../testing/nx-fixtures';
import type { ReadinessExecutorSchema } from './schema';
import readinessBatchExecutor from './batch';

jest.mock('../../core/readiness/run-batch', () => ({ runReadinessBatch: jest.fn() }));
const runBatch = jest.mocked(runReadinessBatch);

describe('readiness batch executor', () => {
  beforeEach(() => {
    runBatch.mockReset().mockImplementation(() => outcomes());
  });

  const inputs: Record<string, ReadinessExecutorSchema> = {
    'core:publish-readiness': { package: 'core-pkg', version: '2.0.0', failOnBlocked: false },
    'web:publish-readiness': { output: 'out/web.json' },
  };

  it.each(['nx23', 'nx24'] as const)('runs every readiness task in one batch, each mapped to core options (%s graph)', async (format) => {
    await collect(await readinessBatchExecutor(webDependsOnCore('publish-readiness', format), inputs, {}, executorContext()));
    expect(runBatch).toHaveBeenCalledTimes(1);
    const [common, tasks] = runBatch.mock.calls[0];
    expect(common).toEqual({ root: '/ws' });
    expect(tasks).toEqual([
      {
        id: 'core:publish-readiness',
        projectName: 'core',
        projectRoot: 'packages/core',
        options: { packageId: 'core-pkg', version: '2.0.0', output: undefined, failOnBlocked: false },
        dependsOn: [],
      },
      {
        id: 'web:publish-readiness',
        projectName: 'web',
        projectRoot: 'packages/web',
        options: { packageId: undefined, version: undefined, output: 'out/web.json', failOnBlocked: undefined },
        dependsOn: ['core:publish-readiness'],
      },
    ]);
  });

  it("streams the core's outcomes as Nx task results", async () => {
    runBatch.mockImplementation(() =>
      outcomes(
        { id: 'web:publish-readiness', status: 'success', terminalOutput: 'web ready\n', startTime: 5, endTime: 9 },
        { id: 'core:publish-readiness', status: 'failure', terminalOutput: 'core blocked\n' },
      ),
    );
    const results = await collect(await readinessBatchExecutor(webDependsOnCore('publish-readiness', 'nx23'), inputs, {}, executorContext()));
    expect(results).toEqual([
      { task: 'web:publish-readiness', result: { success: true, status: 'success', terminalOutput: 'web ready\n', startTime: 5, endTime: 9 } },
      { task: 'core:publish-readiness', result: { success: false, status: 'failure', terminalOutput: 'core blocked\n' } },
    ]);
  });
});
