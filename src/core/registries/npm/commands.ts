import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { NpmData } from '../../manifests/types';
import type { Env } from '../../types';
import { assertSafeArg } from '../../util/argv-guard';
import type { CommandSpec } from '../../util/command';
import { grant } from '../../util/secret-env';

export type NpmManager = NpmData['manager'];

/** `npm publish [<target>] [--ignore-scripts] --access public [--provenance] --registry <base> [--dry-run]`. */
export function npmPublishSpec(options: {
  cwd: string;
  base: string;
  /** Tarball or directory to publish; the cwd's package when absent. */
  target?: string;
  provenance?: boolean;
  dryRun?: boolean;
  ignoreScripts?: boolean;
}): CommandSpec {
  const args = ['publish'];
  if (options.target) args.push(assertSafeArg(options.target, { source: 'the npm publish target', tool: 'npm' }));
  if (options.ignoreScripts) args.push('--ignore-scripts');
  args.push('--access', 'public');
  if (options.provenance) args.push('--provenance');
  args.push('--registry', options.base);
  if (options.dryRun) args.push('--dry-run');
  // npm would re-send the upload on its own after a lost answer; our retry looks the version up
  // first, so npm's blind retries are turned off (no upload is ever sent twice).
  return { command: 'npm', args, cwd: options.cwd, env: { npm_config_fetch_retries: '0' } };
}

/**
 * Packs the package into `destination`, running its lifecycle scripts (prepack, prepare, postpack)
 * without any credential variable. pnpm, yarn and bun pack with the workspace's own manager so
 * `workspace:` and `catalog:` ranges become real versions; npm then publishes the tarball.
 */
export function packSpec(manager: NpmManager, cwd: string, destination: string): CommandSpec {
  switch (manager) {
    case 'npm':
      return { command: 'npm', args: ['pack', '--pack-destination', destination], cwd };
    case 'pnpm':
      return { command: 'pnpm', args: ['pack', '--pack-destination', destination], cwd };
    case 'yarn':
      return { command: 'yarn', args: ['pack', '--out', path.join(destination, '%s-%v.tgz')], cwd };
    case 'bun':
      return { command: 'bun', args: ['pm', 'pack', '--destination', destination], cwd };
  }
}

/**
 * `npm publish` of a directory runs `prepublishOnly` before packing; publishing a tarball does not,
 * so the npm flow runs it itself (without credentials) when the package has one.
 */
export function prepublishOnlySpec(json: Record<string, unknown> | undefined, cwd: string): CommandSpec | undefined {
  const scripts = json?.scripts;
  const has = typeof scripts === 'object' && scripts !== null && typeof (scripts as Record<string, unknown>).prepublishOnly === 'string';
  return has ? { command: 'npm', args: ['run', 'prepublishOnly'], cwd } : undefined;
}

/** Empty npm user and global config files: nothing in them npm could authenticate with. */
export interface CredentialFreeNpmConfig {
  userconfig: string;
  globalconfig: string;
}

export async function writeCredentialFreeNpmConfig(dir: string): Promise<CredentialFreeNpmConfig> {
  const config = { userconfig: path.join(dir, 'empty-user-npmrc'), globalconfig: path.join(dir, 'empty-global-npmrc') };
  await writeFile(config.userconfig, '');
  await writeFile(config.globalconfig, '');
  return config;
}

/** `npm_config_*` credentials (`_authToken`, `_auth`, `_password`, `username`, `certfile`, `keyfile`, scoped or not). */
const NPM_CONFIG_CREDENTIAL = /^npm_config_(.*:)?(_auth|_authtoken|_password|username|certfile|keyfile)$/i;
/** Variables npmrc files commonly read a token from (`${NODE_AUTH_TOKEN}`). */
const NPM_TOKEN_VARIABLES = new Set(['NPM_TOKEN', 'NODE_AUTH_TOKEN']);

export function npmCredentialVariables(env: Env): string[] {
  return Object.keys(env).filter((key) => NPM_CONFIG_CREDENTIAL.test(key) || NPM_TOKEN_VARIABLES.has(key.toUpperCase()));
}

/**
 * The upload of a packed tarball: no scripts, run from the temp dir (no project `.npmrc`), with
 * npm's user and global config replaced by empty files and npm credential variables removed, so
 * the OIDC exchange is the only way npm can authenticate; the OIDC variables are granted here only.
 */
export function npmUploadSpec(options: {
  dir: string;
  tarball: string;
  base: string;
  provenance?: boolean;
  config: CredentialFreeNpmConfig;
  parentEnv: Env;
}): CommandSpec {
  const spec = npmPublishSpec({ cwd: options.dir, base: options.base, target: options.tarball, provenance: options.provenance, ignoreScripts: true });
  return {
    ...spec,
    env: { ...spec.env, npm_config_userconfig: options.config.userconfig, npm_config_globalconfig: options.config.globalconfig },
    removeEnv: npmCredentialVariables(options.parentEnv),
    credentials: grant('npm-oidc'),
  };
}
