export * from './types';
export { parseConfig, LOOKUP_DEFAULTS, type ParseOptions } from './parse-config';
export { loadConfig, findWorkspaceConfig } from './load-config';
export { describeEffectiveSettings } from './describe-settings';
export { defaultPublishSettings } from './resolve-publish';
