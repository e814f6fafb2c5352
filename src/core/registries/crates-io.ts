import path from 'node:path';
import type { Manifest } from '../manifests/types';
import type { Env } from '../types';
import type { CommandRunner, CommandSpec } from '../util/command';
import type { FailureRules, StepResult } from './support/command-step';
import { describeCommand, failedAttempt, isSuccess, outputFields, runStep } from './support/command-step';
import { commandFailure } from './command-attempt';
import { withTempDir } from './support/temp-dir';
import type { PlaceholderRequest, PublishAttempt, PublishRequest, RegistryAdapter } from './types';
import { crateVersionExists } from './crates-io/lookup';
import { writeCargoPlaceholder } from './crates-io/placeholder-manifest';
import { cargoTarget, describeTargetEnv, type CargoTarget } from './crates-io/publish-target';
import { CRATES_IO_API_ENV, DEFAULT_CRATES_IO_API, cratesApiUrl } from './crates-io/urls';
import { cratesIoTrustRules } from './crates-io/trust-rules';
import { cratesIoRateLimit, crateVersionPageUrl } from './crates-io/policy';
import { cargoReadinessBlockers } from './crates-io/readiness';
import { prepareCargoUploads } from './crates-io/batch-verify';
import { cratesIoReadinessChecks } from './crates-io/readiness-checks';

export { cargoReadinessBlockers } from './crates-io/readiness';
export { sparseIndexPath } from './crates-io/sparse-index';
export { CRATES_IO_API_ENV, CRATES_IO_INDEX_ENV, DEFAULT_CRATES_IO_API, DEFAULT_CRATES_IO_INDEX } from './crates-io/urls';

const LABEL = 'crates.io';
const ALREADY = /already uploaded|already exists/i;
const AUTH =
  /status 40[13]\b|unauthori[sz]ed|forbidden|no token found|please run `cargo login`|not an owner|don't seem to be an owner|invalid (api |upload )?token|token (is )?(expired|revoked|invalid)|authentication (failed|required)|permission denied/i;

function setupUrl(manifest: Manifest): string {
  return `https://crates.io/crates/${encodeURIComponent(manifest.name)}`;
}

function failureRules(manifest: Manifest): FailureRules {
  return {
    tool: 'cargo',
    installHint: 'install Rust and cargo (https://rustup.rs)',
    isAlreadyPublished: (output) => ALREADY.test(output),
    authFix: (output) =>
      AUTH.test(output)
        ? `crates.io refused the credentials for ${manifest.name}: with trusted publishing, add this repository and workflow on ${setupUrl(manifest)} (Settings → Trusted Publishing) and exchange the OIDC token with rust-lang/crates-io-auth-action into CARGO_REGISTRY_TOKEN; otherwise set CARGO_REGISTRY_TOKEN to a token allowed to publish ${manifest.name}`
        : undefined,
  };
}

function missingTokenAttempt(target: Extract<CargoTarget, { kind: 'index' }>, command: string): PublishAttempt {
  return {
    status: 'failed',
    authFailure: true,
    command,
    message: `publishing to the overridden crate index ${target.index} needs a token. Fix: set CARGO_REGISTRY_TOKEN for this run (cargo receives it as ${target.tokenVariable}, never on the command line)`,
  };
}

/** One crate to publish: `publish` with the crate's own arguments, and where to. */
interface CargoPublish {
  args: string[];
  cwd: string;
  target: CargoTarget;
  what: { name: string; version: string; placeholder: boolean };
}

function describeCrate(what: CargoPublish['what']): string {
  return `${what.placeholder ? 'placeholder ' : ''}${what.name} ${what.version}`;
}

/** `cargo publish --dry-run`: packages and verify-builds the crate (build.rs runs), uploads nothing, is granted no credential. */
function verifySpec(p: CargoPublish): CommandSpec {
  return { command: 'cargo', args: [...p.args, ...p.target.args, '--dry-run'], cwd: p.cwd, env: p.target.env };
}

/** `cargo publish --no-verify`: packages again without building and uploads; the only step granted the token (by environment). */
function uploadSpec(p: CargoPublish): CommandSpec {
  const [subcommand, ...rest] = p.args;
  return {
    command: 'cargo',
    args: [subcommand, '--no-verify', ...rest, ...p.target.args],
    cwd: p.cwd,
    env: { ...p.target.env, ...p.target.uploadEnv },
    credentials: [p.target.tokenVariable],
  };
}

