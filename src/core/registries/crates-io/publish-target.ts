import { MonochangeError } from '../../errors';
import type { Env } from '../../types';
import { CRATES_IO_API_ENV, CRATES_IO_INDEX_ENV, cratesApiOverridden, cratesIndexOverridden, cratesIndexUrl } from './urls';

export type CargoTarget =
  | { kind: 'crates.io'; args: string[] }
  | { kind: 'index'; args: string[]; index: string; tokenMissing: boolean };

/**
 * Where `cargo publish` uploads: crates.io, or the overridden sparse index (whose `config.json`
 * names the upload API). Lookups and uploads must reach the same place, so overriding only one of
 * the two URLs is refused.
 *
 * Cargo accepts `--index` but then insists on `--token` on the command line for real uploads
 * (it ignores CARGO_REGISTRY_TOKEN there), so the token from CARGO_REGISTRY_TOKEN is passed on;
 * rendered commands redact it. `--index` (unlike a named `--registry`) keeps crates whose
 * `publish = ["crates-io"]` publishable to the override.
 */
export function cargoTarget(env: Env, dryRun: boolean, packageId: string): CargoTarget {
  const index = cratesIndexOverridden(env);
  const api = cratesApiOverridden(env);
  if (index !== api) {
    const set = index ? CRATES_IO_INDEX_ENV : CRATES_IO_API_ENV;
    const unset = index ? CRATES_IO_API_ENV : CRATES_IO_INDEX_ENV;
    throw new MonochangeError(`\`${packageId}\`: ${set} is set but ${unset} is not, so lookups and \`cargo publish\` would talk to different registries`, {
      key: packageId,
      code: 'registry.override-mismatch',
      fix: `set both ${CRATES_IO_API_ENV} (…/api/v1) and ${CRATES_IO_INDEX_ENV} (the sparse index whose config.json names that API), or neither`,
    });
  }
  if (!index) return { kind: 'crates.io', args: [] };
  const indexUrl = cratesIndexUrl(env);
  const args = ['--index', `sparse+${indexUrl}/`];
  const token = env.CARGO_REGISTRY_TOKEN?.trim();
  if (!dryRun && token) args.push('--token', token);
  return { kind: 'index', args, index: indexUrl, tokenMissing: !dryRun && !token };
}
