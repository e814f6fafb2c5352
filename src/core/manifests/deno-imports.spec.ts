import { cpSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/load-config';
import { collectPackageEdges } from '../publish/package-edges';
import { clearDenoImportCache, isDevOnlySource, packageSourceImports, scanImportSpecifiers } from './deno-imports';
import { readManifest } from './index';
import type { Manifest } from './types';

const DENO_WORKSPACE = join(__dirname, '../../plugin/__fixtures__/deno-workspace');

function edgesOf(root: string) {
  const config = loadConfig(root);
  const manifests = new Map<string, Manifest>(config.packages.map((p) => [p.id, readManifest(root, p)]));
  return collectPackageEdges(root, config.packages, manifests)
    .map((e) => `${e.from} -> ${e.to} (${e.kind}, ${e.field}, ${e.sourceFile})`)
    .sort();
}

describe('scanImportSpecifiers', () => {
  it('finds static imports, re-exports, side-effect and dynamic imports with a string literal', () => {
    const text = [
      'import { a } from "@s/a";',
      "import type { B } from '@s/b/sub';",
      'import * as c from "jsr:@s/c@^1/x";',
      'import d, { e as f } from "@s/d";',
      'import "@s/side";',
      'export { g } from "@s/g";',
      'export * from "./local.ts";',
      'export * as ns from "@s/ns";',
      'export type { T } from "@s/t";',
      'const m = await import("@s/dyn");',
      'const m2 = await import ( "@s/dyn2" );',
    ].join('\n');
    expect(scanImportSpecifiers(text)).toEqual([
      '@s/a',
      '@s/b/sub',
      'jsr:@s/c@^1/x',
      '@s/d',
      '@s/side',
      '@s/g',
      './local.ts',
      '@s/ns',
      '@s/t',
      '@s/dyn',
      '@s/dyn2',
    ]);
  });

  it('ignores comments, other strings, templates, computed dynamic imports and `.from(…)` calls', () => {
    const text = [
      '// import { a } from "@s/comment";',
      '/* import "@s/block"; */',
      'const s = "import x from \'@s/string\'";',
      'const t = `import("@s/template")`;',
      'const u = await import("@s/" + name);',
      'const v = Array.from("@s/array");',
      'const from = "@s/variable";',
      'export const w = "@s/exported-const";',
    ].join('\n');
    expect(scanImportSpecifiers(text)).toEqual([]);
  });
});

describe('isDevOnlySource', () => {
  it.each([
    ['mod_test.ts', true],
    ['mod.test.ts', true],
    ['copy_bench.ts', true],
    ['test/join.ts', true],
    ['bench/copy.ts', true],
    ['src/testing.ts', false],
    ['mod.ts', false],
    ['latest.ts', false],
  ])('%s → %s', (file, dev) => expect(isDevOnlySource(file)).toBe(dev));
});

describe('Deno workspace edges from member sources', () => {
  it('finds bare-name and jsr: imports between members; test and bench imports are dev edges', () => {
    expect(edgesOf(DENO_WORKSPACE)).toEqual([
      'assert -> fmt (normal, source imports, assert/mod.ts)',
      'bytes -> assert (dev, source imports, bytes/copy_test.ts)',
      'bytes -> streams (dev, source imports, bytes/bench/copy_bench.ts)',
      'fmt -> path (normal, source imports, fmt/colors.ts)',
      'io -> bytes (normal, source imports, io/mod.ts)',
      'io -> streams (normal, source imports, io/mod.ts)',
      'path -> assert (dev, source imports, path/test/join_test.ts)',
      'streams -> bytes (normal, source imports, streams/buffer.ts)',
    ]);
  });

  it('finds none when the packages are not members of a Deno workspace', () => {
    const root = mkdtempSync(join(tmpdir(), 'mc-deno-ws-'));
    try {
      cpSync(DENO_WORKSPACE, root, { recursive: true });
      writeFileSync(join(root, 'deno.json'), '{ "workspace": ["./assert"] }');
      expect(edgesOf(root)).toEqual(['assert -> fmt (normal, source imports, assert/mod.ts)']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('rescans a file whose size or mtime changed, and reuses an unchanged one', () => {
    clearDenoImportCache();
    const root = mkdtempSync(join(tmpdir(), 'mc-deno-ws-'));
    try {
      cpSync(DENO_WORKSPACE, root, { recursive: true });
      const file = join(root, 'assert/mod.ts');
      expect(packageSourceImports(join(root, 'assert')).map((i) => i.specifier)).toEqual(['@acme-std/fmt']);
      const fs = require('node:fs') as typeof import('node:fs');
      const read = jest.spyOn(fs, 'readFileSync');
      try {
        packageSourceImports(join(root, 'assert'));
        expect(read.mock.calls.filter(([f]) => f === file)).toHaveLength(0);
        writeFileSync(file, 'import { x } from "@acme-std/io";\n');
        utimesSync(file, new Date(), new Date(Date.now() + 5000));
        expect(packageSourceImports(join(root, 'assert')).map((i) => i.specifier)).toEqual(['@acme-std/io']);
        expect(read.mock.calls.filter(([f]) => f === file)).toHaveLength(1);
      } finally {
        read.mockRestore();
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
