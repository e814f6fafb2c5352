import { readNxJson, updateNxJson, type Tree } from '@nx/devkit';

export const PLUGIN_NAME = '@monochange/nx';

/** Adds `"@monochange/nx"` to nx.json `plugins` unless it is there already (string or object form). */
export function addPluginToNxJson(tree: Tree): boolean {
  const nxJson = readNxJson(tree) ?? {};
  const plugins = nxJson.plugins ?? [];
  const present = plugins.some((p) => (typeof p === 'string' ? p : p?.plugin) === PLUGIN_NAME);
  if (present) return false;
  nxJson.plugins = [...plugins, PLUGIN_NAME];
  updateNxJson(tree, nxJson);
  return true;
}
