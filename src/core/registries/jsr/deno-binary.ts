import fs from 'node:fs';
import path from 'node:path';

/** `<root>/node_modules/.bin/deno` (the `deno` npm package) when present, else `deno` from PATH. */
export function resolveDenoBinary(root: string): string {
  const local = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'deno.cmd' : 'deno');
  return fs.existsSync(local) ? local : 'deno';
}
