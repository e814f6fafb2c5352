/**
 * The Nx-free publish core of @monochange/nx (`require('@monochange/nx/core')`): config, artifact
 * schemas, the task runners the executors wrap, and `checkReadiness` / `publishPackages` (declared
 * packages by id, in dependency order) for scripts and other tools.
 */
export * from './types';
export { MonochangeError, formatError, isMonochangeError } from './errors';
export { loadConfig, parseConfig, findWorkspaceConfig, describeEffectiveSettings } from './config';
export type { MonochangeConfig, PackageConfig, PublishSettings, SourceConfig } from './config/types';
export { readManifest } from './manifests';
export type { Manifest } from './manifests/types';
export { REGISTRIES, registryAdapter } from './registries';
export type { RegistryAdapter } from './registries/types';
export {
  publishResultSchema,
  readinessSchema,
  publishEntrySchema,
  readinessEntrySchema,
  DEFAULT_PUBLISH_RESULT_PATH,
  DEFAULT_PLACEHOLDER_RESULT_PATH,
  DEFAULT_READINESS_PATH,
  type PublishResult,
  type PublishEntry,
  type Readiness,
  type ReadinessEntry,
} from './run/artifact-schema';
export { runPublishTask, runPlaceholderTask, type TaskResult } from './publish/run-task';
export type { TaskOptions } from './run/task-options';
export { runReadinessTask } from './readiness/run-task';
export {
  checkReadiness,
  publishPackages,
  type CheckReadinessOptions,
  type CheckReadinessResult,
  type PublishPackagesOptions,
  type PublishPackagesResult,
  type PackageOutcome,
} from './api';
export { auditWorkflow, auditWorkflowFile } from './workflow/audit';
