import type { MonochangeConfig, PackageConfig } from '../config/types';
import { MonochangeError } from '../errors';

/**
 * The declared packages a script names by id (`undefined`: every declared package), in the
 * config's order. An id monochange.toml does not declare is refused before anything runs, naming
 * it and the declared ones.
 */
export function selectPackages(config: Pick<MonochangeConfig, 'file' | 'packages'>, ids: readonly string[] | undefined): PackageConfig[] {
  const declared = config.packages.map((p) => p.id);
  if (ids === undefined) {
    if (!declared.length) {
      throw new MonochangeError('no package is declared, so there is nothing to run on', {
        code: 'config.no-packages',
        file: config.file,
        fix: 'declare each package with a `[package.<id>]` table giving its `path` and `type` (for example `[package.core]` with `path = "packages/core"` and `type = "npm"`)',
      });
    }
    return config.packages;
  }
  const unknown = [...new Set(ids)].filter((id) => !declared.includes(id));
  if (unknown.length) {
    const named = unknown.map((id) => `\`${id}\``).join(', ');
    throw new MonochangeError(
      `${unknown.length === 1 ? 'package' : 'packages'} ${named} ${unknown.length === 1 ? 'is' : 'are'} not declared in monochange.toml`,
      {
        code: 'api.unknown-package',
        file: config.file,
        found: named,
        fix: `pass declared package ids (${declared.join(', ') || 'none declared'}), or declare the package with a \`[package.<id>]\` table`,
      },
    );
  }
  const wanted = new Set(ids);
  return config.packages.filter((p) => wanted.has(p.id));
}
