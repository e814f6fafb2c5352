import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Env } from '../../types';
import type { CommandSpec } from '../../util/command';
import { grant } from '../../util/secret-env';
import { pypiUploadTarget } from './urls';

/** `uv build --out-dir <outDir>` in the project directory; the build backend runs without any credential variable. */
export function uvBuild(projectDir: string, outDir: string): CommandSpec {
  return { command: 'uv', args: ['build', '--out-dir', outDir], cwd: projectDir };
}

/**
 * `uv publish --trusted-publishing always|never [--publish-url …] --check-url … <files>` (argv, no
 * shell). With trusted publishing it is the only uv step granted the OIDC variables.
 */
export function uvPublish(projectDir: string, files: string[], trustedPublishing: boolean, env: Env): CommandSpec {
  const target = pypiUploadTarget(env);
  const args = ['publish', '--trusted-publishing', trustedPublishing ? 'always' : 'never'];
  if (target.publishUrl) args.push('--publish-url', target.publishUrl);
  args.push('--check-url', target.checkUrl, ...files);
  return { command: 'uv', args, cwd: projectDir, ...(trustedPublishing ? { credentials: grant('pypi-oidc') } : {}) };
}

/** What a shell would make of `<outDir>/*`: the built distributions, sorted, dotfiles (uv's .gitignore) left out. */
export async function builtDistributions(outDir: string): Promise<string[]> {
  const entries = await readdir(outDir, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => path.join(outDir, e.name))
    .sort();
}
