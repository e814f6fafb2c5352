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
    for (let i = 0; i < 20; i++) fs.mkdirSync(path.join(root, 'many', `c${String(i).padStart(2, '0')}`), { recursive: true });
    fs.symlinkSync(outside, path.join(root, 'many', 'link-out'), 'dir');
    fs.writeFileSync(path.join(root, 'many', 'file.txt'), 'x');
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
      // more entries of one directory than are looked at one by one: the rest come from its listing
      ...Array.from({ length: 20 }, (_, i) => `many/c${String(i).padStart(2, '0')}`),
      'many/link-out',
      'many/link-out/pkg',
      'many/file.txt',
      'many/missing',
    ];
    const probe = pathProbe(root);
    for (const relative of paths) {
      expect([relative, probe.kind(relative)]).toEqual([relative, pathKind(root, relative)]);
      expect([relative, probe.outside(relative)]).toEqual([relative, realPathOutside(root, relative)]);
    }
    expect(probe.outside('packages/link-out/pkg')).toBe(fs.realpathSync(path.join(outside, 'pkg')));
  });

  it('looks at a few entries of a directory one by one, lists it once many are asked about, and stats nothing those answers settle', () => {
    const probe = pathProbe(root);
    const real = require('node:fs') as typeof fs; // the module itself, which a spy reaches
    const readdir = jest.spyOn(real, 'readdirSync');
    const lstat = jest.spyOn(real, 'lstatSync');
    const stat = jest.spyOn(real, 'statSync');
    const realpath = jest.spyOn(real.realpathSync, 'native');
    try {
      for (const relative of ['packages/web', 'packages/inner', 'packages/file.txt']) {
        probe.kind(relative);
        probe.outside(relative);
      }
      expect(readdir).not.toHaveBeenCalled();
      expect(lstat.mock.calls.map(([p]) => path.relative(root, String(p)))).toEqual(['packages', 'packages/web', 'packages/inner', 'packages/file.txt']);
      for (let i = 0; i < 20; i++) probe.kind(`many/c${String(i).padStart(2, '0')}`);
      expect(readdir.mock.calls.map(([p]) => path.relative(root, String(p)))).toEqual(['many']);
      expect(lstat).toHaveBeenCalledTimes(4 + 1 + 16); // many/ itself, then 16 entries before its listing
      expect(stat).not.toHaveBeenCalled();
      expect(realpath).not.toHaveBeenCalled();
    } finally {
      readdir.mockRestore();
      lstat.mockRestore();
      stat.mockRestore();
      realpath.mockRestore();
    }
  });
});
