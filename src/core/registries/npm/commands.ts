import path from 'node:path';
import type { NpmData } from '../../manifests/types';
import type { CommandSpec } from '../../util/command';

export type NpmManager = NpmData['manager'];

/** `npm publish [<target>] --access public [--provenance] --registry <base> [--dry-run]`. */
export function npmPublishSpec(options: {
  cwd: string;
  base: string;
  /** Tarball or directory to publish; the cwd's package when absent. */
  target?: string;
  provenance?: boolean;
  dryRun?: boolean;
}): CommandSpec {
  const args = ['publish'];
  if (options.target) args.push(options.target);
  args.push('--access', 'public');
  if (options.provenance) args.push('--provenance');
  args.push('--registry', options.base);
  if (options.dryRun) args.push('--dry-run');
  // npm would re-send the upload on its own after a lost answer; our retry looks the version up
  // first, so npm's blind retries are turned off (no upload is ever sent twice).
  return { command: 'npm', args, cwd: options.cwd, env: { npm_config_fetch_retries: '0' } };
}

/**
 * Packs with the workspace's own manager so `workspace:` and `catalog:` ranges become real
 * versions; npm then publishes the tarball (npm is the CLI that performs the OIDC exchange).
 */
export function packSpec(manager: Exclude<NpmManager, 'npm'>, cwd: string, destination: string): CommandSpec {
  switch (manager) {
    case 'pnpm':
      return { command: 'pnpm', args: ['pack', '--pack-destination', destination], cwd };
    case 'yarn':
      return { command: 'yarn', args: ['pack', '--out', path.join(destination, '%s-%v.tgz')], cwd };
    case 'bun':
      return { command: 'bun', args: ['pm', 'pack', '--destination', destination], cwd };
  }
}
