import type { CiIdentity } from '../../ci/types';
import type { MonochangeConfig, PackageConfig } from '../../config/types';
import { formatError, isMonochangeError } from '../../errors';
import type { Manifest } from '../../manifests/types';
import { resolveExpectedContext } from '../../trust/context';
import type { Env } from '../../types';
import type { CommandRunner } from '../../util/command';
import { npmBaseUrl } from './registry-url';
import { configureNpmTrust, renderNpmTrustCommand } from './trust';

/** The `npm trust github …` command a maintainer runs for this package and expected context. */
export function npmTrustCommandFor(manifest: Pick<Manifest, 'name'>, ctx: { repository: string; workflow: string; environment?: string }, env: Env): string {
  return renderNpmTrustCommand({ name: manifest.name, ...ctx, base: npmBaseUrl(env) });
}

/**
 * Adds (and verifies) the package's GitHub trusted publisher for the expected context of
 * `[package.<id>.publish.trusted_publishing]` / `[source]` / the running job. Never throws.
 */
export async function configureNpmTrustFor(
  manifest: Pick<Manifest, 'name' | 'dir'>,
  pkg: PackageConfig,
  config: Pick<MonochangeConfig, 'source'>,
  identity: CiIdentity,
  runner: CommandRunner,
  env: Env,
): Promise<{ ok: boolean; message: string }> {
  const resolved = resolveExpectedContext(pkg, config, identity);
  if (!resolved.ok) return { ok: false, message: `${resolved.message}. Fix: ${resolved.fix}` };
  const { repository, workflow, environment } = resolved.context;
  const where = `${repository} ${workflow}${environment ? ` (environment ${environment})` : ''}`;
  try {
    const result = await configureNpmTrust(runner, { name: manifest.name, repository, workflow, environment, base: npmBaseUrl(env), cwd: manifest.dir });
    return {
      ok: true,
      message: result.changed
        ? `added and verified the npm trusted publisher of ${manifest.name}: ${where}`
        : `npm trusted publisher of ${manifest.name} already set: ${where}`,
    };
  } catch (error) {
    if (!isMonochangeError(error)) throw error;
    return { ok: false, message: formatError(error) };
  }
}
