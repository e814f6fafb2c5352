/**
 * The Nx-free publish core of @monochange/nx (`require('@monochange/nx/core')`): config, artifact
 * schemas and the task runners the executors wrap, for scripts and other tools.
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
} from './publish/artifacts';
export { runPublishTask, runPlaceholderTask, type TaskOptions, type TaskResult } from './publish/run-task';
export { runReadinessTask } from './readiness/run-task';
export { auditWorkflow, auditWorkflowFile } from './workflow/audit';
