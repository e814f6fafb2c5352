import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathKind, pathProbe, realPathOutside } from './relative-path';

describe('pathProbe', () => {
  let root: string;
  let outside: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-probe-'));
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-probe-outside-'));
    fs.mkdirSync(path.join(outside, 'pkg'));
    fs.mkdirSync(path.join(root, 'packages', 'web'), { recursive: true });
    fs.mkdirSync(path.join(root, 'packages', 'inner'), { recursive: true });
    fs.writeFileSync(path.join(root, 'packages', 'file.txt'), 'x');
    fs.writeFileSync(path.join(root, 'README.md'), 'x');
    fs.symlinkSync(path.join(root, 'packages', 'inner'), path.join(root, 'packages', 'link-in'), 'dir');
    fs.symlinkSync(outside, path.join(root, 'packages', 'link-out'), 'dir');
    fs.symlinkSync(outside, path.join(root, 'elsewhere'), 'dir');
    fs.symlinkSync(path.join(root, 'nowhere'), path.join(root, 'packages', 'dangling'), 'dir');
  });
  afterAll(() => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it('answers as pathKind and realPathOutside do, for plain entries, symlinks on the way and missing names', () => {
    const paths = [
      '.',
      'packages',
      'packages/web',
      'packages/file.txt',
      'packages/file.txt/x',
      'README.md',
      'packages/missing',
      'missing/web',
      'packages/link-in',
      'packages/link-out',
      'packages/link-out/pkg',
      'elsewhere/pkg',
      'packages/dangling',
      'Packages/web',
    ];
    const probe = pathProbe(root);
    for (const relative of paths) {
      expect([relative, probe.kind(relative)]).toEqual([relative, pathKind(root, relative)]);
      expect([relative, probe.outside(relative)]).toEqual([relative, realPathOutside(root, relative)]);
    }
    expect(probe.outside('packages/link-out/pkg')).toBe(fs.realpathSync(path.join(outside, 'pkg')));
  });

  it('lists each directory once, and stats nothing a listing settles', () => {
    const probe = pathProbe(root);
    const real = require('node:fs') as typeof fs; // the module itself, which a spy reaches
    const readdir = jest.spyOn(real, 'readdirSync');
    const stat = jest.spyOn(real, 'statSync');
    const realpath = jest.spyOn(real.realpathSync, 'native');
    try {
      for (const relative of ['packages/web', 'packages/inner', 'packages/file.txt']) {
        probe.kind(relative);
        probe.outside(relative);
      }
      expect(readdir).toHaveBeenCalledTimes(2); // the root and packages/
      expect(stat).not.toHaveBeenCalled();
      expect(realpath).not.toHaveBeenCalled();
    } finally {
      readdir.mockRestore();
      stat.mockRestore();
      realpath.mockRestore();
    }
  });
});
