import type { Env } from '../../types';
import { renderCommand, type CommandRunner, type CommandSpec } from '../../util/command';
import { maskUserinfo } from '../../util/argv-guard';
import { redact } from '../../util/redact';
import { commandEnd, commandFailure, withFix } from '../command-attempt';
import type { PublishAttempt } from '../types';

/** One executed command with its output, already redacted. */
export interface StepResult {
  command: string;
  cwd: string;
  exitCode: number;
  stdout: string;
  stderr: string;
  spawnError?: string;
  interrupted?: boolean;
}

export function isSuccess(step: StepResult): boolean {
  return step.exitCode === 0 && !step.spawnError && !step.interrupted;
}

const SECRET_FLAGS = new Set(['--token', '--password']);

/** Renders a command for messages: argv joined, credentials (env values, `--token <v>`, URL userinfo) redacted. */
export function describeCommand(spec: Pick<CommandSpec, 'command' | 'args' | 'env'>, env: Env): string {
  const mask = 'MONOCHANGE_REDACTED_ARG';
  const args = spec.args.map((arg, i) => (i > 0 && SECRET_FLAGS.has(spec.args[i - 1]) ? mask : maskUserinfo(arg)));
  return renderCommand({ command: spec.command, args }, { ...env, ...spec.env })
    .split(mask)
    .join('***');
}

export async function runStep(runner: CommandRunner, spec: CommandSpec, env: Env): Promise<StepResult> {
  const secretsEnv = { ...env, ...spec.env };
  const result = await runner.run(spec);
  return {
    command: describeCommand(spec, env),
    cwd: spec.cwd,
    exitCode: result.exitCode,
    stdout: redact(result.stdout.trim(), secretsEnv),
    stderr: redact(result.stderr.trim(), secretsEnv),
    spawnError: result.spawnError ? redact(result.spawnError, secretsEnv) : undefined,
    interrupted: result.interrupted,
  };
}

/** What a registry adapter knows about its tool's failure output. */
export interface FailureRules {
  /** Name of the program, for "not installed" messages. */
  tool: string;
  /** How to get the tool, e.g. `install uv: https://docs.astral.sh/uv/`. */
  installHint: string;
  isAlreadyPublished(output: string): boolean;
  /** What to fix when the output shows an authentication/permission failure; undefined otherwise. */
  authFix(output: string): string | undefined;
}

/** Output fields of an attempt (empty strings omitted). */
export function outputFields(steps: StepResult[]): Pick<PublishAttempt, 'command' | 'stdout' | 'stderr'> {
  const out: Pick<PublishAttempt, 'command' | 'stdout' | 'stderr'> = {};
  const command = steps.map((s) => s.command).join(' && ');
  const stdout = steps
    .map((s) => s.stdout)
    .filter(Boolean)
    .join('\n');
  const stderr = steps
    .map((s) => s.stderr)
    .filter(Boolean)
    .join('\n');
  if (command) out.command = command;
  if (stdout) out.stdout = stdout;
  if (stderr) out.stderr = stderr;
  return out;
}

/** A `failed` attempt for the last (failing) step, read by `commandEnd` ("already exists", authentication). */
export function failedAttempt(steps: StepResult[], rules: FailureRules, prefix = ''): PublishAttempt {
  const step = steps[steps.length - 1];
  const fields = outputFields(steps);
  const lead = prefix ? `${prefix}: ` : '';
  const end = commandEnd(step, rules);
  if (end.kind === 'spawn-error') {
    return {
      status: 'failed',
      message: `${lead}could not run \`${step.command}\` in ${step.cwd}: ${end.error}. Fix: ${rules.installHint}, and make sure \`${rules.tool}\` is on PATH`,
      ...fields,
    };
  }
  if (end.kind === 'interrupted') return { status: 'failed', message: `${lead}\`${step.command}\` was interrupted`, ...fields };
  const failed = end.kind === 'failed' ? end : { alreadyExists: false, authFix: undefined };
  const message = `${lead}${commandFailure(step.command, step)}`;
  return {
    status: 'failed',
    message: failed.authFix ? withFix(message, failed.authFix) : message,
    ...fields,
    ...(failed.alreadyExists ? { alreadyExists: true } : {}),
    ...(failed.authFix !== undefined ? { authFailure: true } : {}),
  };
}
