import { MonochangeError } from '../../errors';
import type { LookupContext } from '../types';
import { pypiApiUrl } from './urls';
import { pep440Key } from './version';

/** `GET {api}/{name}/json` → `releases` has the version (null: has any release). 404 → absent. */
export async function pypiVersionExists(name: string, version: string | null, ctx: LookupContext): Promise<boolean> {
  const url = `${pypiApiUrl(ctx.env)}/${encodeURIComponent(name)}/json`;
  const res = await ctx.http.getJson<{ releases?: unknown }>(url, { registry: 'PyPI', headers: { accept: 'application/json' } });
  if (!res.found) return false;
  const releases = res.json?.releases;
  if (!releases || typeof releases !== 'object' || Array.isArray(releases)) {
    throw new MonochangeError(`PyPI lookup decode failed: GET ${url} answered JSON without a \`releases\` object`, {
      code: 'registry.bad-json',
      fix: 'check that MONOCHANGE_PYPI_API_URL points at a PyPI-compatible JSON API (…/pypi)',
    });
  }
  const keys = Object.keys(releases);
  if (version === null) return keys.length > 0;
  const wanted = pep440Key(version);
  return keys.some((key) => pep440Key(key) === wanted);
}