async function runCargoStep(runner: CommandRunner, spec: CommandSpec, p: CargoPublish, env: Env): Promise<StepResult> {
  const step = await runStep(runner, spec, env);
  return { ...step, command: `${describeTargetEnv(p.target)}${step.command}` };
}

async function dryRunCargo(p: CargoPublish, req: PublishRequest | PlaceholderRequest, runner: CommandRunner): Promise<PublishAttempt> {
  const step = await runCargoStep(runner, verifySpec(p), p, req.env);
  const fields = outputFields([step]);
  const thing = describeCrate(p.what);
  if (isSuccess(step)) return { status: 'planned', message: `would publish ${thing} to ${LABEL} (\`cargo publish --dry-run\` passed)`, ...fields };
  // A release dry run fails when a crate depends on a version that this same run would publish
  // first, so it stays planned with the problem shown. A placeholder has no such
  // dependencies: its dry-run failure is real.
  if (!p.what.placeholder && !step.spawnError) {
    return { status: 'planned', message: `would publish ${thing} to ${LABEL}; ${commandFailure(step.command, step)}`, ...fields };
  }
  return failedAttempt([step], failureRules(req.manifest), 'dry run');
}

/** Verify without credentials, then upload with the token only: build.rs never runs beside the token. */
async function publishCargo(p: CargoPublish, req: PublishRequest | PlaceholderRequest, runner: CommandRunner): Promise<PublishAttempt> {
  if (req.dryRun) return dryRunCargo(p, req, runner);
  if (p.target.kind === 'index' && p.target.tokenMissing) {
    return missingTokenAttempt(p.target, `${describeTargetEnv(p.target)}${describeCommand(uploadSpec(p), req.env)}`);
  }
  // Verified ahead with the rest of the batch (see crates-io/batch-verify.ts), else here.
  const prepared = 'prepared' in req ? req.prepared : undefined;
  const verified: StepResult = prepared
    ? { command: prepared.command, cwd: p.cwd, exitCode: 0, stdout: '', stderr: '' }
    : await runCargoStep(runner, verifySpec(p), p, req.env);
  if (!isSuccess(verified)) return failedAttempt([verified], failureRules(req.manifest), 'verify');
  const uploaded = await runCargoStep(runner, uploadSpec(p), p, req.env);
  if (!isSuccess(uploaded)) return failedAttempt([verified, uploaded], failureRules(req.manifest));
  return { status: 'published', message: `published ${describeCrate(p.what)} to ${LABEL}`, ...outputFields([verified, uploaded]) };
}

async function publish(req: PublishRequest, runner: CommandRunner): Promise<PublishAttempt> {
  const target = cargoTarget(req.env, req.dryRun, req.pkg.id);
  const args = ['publish', '--locked', '--manifest-path', path.resolve(req.manifest.file)];
  return publishCargo({ args, cwd: req.manifest.dir, target, what: { name: req.manifest.name, version: req.version, placeholder: false } }, req, runner);
}

async function publishPlaceholder(req: PlaceholderRequest, runner: CommandRunner): Promise<PublishAttempt> {
  const target = cargoTarget(req.env, req.dryRun, req.pkg.id);
  return withTempDir('cargo-placeholder', async (dir) => {
    await writeCargoPlaceholder(dir, req);
    const args = ['publish', '--allow-dirty', '--manifest-path', path.join(dir, 'Cargo.toml')];
    return publishCargo({ args, cwd: req.manifest.dir, target, what: { name: req.manifest.name, version: '0.0.0', placeholder: true } }, req, runner);
  });
}

export const cratesIoRegistry: RegistryAdapter = {
  id: 'crates_io',
  trust: cratesIoTrustRules,
  label: LABEL,
  baseUrlEnv: CRATES_IO_API_ENV,
  defaultBaseUrl: DEFAULT_CRATES_IO_API,
  baseUrl: cratesApiUrl,
  registryName: (manifest) => manifest.name,
  versionExists: (manifest, version, ctx) => crateVersionExists(manifest.name, version, ctx),
  publish,
  publishPlaceholder,
  setupUrl,
  isAlreadyPublishedOutput: (output) => ALREADY.test(output),
  requiredTools: () => ['cargo'],
  rateLimit: cratesIoRateLimit,
  versionPageUrl: crateVersionPageUrl,
  manifestBlockers: cargoReadinessBlockers,
  prepareUploads: prepareCargoUploads,
  prepareAllAtOnce: true,
  readinessChecks: cratesIoReadinessChecks,
};
