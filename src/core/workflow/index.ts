export * from './action-pins';
export * from './audit';
export * from './package-manager';
export * from './render-workflow';
export * from './toml-edit';
