import fs from 'node:fs';
import path from 'node:path';
import { createExecaRunner, type CommandRunner, type CommandSpec } from '../../util/command';
import { createBatchPackLister, listPackedFiles } from './npm-pack-list';
import { tempDir, writeFiles } from './testing/context';

function countingRunner(): CommandRunner & { calls: CommandSpec[] } {
  const real = createExecaRunner();
  const calls: CommandSpec[] = [];
  return { calls, run: (spec) => (calls.push(spec), real.run(spec)) };
}

function npmPackage(root: string, name: string, files: string[]): string {
  const dir = path.join(root, 'packages', name);
  writeFiles(dir, {
    'package.json': JSON.stringify({ name: `@t/${name}`, version: '1.0.0', files: ['dist'] }),
    ...Object.fromEntries(files.map((f) => [f, ''])),
  });
  return dir;
}

describe('npm pack file lists (real npm)', () => {
  jest.setTimeout(30_000);
  const roots: string[] = [];
  const tempRoot = () => {
    const root = tempDir();
    roots.push(root);
    return root;
  };
  afterEach(() => roots.splice(0).forEach((r) => fs.rmSync(r, { recursive: true, force: true })));
  it('lists several packages with one npm process, each with its own files, in order', async () => {
    const root = tempRoot();
    const a = npmPackage(root, 'a', ['dist/a.js', 'src/a.ts']);
    const b = npmPackage(root, 'b', ['dist/b.js', 'dist/b.d.ts']);
    const runner = countingRunner();
    const [la, lb] = await listPackedFiles(runner, [a, b], root);
    expect(runner.calls).toHaveLength(1);
    expect(la).toEqual({ files: new Set(['dist/a.js', 'package.json']) });
    expect(lb).toEqual({ files: new Set(['dist/b.d.ts', 'dist/b.js', 'package.json']) });
    expect(fs.readdirSync(root)).toEqual(['packages']);
  });

  it('batch lister: one npm call for the prefetched packages; a broken package is asked again alone and does not hide the others', async () => {
    const root = tempRoot();
    const good = [npmPackage(root, 'a', ['dist/a.js']), npmPackage(root, 'b', ['dist/b.js'])];
    const broken = path.join(root, 'packages', 'broken');
    writeFiles(broken, { 'package.json': '{ not json' });
    const runner = countingRunner();
    const lister = createBatchPackLister(runner, root);
    lister.prefetch([...good, broken]);
    const [a, b, bad] = await Promise.all([lister.packFiles(good[0]), lister.packFiles(good[1]), lister.packFiles(broken)]);
    expect(a).toEqual({ files: new Set(['dist/a.js', 'package.json']) });
    expect(b).toEqual({ files: new Set(['dist/b.js', 'package.json']) });
    expect(bad).toMatchObject({ error: expect.stringContaining('npm pack --dry-run') });
    // One call for all three (failed), then one per package.
    expect(runner.calls.map((c) => c.args.filter((x) => !x.startsWith('--')).length - 1)).toEqual([3, 0, 0, 0]);
    await lister.packFiles(good[0]);
    expect(runner.calls).toHaveLength(4);
  });

  it('batch lister: a package that was not prefetched is listed on its own, once', async () => {
    const root = tempRoot();
    const dir = npmPackage(root, 'late', ['dist/late.js']);
    const runner = countingRunner();
    const lister = createBatchPackLister(runner, root);
    expect(await lister.packFiles(dir)).toEqual({ files: new Set(['dist/late.js', 'package.json']) });
    expect(await lister.packFiles(dir)).toEqual({ files: new Set(['dist/late.js', 'package.json']) });
    expect(runner.calls).toHaveLength(1);
    expect(runner.calls[0].cwd).toBe(dir);
  });

  it('batch lister: packFiles waits for a planned prefetch instead of asking npm alone', async () => {
    const root = tempRoot();
    const dirs = [npmPackage(root, 'a', ['dist/a.js']), npmPackage(root, 'b', ['dist/b.js'])];
    const runner = countingRunner();
    const lister = createBatchPackLister(runner, root);
    let release!: (d: string[]) => void;
    lister.plan(new Promise<string[]>((r) => (release = r)));
    const early = lister.packFiles(dirs[0]);
    await new Promise((r) => setTimeout(r, 20));
    expect(runner.calls).toHaveLength(0);
    release(dirs);
    expect(await early).toEqual({ files: new Set(['dist/a.js', 'package.json']) });
    expect(await lister.packFiles(dirs[1])).toEqual({ files: new Set(['dist/b.js', 'package.json']) });
    expect(runner.calls).toHaveLength(1);
  });
});
