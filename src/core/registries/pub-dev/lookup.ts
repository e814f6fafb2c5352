import { MonochangeError } from '../../errors';
import type { LookupContext } from '../types';
import { pubDevApiUrl } from './urls';

/** `GET {api}/packages/{name}` → `versions[].version` (null: any version). 404 → absent. */
export async function pubVersionExists(name: string, version: string | null, ctx: LookupContext): Promise<boolean> {
  const url = `${pubDevApiUrl(ctx.env)}/packages/${encodeURIComponent(name)}`;
  const res = await ctx.http.getJson<{ versions?: unknown }>(url, { registry: 'pub.dev', headers: { accept: 'application/vnd.pub.v2+json' } });
  if (!res.found) return false;
  const versions = res.json?.versions;
  if (!Array.isArray(versions)) {
    throw new MonochangeError(`pub.dev lookup decode failed: GET ${url} answered JSON without a \`versions\` list`, {
      code: 'registry.bad-json',
      fix: 'check that MONOCHANGE_PUB_DEV_API_URL points at a pub server API (…/api)',
    });
  }
  const listed = versions.map((v: { version?: unknown }) => v?.version).filter((v): v is string => typeof v === 'string');
  return version === null ? listed.length > 0 : listed.includes(version);
}
