import { runPlaceholderTask } from '../../core/publish/run-task';
import { executorContext } from '../testing/nx-fixtures';
import placeholderPublishExecutor from './executor';

jest.mock('../../core/publish/run-task', () => ({ runPlaceholderTask: jest.fn() }));
const runTask = jest.mocked(runPlaceholderTask);

describe('placeholder-publish executor', () => {
  const savedDryRun = process.env.NX_DRY_RUN;
  beforeEach(() => {
    delete process.env.NX_DRY_RUN;
    runTask.mockReset().mockResolvedValue({ success: true });
  });
  afterAll(() => {
    if (savedDryRun === undefined) delete process.env.NX_DRY_RUN;
    else process.env.NX_DRY_RUN = savedDryRun;
  });

  it('gives the core the project, the package, the output and whether to configure trust', async () => {
    await placeholderPublishExecutor({ package: 'web-pkg', output: 'out/placeholders.json', configureTrust: true }, executorContext({ projectName: 'web' }));
    expect(runTask).toHaveBeenCalledTimes(1);
    expect(runTask).toHaveBeenCalledWith({
      root: '/ws',
      projectName: 'web',
      projectRoot: 'packages/web',
      packageId: 'web-pkg',
      output: 'out/placeholders.json',
      configureTrust: true,
      dryRun: false,
    });
  });

  it.each([
    ['the dryRun option', true, undefined, true],
    ['NX_DRY_RUN=true', undefined, 'true', true],
    ['neither', false, 'false', false],
  ])('dry run from %s', async (_what, dryRun, env, expected) => {
    if (env !== undefined) process.env.NX_DRY_RUN = env;
    await placeholderPublishExecutor({ dryRun }, executorContext({ projectName: 'web' }));
    expect(runTask.mock.calls[0][0].dryRun).toBe(expected);
  });

  it('succeeds and fails as the core task does', async () => {
    await expect(placeholderPublishExecutor({}, executorContext({ projectName: 'web' }))).resolves.toEqual({ success: true });
    runTask.mockResolvedValue({ success: false, error: 'refused' });
    await expect(placeholderPublishExecutor({}, executorContext({ projectName: 'web' }))).resolves.toEqual({ success: false });
  });
});
