import { MonochangeError, isMonochangeError } from '../../errors';
import type { LookupContext } from '../types';
import { indexListsVersion, sparseIndexPath } from './sparse-index';
import { cratesApiUrl, cratesIndexUrl } from './urls';

const LABEL = 'crates.io';

interface CrateResponse {
  versions?: Array<{ num?: unknown }>;
}

/**
 * Is `version` (null: any version) of the crate on crates.io? Asks the API; when the API fails in
 * any way other than 404 (status or network), asks the sparse index instead, and reports both
 * failures together when the index fails too. Never reads a failure as "absent".
 */
export async function crateVersionExists(name: string, version: string | null, ctx: LookupContext): Promise<boolean> {
  const apiUrl = `${cratesApiUrl(ctx.env)}/crates/${encodeURIComponent(name)}`;
  let apiFailure: string;
  try {
    const res = await ctx.http.get(apiUrl, { registry: LABEL, headers: { accept: 'application/json' } });
    if (res.status === 404) return false;
    if (res.status >= 200 && res.status < 300) return apiListsVersion(res.text, version, apiUrl);
    apiFailure = `GET ${apiUrl} answered HTTP ${res.status}`;
  } catch (error) {
    if (!isMonochangeError(error) || error.details.code !== 'registry.unreachable') throw error;
    apiFailure = error.problem.replace(/^crates\.io lookup failed: /, '');
  }
  const indexUrl = `${cratesIndexUrl(ctx.env)}/${sparseIndexPath(name)}`;
  let indexFailure: string;
  try {
    const res = await ctx.http.get(indexUrl, { registry: 'crates.io index' });
    if (res.status === 404 || res.status === 410) return false;
    if (res.status >= 200 && res.status < 300) return indexListsVersion(res.text, version, indexUrl);
    indexFailure = `GET ${indexUrl} answered HTTP ${res.status}`;
  } catch (error) {
    if (!isMonochangeError(error) || error.details.code !== 'registry.unreachable') throw error;
    indexFailure = error.problem.replace(/^crates\.io index lookup failed: /, '');
  }
  throw new MonochangeError(`crates.io lookup failed: ${apiFailure}; crates.io index fallback failed: ${indexFailure}`, {
    code: 'registry.http-error',
    key: name,
    fix: 'this is not read as "not published"; retry later, or check MONOCHANGE_CRATES_IO_API_URL / MONOCHANGE_CRATES_IO_INDEX_URL and the crates.io status',
  });
}

function apiListsVersion(text: string, version: string | null, url: string): boolean {
  let body: CrateResponse;
  try {
    body = JSON.parse(text) as CrateResponse;
  } catch (error) {
    throw new MonochangeError(`crates.io lookup decode failed: GET ${url} answered with a body that is not valid JSON (${(error as Error).message})`, {
      code: 'registry.bad-json',
      fix: 'check that MONOCHANGE_CRATES_IO_API_URL points at a crates.io-compatible API (…/api/v1)',
    });
  }
  if (!body || !Array.isArray(body.versions)) {
    throw new MonochangeError(`crates.io lookup decode failed: GET ${url} answered JSON without a \`versions\` list`, {
      code: 'registry.bad-json',
      fix: 'check that MONOCHANGE_CRATES_IO_API_URL points at a crates.io-compatible API (…/api/v1)',
    });
  }
  const nums = body.versions.map((v) => v?.num).filter((n): n is string => typeof n === 'string');
  return version === null ? nums.length > 0 : nums.includes(version);
}
