import { findWorkspaceConfig, loadConfig } from '../config';
import { MonochangeError } from '../errors';

/**
 * A run of the plugin's targets with nothing to run them on would print Nx's "No tasks were run"
 * and pass, so a CI publish goes green having published nothing: with no monochange.toml, an
 * unreadable one, or one that declares no package, the run is refused with the fix.
 */
export function requireDeclaredPackages(options: { root: string; runTargets: readonly string[]; targets: readonly string[] }): void {
  const ours = options.runTargets.filter((t) => options.targets.includes(t));
  if (!ours.length) return;
  const what = `\`${ours.join('`, `')}\``;
  if (!findWorkspaceConfig(options.root)) {
    throw new MonochangeError(`@monochange/nx is registered in nx.json, but the workspace has no monochange.toml, so ${what} has no package to run on`, {
      code: 'config.missing-file',
      file: 'monochange.toml',
      fix: 'run `nx g @monochange/nx:init` to create it with the publishable packages it finds (or write it yourself, one `[package.<id>]` table with `path` and `type` per package)',
    });
  }
  const config = loadConfig(options.root, { checkPaths: false });
  if (!config.packages.length) {
    throw new MonochangeError(`no package is declared, so ${what} has nothing to run on`, {
      code: 'config.no-packages',
      file: 'monochange.toml',
      fix: 'declare each package to publish with a `[package.<id>]` table giving its `path` and `type` (for example `[package.core]` with `path = "packages/core"` and `type = "npm"`)',
    });
  }
}
