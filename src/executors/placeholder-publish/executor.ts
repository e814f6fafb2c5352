import type { ExecutorContext } from '@nx/devkit';
import { runPlaceholderTask } from '../../core/publish/run-task';
import { packageRef, taskInputs } from '../task-inputs';
import type { PlaceholderPublishExecutorSchema } from './schema';

export default async function placeholderPublishExecutor(options: PlaceholderPublishExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  const result = await runPlaceholderTask({
    ...taskInputs(context, options.dryRun),
    ...packageRef(context, options.package),
    output: options.output,
    configureTrust: options.configureTrust,
  });
  return { success: result.success };
}
