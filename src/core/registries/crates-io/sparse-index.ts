import { MonochangeError } from '../../errors';

/** Path of a crate's file in a sparse index, from the lower-cased name. */
export function sparseIndexPath(name: string): string {
  const n = name.toLowerCase();
  if (n.length === 1) return `1/${n}`;
  if (n.length === 2) return `2/${n}`;
  if (n.length === 3) return `3/${n[0]}/${n}`;
  return `${n.slice(0, 2)}/${n.slice(2, 4)}/${n}`;
}

/**
 * Does a sparse-index file (one JSON object per line) list `version` (`null`: any version)?
 * A line that is not JSON makes the whole answer untrustworthy, so it throws.
 */
export function indexListsVersion(text: string, version: string | null, url: string): boolean {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  for (const [i, line] of lines.entries()) {
    let entry: { vers?: unknown };
    try {
      entry = JSON.parse(line) as { vers?: unknown };
    } catch (error) {
      throw new MonochangeError(`crates.io index decode failed: GET ${url} line ${i + 1} is not valid JSON (${(error as Error).message})`, {
        code: 'registry.bad-json',
        fix: `check that MONOCHANGE_CRATES_IO_INDEX_URL points at a sparse crate index`,
      });
    }
    if (typeof entry.vers !== 'string') continue;
    if (version === null || entry.vers === version) return true;
  }
  return false;
}
