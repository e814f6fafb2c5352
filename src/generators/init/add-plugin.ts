import { readNxJson, updateNxJson, type Tree } from '@nx/devkit';
import { setJsonValue } from './json-text-edit';

export const PLUGIN_NAME = '@monochange/nx';

/** Adds `"@monochange/nx"` to nx.json `plugins` unless it is there already (string or object form). */
export function addPluginToNxJson(tree: Tree): boolean {
  const nxJson = readNxJson(tree) ?? {};
  const plugins = nxJson.plugins ?? [];
  const present = plugins.some((p) => (typeof p === 'string' ? p : p?.plugin) === PLUGIN_NAME);
  if (present) return false;
  nxJson.plugins = [...plugins, PLUGIN_NAME];
  if (!editNxJson(tree, ['plugins'], nxJson.plugins)) updateNxJson(tree, nxJson);
  return true;
}

/**
 * Sets `path` in nx.json by editing its text, so the user's formatting stays (Nx's updateNxJson
 * re-serialises the whole file). False when nx.json is missing or not plain JSON(C) at that path;
 * the caller then falls back to updateNxJson.
 */
export function editNxJson(tree: Tree, path: string[], value: unknown): boolean {
  const text = tree.read('nx.json', 'utf-8');
  if (text === null) return false;
  try {
    const edited = setJsonValue(text, path, value);
    if (edited !== text) tree.write('nx.json', edited);
    return true;
  } catch {
    return false;
  }
}
