import type { ExecutorContext } from '@nx/devkit';
import { runReadinessTask } from '../../core/readiness/run-task';
import { packageRef, taskInputs } from '../task-inputs';
import type { ReadinessExecutorSchema } from './schema';

export default async function readinessExecutor(options: ReadinessExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  const { dryRun: _ignored, ...inputs } = taskInputs(context);
  const result = await runReadinessTask({
    ...inputs,
    ...packageRef(context, options.package),
    version: options.version,
    output: options.output,
    failOnBlocked: options.failOnBlocked,
  });
  return { success: result.success };
}
