/**
 * Nx plugin entry of @monochange/nx (register `"@monochange/nx"` in nx.json `plugins`).
 * Kept light: Nx loads this module on every graph computation.
 */
export { createNodes, createNodesV2 } from './plugin/create-nodes';
export { createDependencies } from './plugin/create-dependencies';
export type { MonochangePluginOptions } from './plugin/options';
export { preTasksExecution, postTasksExecution } from './plugin/tasks-hooks';
