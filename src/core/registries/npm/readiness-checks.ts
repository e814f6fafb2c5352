import { npmChecks } from '../../readiness/checks/npm';
import { npmrcCheck } from '../../readiness/checks/npmrc';
import type { ReadinessCheck } from '../../readiness/types';

/** npm CLI version, the packed file list, entry points and the registry-side trusted publisher. */
export const npmReadinessChecks: ReadinessCheck = (ctx) => npmChecks(ctx);

/** The npmrc files npm loads: a credential there is used instead of (or after a failed) OIDC exchange. */
export const npmCredentialFileCheck = npmrcCheck;
