/**
 * Where the run's preflight hands the verified ID token to the run's tasks (Nx copies the
 * preflight's environment to them). Command children never see it: see util/command.ts.
 */
export const HANDED_TOKEN_ENV = 'MONOCHANGE_OIDC_TOKEN';
