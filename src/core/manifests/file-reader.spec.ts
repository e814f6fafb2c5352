import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { diskReader, memoFileReader } from './file-reader';
import { readManifest } from './index';

/** A disk reader that counts what it is asked. */
function countingDisk() {
  const reads = new Map<string, number>();
  const checks = new Map<string, number>();
  return {
    reads,
    checks,
    readText(file: string) {
      reads.set(file, (reads.get(file) ?? 0) + 1);
      return diskReader.readText(file);
    },
    exists(file: string) {
      checks.set(file, (checks.get(file) ?? 0) + 1);
      return diskReader.exists(file);
    },
  };
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-file-reader-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(rel: string, text: string): string {
  const file = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

describe('memoFileReader', () => {
  it('reads a file once and returns the same text every time', () => {
    const file = write('a.txt', 'hello');
    const disk = countingDisk();
    const reader = memoFileReader(disk);
    expect(reader.readText(file)).toBe('hello');
    expect(reader.readText(file)).toBe('hello');
    expect(disk.reads.get(file)).toBe(1);
  });

  it('remembers a failed read and throws the same error again', () => {
    const missing = path.join(tmp, 'missing.txt');
    const disk = countingDisk();
    const reader = memoFileReader(disk);
    let first: unknown;
    try {
      reader.readText(missing);
    } catch (error) {
      first = error;
    }
    expect((first as NodeJS.ErrnoException).code).toBe('ENOENT');
    expect(() => reader.readText(missing)).toThrow(first as Error);
    expect(disk.reads.get(missing)).toBe(1);
  });

  it('answers exists() from a successful read, and asks the disk once otherwise', () => {
    const file = write('b.txt', 'x');
    const disk = countingDisk();
    const reader = memoFileReader(disk);
    reader.readText(file);
    expect(reader.exists(file)).toBe(true);
    expect(disk.checks.get(file)).toBeUndefined();
    const dir = path.join(tmp, 'a-directory');
    fs.mkdirSync(dir);
    expect(() => reader.readText(dir)).toThrow(); // EISDIR: a failed read does not mean "absent"
    expect(reader.exists(dir)).toBe(true);
    expect(reader.exists(path.join(tmp, 'nope'))).toBe(false);
    expect(reader.exists(path.join(tmp, 'nope'))).toBe(false);
    expect(disk.checks.get(path.join(tmp, 'nope'))).toBe(1);
  });

  it('does not see a file that appears after it was found missing (one reader = one consistent view)', () => {
    const late = path.join(tmp, 'late.txt');
    const reader = memoFileReader();
    expect(reader.exists(late)).toBe(false);
    fs.writeFileSync(late, 'now here');
    expect(reader.exists(late)).toBe(false);
    expect(memoFileReader().exists(late)).toBe(true); // a new reader (a new graph computation) sees it
  });

  it('memo() keeps a computed value but not a throw', () => {
    const reader = memoFileReader();
    let calls = 0;
    expect(reader.memo('k', () => ++calls)).toBe(1);
    expect(reader.memo('k', () => ++calls)).toBe(1);
    let attempts = 0;
    const failing = () => {
      attempts++;
      throw new Error('no');
    };
    expect(() => reader.memo('bad', failing)).toThrow('no');
    expect(() => reader.memo('bad', failing)).toThrow('no');
    expect(attempts).toBe(2);
  });

  it('the disk reader remembers nothing', () => {
    let calls = 0;
    diskReader.memo('k', () => ++calls);
    diskReader.memo('k', () => ++calls);
    expect(calls).toBe(2);
  });
});

describe('readManifest with a shared memoFileReader', () => {
  it('reads and parses a Cargo workspace root once for all its member crates', () => {
    const root = path.join(tmp, 'cargo-ws');
    write('cargo-ws/Cargo.toml', '[workspace]\nmembers = ["crates/*"]\n\n[workspace.package]\nversion = "1.2.3"\nlicense = "MIT"\n');
    for (const name of ['a', 'b', 'c']) {
      write(`cargo-ws/crates/${name}/Cargo.toml`, `[package]\nname = "${name}"\nversion.workspace = true\nlicense.workspace = true\n`);
    }
    const disk = countingDisk();
    const reader = memoFileReader(disk);
    const manifests = ['a', 'b', 'c'].map((name) => readManifest(root, { id: name, path: `crates/${name}`, type: 'cargo' }, reader));
    expect(manifests.map((m) => [m.name, m.version, m.cargo?.license])).toEqual([
      ['a', '1.2.3', 'MIT'],
      ['b', '1.2.3', 'MIT'],
      ['c', '1.2.3', 'MIT'],
    ]);
    expect(disk.reads.get(path.join(root, 'Cargo.toml'))).toBe(1);
    expect([...disk.reads.values()].every((n) => n === 1)).toBe(true);
    // The same manifests as without a shared reader.
    const alone = ['a', 'b', 'c'].map((name) => readManifest(root, { id: name, path: `crates/${name}`, type: 'cargo' }));
    expect(manifests).toEqual(alone);
  });

  it('still names the crate that asked when the shared workspace root is broken', () => {
    const root = path.join(tmp, 'cargo-broken');
    write('cargo-broken/Cargo.toml', '[workspace\nmembers = ["crates/*"]\n');
    for (const name of ['a', 'b']) {
      write(`cargo-broken/crates/${name}/Cargo.toml`, `[package]\nname = "${name}"\nversion.workspace = true\n`);
    }
    const reader = memoFileReader();
    for (const name of ['a', 'b']) {
      expect(() => readManifest(root, { id: name, path: `crates/${name}`, type: 'cargo' }, reader)).toThrow(
        new RegExp(`^Cargo\\.toml:1:\\d+: invalid TOML: .*\\(package \`${name}\`\\)`),
      );
    }
  });
});
