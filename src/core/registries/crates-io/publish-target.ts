import { MonochangeError } from '../../errors';
import type { Env } from '../../types';
import { CRATES_IO_API_ENV, CRATES_IO_INDEX_ENV, cratesApiOverridden, cratesIndexOverridden, cratesIndexUrl } from './urls';

/** The name cargo knows an overridden index by: `--registry` plus CARGO_REGISTRIES_<NAME>_INDEX/_TOKEN. */
export const OVERRIDE_REGISTRY = 'monochange-override';
const OVERRIDE_ENV_PREFIX = 'CARGO_REGISTRIES_MONOCHANGE_OVERRIDE';
const CRATES_IO_TOKEN_ENV = 'CARGO_REGISTRY_TOKEN';

interface TargetBase {
  /** Arguments naming the registry (none for crates.io). */
  args: string[];
  /** Variables every cargo step needs to find the registry (never a credential). */
  env: Record<string, string>;
  /** The variable cargo reads the upload token from: the only credential the upload step is granted. */
  tokenVariable: string;
  /** Variables of the upload step only (the token, when it has to be renamed for cargo). */
  uploadEnv: Record<string, string>;
}

export type CargoTarget = (TargetBase & { kind: 'crates.io' }) | (TargetBase & { kind: 'index'; index: string; tokenMissing: boolean });

/**
 * Where `cargo publish` uploads: crates.io, or the overridden sparse index (whose `config.json`
 * names the upload API). Lookups and uploads must reach the same place, so overriding only one of
 * the two URLs is refused.
 *
 * The token always travels by environment, never on the command line: cargo insists on `--token`
 * with `--index`, so an overridden index is a named registry instead (`--registry` with
 * CARGO_REGISTRIES_<NAME>_INDEX), and the token from CARGO_REGISTRY_TOKEN becomes that
 * registry's CARGO_REGISTRIES_<NAME>_TOKEN. A crate whose `package.publish` lists registries must
 * list that name to publish to the override.
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
  if (!index) return { kind: 'crates.io', args: [], env: {}, tokenVariable: CRATES_IO_TOKEN_ENV, uploadEnv: {} };
  const indexUrl = cratesIndexUrl(env);
  const token = env[CRATES_IO_TOKEN_ENV]?.trim();
  const tokenVariable = `${OVERRIDE_ENV_PREFIX}_TOKEN`;
  return {
    kind: 'index',
    args: ['--registry', OVERRIDE_REGISTRY],
    env: { [`${OVERRIDE_ENV_PREFIX}_INDEX`]: `sparse+${indexUrl}/` },
    tokenVariable,
    uploadEnv: !dryRun && token ? { [tokenVariable]: token } : {},
    index: indexUrl,
    tokenMissing: !dryRun && !token,
  };
}

/** `NAME=value ` for the registry variables of an overridden index, so a shown command can be rerun. */
export function describeTargetEnv(target: CargoTarget): string {
  return Object.entries(target.env)
    .map(([name, value]) => `${name}=${value} `)
    .join('');
}
