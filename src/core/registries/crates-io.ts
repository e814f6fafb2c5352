import path from 'node:path';
import type { Manifest } from '../manifests/types';
import type { CommandRunner, CommandSpec } from '../util/command';
import type { FailureRules } from './support/command-step';
import { describeCommand, failedAttempt, isSuccess, outputFields, outputSummary, runStep } from './support/command-step';
import { withTempDir } from './support/temp-dir';
import type { PlaceholderRequest, PublishAttempt, PublishRequest, RegistryAdapter } from './types';
import { crateVersionExists } from './crates-io/lookup';
import { writeCargoPlaceholder } from './crates-io/placeholder-manifest';
import { cargoTarget, type CargoTarget } from './crates-io/publish-target';
import { CRATES_IO_API_ENV, DEFAULT_CRATES_IO_API, cratesApiUrl } from './crates-io/urls';

export { cargoReadinessBlockers } from './crates-io/readiness';
export { sparseIndexPath } from './crates-io/sparse-index';
export { CRATES_IO_API_ENV, CRATES_IO_INDEX_ENV, DEFAULT_CRATES_IO_API, DEFAULT_CRATES_IO_INDEX } from './crates-io/urls';

const LABEL = 'crates.io';
const ALREADY = /already uploaded|already exists/i;
const AUTH = /status 40[13]\b|unauthori[sz]ed|forbidden|no token found|please run `cargo login`|not an owner|don't seem to be an owner|invalid (api |upload )?token|token (is )?(expired|revoked|invalid)|authentication (failed|required)|permission denied/i;

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
    message: `publishing to the overridden crate index ${target.index} needs a token, and cargo only takes one on the command line with --index. Fix: set CARGO_REGISTRY_TOKEN for this run`,
  };
}

async function runCargo(spec: CommandSpec, target: CargoTarget, req: PublishRequest | PlaceholderRequest, runner: CommandRunner, what: { name: string; version: string; placeholder: boolean }): Promise<PublishAttempt> {
  const thing = `${what.placeholder ? 'placeholder ' : ''}${what.name} ${what.version}`;
  if (target.kind === 'index' && target.tokenMissing) return missingTokenAttempt(target, describeCommand(spec, req.env));
  const step = await runStep(runner, spec, req.env);
  const fields = outputFields([step]);
  if (isSuccess(step)) {
    return req.dryRun
      ? { status: 'planned', message: `would publish ${thing} to ${LABEL} (\`cargo publish --dry-run\` passed)`, ...fields }
      : { status: 'published', message: `published ${thing} to ${LABEL}`, ...fields };
  }
  // A release dry run fails when a crate depends on a version that this same run would publish
  // first, so it stays planned with the problem shown (reference §8.3). A placeholder has no such
  // dependencies: its dry-run failure is real.
  if (req.dryRun && !what.placeholder && !step.spawnError) {
    return { status: 'planned', message: `would publish ${thing} to ${LABEL}; the dry run reported: ${outputSummary(step)}`, ...fields };
  }
  return failedAttempt([step], failureRules(req.manifest), req.dryRun ? 'dry run' : '');
}

async function publish(req: PublishRequest, runner: CommandRunner): Promise<PublishAttempt> {
  const target = cargoTarget(req.env, req.dryRun, req.pkg.id);
  const args = ['publish', '--locked', '--manifest-path', path.resolve(req.manifest.file), ...target.args];
  if (req.dryRun) args.push('--dry-run');
  return runCargo({ command: 'cargo', args, cwd: req.manifest.dir }, target, req, runner, { name: req.manifest.name, version: req.version, placeholder: false });
}

async function publishPlaceholder(req: PlaceholderRequest, runner: CommandRunner): Promise<PublishAttempt> {
  const target = cargoTarget(req.env, req.dryRun, req.pkg.id);
  return withTempDir('cargo-placeholder', async (dir) => {
    await writeCargoPlaceholder(dir, req);
    // `cargo publish --dry-run` packages, builds and checks the index without uploading: side-effect free.
    const args = ['publish', '--allow-dirty', '--manifest-path', path.join(dir, 'Cargo.toml'), ...target.args];
    if (req.dryRun) args.push('--dry-run');
    return runCargo({ command: 'cargo', args, cwd: req.manifest.dir }, target, req, runner, { name: req.manifest.name, version: '0.0.0', placeholder: true });
  });
}

export const cratesIoRegistry: RegistryAdapter = {
  id: 'crates_io',
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
};
