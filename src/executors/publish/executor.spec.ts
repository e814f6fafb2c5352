import { runPublishTask } from '../../core/publish/run-task';
import { executorContext } from '../testing/nx-fixtures';
import publishExecutor from './executor';

jest.mock('../../core/publish/run-task', () => ({ runPublishTask: jest.fn() }));
const runTask = jest.mocked(runPublishTask);

describe('publish executor', () => {
  const savedDryRun = process.env.NX_DRY_RUN;
  beforeEach(() => {
    delete process.env.NX_DRY_RUN;
    runTask.mockReset().mockResolvedValue({ success: true });
  });
  afterAll(() => {
    if (savedDryRun === undefined) delete process.env.NX_DRY_RUN;
    else process.env.NX_DRY_RUN = savedDryRun;
  });

  it("a `package` option naming an Nx project also hands over that project's root, so the package at that path is found", async () => {
    await publishExecutor({ package: 'core' }, executorContext({ projectName: 'web' }));
    expect(runTask).toHaveBeenCalledWith(expect.objectContaining({ packageId: 'core', packageProjectRoot: 'packages/core', projectName: 'web' }));
  });

  it("gives the core the project, the package, the version and this project's version from nx release", async () => {
    await publishExecutor(
      {
        package: 'web-pkg',
        version: '1.0.0',
        output: 'out/publish.json',
        nxReleaseVersionData: { web: { currentVersion: '1.0.0', newVersion: '1.1.0' }, core: { newVersion: '9.9.9' } },
      },
      executorContext({ projectName: 'web' }),
    );
    expect(runTask).toHaveBeenCalledTimes(1);
    expect(runTask).toHaveBeenCalledWith({
      root: '/ws',
      projectName: 'web',
      projectRoot: 'packages/web',
      packageId: 'web-pkg',
      version: '1.0.0',
      releaseVersion: '1.1.0',
      output: 'out/publish.json',
      dryRun: false,
    });
  });

  it('passes no release version when nx release did not version the project', async () => {
    await publishExecutor({ nxReleaseVersionData: { core: { newVersion: '2.0.0' } } }, executorContext({ projectName: 'web' }));
    expect(runTask.mock.calls[0][0].releaseVersion).toBeUndefined();
    await publishExecutor({ nxReleaseVersionData: { web: { newVersion: null } } }, executorContext({ projectName: 'web' }));
    expect(runTask.mock.calls[1][0].releaseVersion).toBeNull();
  });

  it.each([
    ['the dryRun option', true, undefined, true],
    ['NX_DRY_RUN=true (nx release publish --dry-run)', undefined, 'true', true],
    ['NX_DRY_RUN other than "true"', undefined, 'false', false],
    ['neither', false, undefined, false],
  ])('dry run from %s', async (_what, dryRun, env, expected) => {
    if (env !== undefined) process.env.NX_DRY_RUN = env;
    await publishExecutor({ dryRun }, executorContext({ projectName: 'web' }));
    expect(runTask.mock.calls[0][0].dryRun).toBe(expected);
  });

  it('succeeds and fails as the core task does', async () => {
    await expect(publishExecutor({}, executorContext({ projectName: 'web' }))).resolves.toEqual({ success: true });
    runTask.mockResolvedValue({ success: false, error: 'refused' });
    await expect(publishExecutor({}, executorContext({ projectName: 'web' }))).resolves.toEqual({ success: false });
  });
});
