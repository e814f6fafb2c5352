import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

export const COMMON_LICENSE_NAMES = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'LICENCE', 'LICENCE.md', 'COPYING', 'LICENSE-MIT', 'LICENSE-APACHE'];

/** First existing file among `names` resolved against each of `dirs`, in order. */
export function findFile(dirs: string[], names: string[]): string | undefined {
  for (const dir of dirs) {
    for (const name of names) {
      const candidate = path.resolve(dir, name);
      if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    }
  }
  return undefined;
}
