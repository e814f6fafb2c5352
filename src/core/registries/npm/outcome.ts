import type { SummaryOptions } from '../command-attempt';

/** How npm (and pnpm) say "this version is already there" and "you may not publish this". */

const ALREADY_PUBLISHED: RegExp[] = [
  /cannot publish over (the )?previously published version/i,
  /previously published version/i,
  /\bEPUBLISHCONFLICT\b/,
  /\bE409\b/,
  /\b409 Conflict\b/i,
  /ERR_PNPM_FAILED_TO_PUBLISH[\s\S]*\b409\b/,
  /this package is already present/i,
];

export function isNpmAlreadyPublishedOutput(output: string): boolean {
  return ALREADY_PUBLISHED.some((re) => re.test(output));
}

/**
 * ENEEDAUTH, E401, EOTP, E403 (unless it is npm's "previously published" 403) and E404 on the
 * publish PUT (npm answers 404 when the token may not write the package, e.g. a failed OIDC exchange).
 */
export function isNpmAuthFailureOutput(output: string): boolean {
  if (isNpmAlreadyPublishedOutput(output)) return false;
  if (/\bENEEDAUTH\b|\bE401\b|\b401 Unauthorized\b|\bEOTP\b/i.test(output)) return true;
  if (/\bE403\b|\b403 Forbidden\b/i.test(output)) return true;
  return /\bE404\b[\s\S]*\bPUT\b|\b404 Not Found - PUT\b/i.test(output);
}

export const NPM_AUTH_FIX =
  "npm refused the credentials. For trusted publishing (OIDC): the package's trusted publisher on npmjs.com must name exactly this repository, workflow file and environment; " +
  'the job needs `permissions: id-token: write`; npm must be >= 11.5.1 (run `npm install -g npm@latest` in the workflow); ' +
  'and no `.npmrc` (project, user or the one written by actions/setup-node) may leave an `_authToken` that is used instead of OIDC';

/** What `summarizeOutput` leaves out of npm's output (notices, log-file pointers, "log in again" hints) and the `npm error ` prefix. */
export const NPM_OUTPUT: SummaryOptions = {
  noise: [
    /^npm (notice|warn|verbose|info|http|timing)\b/,
    /A complete log of this run can be found in/i,
    /Log files were not written/i,
    /^npm (error|ERR!)\s*$/,
    /try logging in again with:?$/i,
    /^npm (error|ERR!)\s+npm (login|adduser)\b/,
  ],
  linePrefix: /^npm (error|ERR!)\s*/,
};
