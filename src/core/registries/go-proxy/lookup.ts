import { httpStatusError, type HttpClient } from '../../util/http';
import type { Env } from '../../types';
import { escapeModulePath, goVersion } from './module-path';
import { goProxyUrl } from './urls';

const LABEL = 'Go proxy';
const absent = (status: number) => status === 404 || status === 410;
const ok = (status: number) => status >= 200 && status < 300;

export function infoUrl(env: Env, modulePath: string, version: string): string {
  return `${goProxyUrl(env)}/${escapeModulePath(modulePath)}/@v/${escapeModulePath(goVersion(version))}.info`;
}

/**
 * `GET {proxy}/{module}/@v/{vX.Y.Z}.info`: 2xx → there, 404/410 → absent, anything else → error.
 * Any version (`null`, for placeholders): a non-empty `@v/list`, or else `v0.0.0.info` (a
 * pseudo-version-only list can be empty while a tagged v0.0.0 exists).
 */
export async function goVersionExists(modulePath: string, version: string | null, env: Env, http: HttpClient): Promise<boolean> {
  if (version === null) {
    const listUrl = `${goProxyUrl(env)}/${escapeModulePath(modulePath)}/@v/list`;
    const list = await http.get(listUrl, { registry: LABEL });
    if (ok(list.status) && list.text.split('\n').some((line) => line.trim())) return true;
    if (!ok(list.status) && !absent(list.status)) throw httpStatusError(LABEL, listUrl, list);
  }
  const url = infoUrl(env, modulePath, version ?? 'v0.0.0');
  const res = await http.get(url, { registry: LABEL });
  if (ok(res.status)) return true;
  if (absent(res.status)) return false;
  throw httpStatusError(LABEL, url, res);
}
