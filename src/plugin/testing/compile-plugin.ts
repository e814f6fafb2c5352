import { transformSync } from '@swc/core';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = resolve(__dirname, '..', '..');

function sourceFor(fromDir: string, request: string): string | undefined {
  const base = resolve(fromDir, request);
  return [`${base}.ts`, join(base, 'index.ts')].find((f) => existsSync(f));
}

/**
 * Transpiles `src/index.ts` (or the given src/ files) and the src/ modules it requires (nothing
 * else, so other people's unfinished files cannot break it) to CommonJS under `outDir`, mirroring
 * src/'s layout. Returns the path of the compiled index.js.
 */
export function compilePluginEntry(outDir: string, entries: readonly string[] = ['index.ts']): string {
  const queue = entries.map((entry) => join(SRC, entry));
  const done = new Set<string>();
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (done.has(file)) continue;
    done.add(file);
    const { code } = transformSync(readFileSync(file, 'utf8'), {
      filename: file,
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
    });
    const out = join(outDir, relative(SRC, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, code);
    // Static imports come out as require("…"); requires written in the source (loaded on first use) keep their quotes.
    for (const [, , request] of code.matchAll(/require\((["'])(\.{1,2}\/[^"']*)\1\)/g)) {
      const next = sourceFor(dirname(file), request);
      if (next) queue.push(next);
    }
  }
  return join(outDir, 'index.js');
}
