export * from './types';
export { detectCiIdentity, NO_PROVIDER_REASON, type DetectOptions } from './detect';
export { parseWorkflowRef, workflowPathFromRef, type WorkflowRef } from './workflow-ref';
export { readJobEnvironment } from './workflow-environment';
