import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Env } from '../../types';

/**
 * Which ID tokens this job has already used, by `jti`, so a token is accepted once: a replayed
 * token (handed to us again through a rewritten token endpoint) is refused like PyPI refuses a
 * reused one. One empty-ish file per token under the job's temp dir (`RUNNER_TEMP`, emptied by the
 * runner after each job); created with O_EXCL, so two processes cannot both claim the same token.
 *
 * A token that the run's preflight obtained and handed to the run's tasks is marked `handed`:
 * those tasks (and only while the mark is there) may verify it again.
 */
export type JtiClaim = 'fresh' | 'handed';

export function ledgerDir(env: Env): string {
  const base = env.RUNNER_TEMP && path.isAbsolute(env.RUNNER_TEMP) ? env.RUNNER_TEMP : os.tmpdir();
  return path.join(base, 'monochange-oidc-jti');
}

function entryPath(env: Env, jti: string): string {
  // Hashed: the file name never carries claim text, and any jti gives a safe name.
  return path.join(ledgerDir(env), createHash('sha256').update(jti).digest('hex'));
}

/** Records a freshly requested token; false when this jti was already used in this job. */
export function claimFreshJti(env: Env, jti: string, mark: JtiClaim = 'fresh'): boolean {
  const file = entryPath(env, jti);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    fs.writeFileSync(file, mark, { flag: 'wx', mode: 0o600 });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** A handed token is accepted only if the preflight that requested it marked it so. */
export function isHandedJti(env: Env, jti: string): boolean {
  try {
    return fs.readFileSync(entryPath(env, jti), 'utf8') === 'handed';
  } catch {
    return false;
  }
}

/**
 * GitLab hands the job its ID token in a variable (`id_tokens:`), the same token to every process
 * of the job: the Nx process and each task verify it in turn, so "once per process" cannot hold.
 * Instead each job (issuer + project id + job id, all from the verified token) accepts exactly one
 * token: the first verification records its jti, later ones in the job must present that same jti.
 * A second, different token in the same job is refused. A token of another job is already refused
 * by the job_id/CI_JOB_ID cross-check, so this ledger only has to tell tokens of one job apart.
 *
 * Where: `TMPDIR` (absolute) else os.tmpdir(). GitLab has no per-job temp dir like RUNNER_TEMP, and
 * CI_BUILDS_DIR holds the checkouts (on a shell executor, of every project, kept across jobs);
 * entries are keyed by job id, unique on an instance, so a temp dir kept across jobs is harmless.
 */
export function gitlabLedgerDir(env: Env): string {
  const base = env.TMPDIR && path.isAbsolute(env.TMPDIR) ? env.TMPDIR : os.tmpdir();
  return path.join(base, 'monochange-oidc-gitlab-jobs');
}

export function claimJobToken(env: Env, job: { issuer: string; projectId: string; jobId: string }, jti: string): boolean {
  const key = createHash('sha256').update(`${job.issuer}\n${job.projectId}\n${job.jobId}`).digest('hex');
  const file = path.join(gitlabLedgerDir(env), key);
  const mark = createHash('sha256').update(jti).digest('hex');
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    fs.writeFileSync(file, mark, { flag: 'wx', mode: 0o600 });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return fs.readFileSync(file, 'utf8') === mark;
  }
}
