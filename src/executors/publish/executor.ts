import type { ExecutorContext } from '@nx/devkit';
import { runPublishTask } from '../../core/publish/run-task';
import { packageRef, taskInputs } from '../task-inputs';
import type { PublishExecutorSchema } from './schema';

export default async function publishExecutor(options: PublishExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  const inputs = taskInputs(context, options.dryRun);
  const result = await runPublishTask({
    ...inputs,
    ...packageRef(context, options.package),
    version: options.version,
    releaseVersion: options.nxReleaseVersionData?.[inputs.projectName]?.newVersion,
    output: options.output,
  });
  return { success: result.success };
}
