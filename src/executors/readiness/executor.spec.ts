import { runReadinessTask } from '../../core/readiness/run-task';
import { executorContext } from '../testing/nx-fixtures';
import readinessExecutor from './executor';

jest.mock('../../core/readiness/run-task', () => ({ runReadinessTask: jest.fn() }));
const runTask = jest.mocked(runReadinessTask);

describe('readiness executor', () => {
  const savedDryRun = process.env.NX_DRY_RUN;
  beforeEach(() => {
    delete process.env.NX_DRY_RUN;
    runTask.mockReset().mockResolvedValue({ success: true });
  });
  afterAll(() => {
    if (savedDryRun === undefined) delete process.env.NX_DRY_RUN;
    else process.env.NX_DRY_RUN = savedDryRun;
  });

  it('gives the core the project, the package, the version, the output and failOnBlocked', async () => {
    await readinessExecutor(
      { package: 'web-pkg', version: '1.2.3', output: 'out/readiness.json', failOnBlocked: false },
      executorContext({ projectName: 'web' }),
    );
    expect(runTask).toHaveBeenCalledTimes(1);
    expect(runTask).toHaveBeenCalledWith({
      root: '/ws',
      projectName: 'web',
      projectRoot: 'packages/web',
      packageId: 'web-pkg',
      version: '1.2.3',
      output: 'out/readiness.json',
      failOnBlocked: false,
    });
  });

  it('passes no dry-run flag, even under NX_DRY_RUN=true (readiness never publishes)', async () => {
    process.env.NX_DRY_RUN = 'true';
    await readinessExecutor({}, executorContext({ projectName: 'web' }));
    expect(runTask.mock.calls[0][0]).not.toHaveProperty('dryRun');
  });

  it('gives an empty project root for a project Nx does not list', async () => {
    await readinessExecutor({}, executorContext({ projectName: 'ghost' }));
    expect(runTask.mock.calls[0][0]).toMatchObject({ projectName: 'ghost', projectRoot: '' });
  });

  it('succeeds and fails as the core task does', async () => {
    await expect(readinessExecutor({}, executorContext({ projectName: 'web' }))).resolves.toEqual({ success: true });
    runTask.mockResolvedValue({ success: false });
    await expect(readinessExecutor({}, executorContext({ projectName: 'web' }))).resolves.toEqual({ success: false });
  });
});
