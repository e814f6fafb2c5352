import type { Env } from '../../types';
import { HttpClient } from '../../util/http';
import { infoUrl } from './lookup';

/**
 * After pushing a tag, ask the proxy for the version so it fetches it now rather than on the first
 * download. Never fails the publish: the tag is out, the proxy will fetch it on demand.
 */
export async function warmUpProxy(env: Env, modulePath: string, version: string): Promise<{ ok: boolean; note: string }> {
  const url = infoUrl(env, modulePath, version);
  try {
    const res = await new HttpClient({ retries: 2, timeoutMs: 60_000 }).get(url, { registry: 'Go proxy' });
    if (res.status >= 200 && res.status < 300) return { ok: true, note: `the Go proxy serves ${modulePath} ${version}` };
    return {
      ok: false,
      note: `warning: the Go proxy did not confirm ${modulePath} ${version} yet (GET ${url} answered HTTP ${res.status}); it fetches tagged versions on request, so check again later`,
    };
  } catch (error) {
    return {
      ok: false,
      note: `warning: could not ask the Go proxy for ${modulePath} ${version} (${(error as Error).message.split('. Fix:')[0]}); it fetches tagged versions on request, so check again later`,
    };
  }
}
