import fs from 'node:fs/promises';
import path from 'node:path';
import { renderCommand, type CommandRunner, type CommandSpec } from '../../util/command';
import { redact } from '../../util/redact';
import { attemptFromResult, failedCommandMessage, summarizeOutput, type SummaryOptions } from '../command-attempt';
import { withTempDir } from '../support/temp-dir';
import type { PlaceholderRequest, PublishAttempt, PublishRequest } from '../types';
import { npmPublishSpec, npmUploadSpec, packSpec, prepublishOnlySpec, writeCredentialFreeNpmConfig, type NpmManager } from './commands';
import { NPM_AUTH_FIX, NPM_OUTPUT, isNpmAlreadyPublishedOutput, isNpmAuthFailureOutput } from './outcome';
import { npmBaseUrl } from './registry-url';

const MANAGER_NOISE = [/^(📦|Tarball Contents|Tarball Details)/u];
const NPM_SPAWN_FIX = 'install npm >= 11.5.1 (`npm install -g npm@latest`) and make sure it is on PATH';

export function npmOutcome(req: Pick<PublishRequest | PlaceholderRequest, 'env'>) {
  return {
    env: req.env,
    isAlreadyPublished: isNpmAlreadyPublishedOutput,
    isAuthFailure: isNpmAuthFailureOutput,
    authFix: NPM_AUTH_FIX,
    spawnFix: NPM_SPAWN_FIX,
    ...NPM_OUTPUT,
  };
}

/** Runs an `npm publish` spec and reads its outcome; `commandPrefix` shows the steps before it. */
export async function runNpmPublish(req: PublishRequest, runner: CommandRunner, spec: CommandSpec, what: string, commandPrefix = ''): Promise<PublishAttempt> {
  const command = `${commandPrefix}${renderCommand(spec, req.env)}`;
  req.log?.(`$ ${renderCommand(spec, req.env)}`);
  const result = await runner.run(spec);
  return attemptFromResult({
    ...npmOutcome(req),
    command,
    result,
    dryRun: req.dryRun,
    successMessage: req.dryRun ? `would publish ${what} to npm` : `published ${what} to npm`,
  });
}

/**
 * Two steps, so that package code never runs beside the OIDC variables: pack (lifecycle scripts
 * run here, without any credential variable), then `npm publish <tarball> --ignore-scripts`, the
 * only step granted the OIDC variables. Dry runs grant nothing.
 */
export async function packAndPublish(req: PublishRequest, runner: CommandRunner, manager: NpmManager): Promise<PublishAttempt> {
  return withTempDir(`${manager}-pack`, async (dir) => {
    const done: PreparationStep[] = [];
    let tarball: string | PublishAttempt;
    if (req.prepared?.artifact) {
      // Packed ahead with the rest of the batch (see batch-pack.ts).
      req.log?.(`$ ${req.prepared.command}`);
      done.push({ command: req.prepared.command, stdout: '', stderr: '' });
      tarball = req.prepared.artifact;
    } else {
      for (const step of preparationSteps(req, manager, dir)) {
        const failed = await runPreparation(req, runner, step, manager, done);
        if (failed) return failed;
      }
      tarball = await singleTarball(dir, done);
    }
    if (typeof tarball !== 'string') return tarball;
    const prefix = done.map((step) => `${step.command} && `).join('');
    const base = npmBaseUrl(req.env);
    const what = `${req.manifest.name} ${req.version}`;
    if (req.dryRun) {
      const spec = npmPublishSpec({ cwd: req.manifest.dir, base, target: tarball, provenance: req.provenance, dryRun: true, ignoreScripts: true });
      return runNpmPublish(req, runner, spec, what, prefix);
    }
    const config = await writeCredentialFreeNpmConfig(dir);
    const spec = npmUploadSpec({ dir, tarball, base, provenance: req.provenance, config, parentEnv: req.env });
    return runNpmPublish(req, runner, spec, what, prefix);
  });
}

/** `npm run prepublishOnly` (npm only, when the package has one), then the pack into `dir`. */
function preparationSteps(req: PublishRequest, manager: NpmManager, dir: string): CommandSpec[] {
  const prepublishOnly = manager === 'npm' ? prepublishOnlySpec(req.manifest.npm?.json, req.manifest.dir) : undefined;
  return [...(prepublishOnly ? [prepublishOnly] : []), packSpec(manager, req.manifest.dir, dir)];
}

interface PreparationStep {
  command: string;
  stdout: string;
  stderr: string;
}

/** Runs a step before the upload (prepublishOnly, pack); a failed attempt when it did not succeed. */
async function runPreparation(
  req: PublishRequest,
  runner: CommandRunner,
  spec: CommandSpec,
  manager: NpmManager,
  done: PreparationStep[],
): Promise<PublishAttempt | undefined> {
  const command = renderCommand(spec, req.env);
  req.log?.(`$ ${command}`);
  const result = await runner.run(spec);
  const step = { command, stdout: redact(result.stdout, req.env), stderr: redact(result.stderr, req.env) };
  done.push(step);
  if (!result.spawnError && !result.interrupted && result.exitCode === 0) return undefined;
  const message = result.spawnError
    ? `\`${command}\` could not start: ${redact(result.spawnError, req.env)}. Fix: ${spawnFix(spec.command)}`
    : result.interrupted
      ? `\`${command}\` was interrupted`
      : failedCommandMessage(command, result.exitCode, summarizeOutput(step.stderr, step.stdout, summaryOptions(manager)));
  return failedPreparation(message, done);
}

function spawnFix(tool: string): string {
  return tool === 'npm' ? NPM_SPAWN_FIX : `install ${tool} (the workspace's package manager) and make sure it is on PATH`;
}

function summaryOptions(manager: NpmManager): SummaryOptions {
  return manager === 'npm' ? { ...NPM_OUTPUT, noise: [...(NPM_OUTPUT.noise ?? []), ...MANAGER_NOISE] } : { noise: MANAGER_NOISE };
}

function failedPreparation(message: string, done: PreparationStep[]): PublishAttempt {
  const last = done[done.length - 1];
  return { status: 'failed', message, command: done.map((step) => step.command).join(' && '), stdout: last.stdout, stderr: last.stderr };
}

/** The one `.tgz` the pack step left in `dir`, or a failed attempt saying what it left instead. */
async function singleTarball(dir: string, done: PreparationStep[]): Promise<string | PublishAttempt> {
  const tarballs = (await fs.readdir(dir)).filter((file) => file.endsWith('.tgz'));
  if (tarballs.length === 1) return path.join(dir, tarballs[0]);
  const found = tarballs.length === 0 ? 'no tarball' : `${tarballs.length} tarballs (${tarballs.join(', ')})`;
  return failedPreparation(`\`${done[done.length - 1].command}\` succeeded but left ${found} in ${dir}; expected exactly one .tgz`, done);
}
