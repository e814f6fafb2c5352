/** Scripts' entry to the core: readiness and publishing of declared packages by id, without Nx. */
export { checkReadiness, type CheckReadinessOptions, type CheckReadinessResult } from './check-readiness';
export { publishPackages, type PublishPackagesOptions, type PublishPackagesResult } from './publish-packages';
export type { PackageOutcome } from './outcomes';
