import path from 'node:path';
import type { CommandRunner, CommandSpec } from '../../util/command';
import { describeCommand } from '../support/command-step';
import type { PreparedUploads, PublishRequest } from '../types';
import { cargoTarget, describeTargetEnv } from './publish-target';

/**
 * One `cargo publish --dry-run -p a -p b …` for the crates of a batch instead of a verify run per
 * crate: cargo packages them all and verify-builds each against the others' packaged sources (so a
 * crate verifies before the crates it depends on are uploaded), granted no credential. Each crate
 * then uploads with `cargo publish --no-verify`. When the shared verify fails (or the crates are
 * not in one Cargo workspace), every crate verifies itself, so the failure is its own.
 */
export async function prepareCargoUploads(reqs: PublishRequest[], runner: CommandRunner): Promise<PreparedUploads> {
  const none: PreparedUploads = { uploads: reqs.map(() => undefined), dispose: async () => undefined };
  if (reqs.length < 2 || reqs.some((r) => r.dryRun)) return none;
  const first = reqs[0];
  const target = cargoTarget(first.env, false, first.pkg.id);
  const spec = batchVerifySpec(
    reqs.map((r) => r.manifest.name),
    path.resolve(first.manifest.file),
    first.manifest.dir,
    target,
  );
  const result = await runner.run(spec);
  if (result.spawnError || result.interrupted || result.exitCode !== 0) return none;
  const command = `${describeTargetEnv(target)}${describeCommand(spec, first.env)}`;
  return {
    uploads: reqs.map(() => ({ command })),
    dispose: async () => undefined,
  };
}

function batchVerifySpec(crates: string[], manifestPath: string, cwd: string, target: ReturnType<typeof cargoTarget>): CommandSpec {
  return {
    command: 'cargo',
    args: ['publish', '--locked', '--manifest-path', manifestPath, ...crates.flatMap((name) => ['-p', name]), ...target.args, '--dry-run'],
    cwd,
    env: target.env,
  };
}
