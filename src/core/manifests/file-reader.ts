import { existsSync, readFileSync } from 'node:fs';

/**
 * How the manifest readers touch the file system. The default reads straight from disk; the plugin
 * passes one `memoFileReader()` per graph computation, so a file that several packages need (the
 * Cargo workspace root, a package.json the manifest reader and the project-name lookup both read)
 * is read and parsed once. A memo lives as long as the one call that made it: nothing is kept
 * between calls, so nothing can go stale.
 */
export interface FileReader {
  /** `fs.readFileSync(file, 'utf8')`, throwing what it throws. */
  readText(file: string): string;
  /** `fs.existsSync(file)`. */
  exists(file: string): boolean;
  /**
   * `compute()`, remembered under `key` for the life of this reader when it returns (a throw is not
   * remembered: errors name the package that asked, so each asker gets its own).
   */
  memo<T>(key: string, compute: () => T): T;
}

/** Reads straight from disk every time. */
export const diskReader: FileReader = {
  readText: (file) => readFileSync(file, 'utf8'),
  exists: (file) => existsSync(file),
  memo: (_key, compute) => compute(),
};

/** Reads each file (and checks each path) at most once through `base`; failed reads are remembered too. */
export function memoFileReader(base: Pick<FileReader, 'readText' | 'exists'> = diskReader): FileReader {
  const texts = new Map<string, { text: string } | { error: unknown }>();
  const exists = new Map<string, boolean>();
  const values = new Map<string, unknown>();
  return {
    readText(file) {
      let entry = texts.get(file);
      if (!entry) {
        try {
          entry = { text: base.readText(file) };
        } catch (error) {
          entry = { error };
        }
        texts.set(file, entry);
      }
      if ('error' in entry) throw entry.error;
      return entry.text;
    },
    exists(file) {
      let found = exists.get(file);
      if (found === undefined) {
        // A file already read exists; one that failed to read may still exist (e.g. a directory).
        const read = texts.get(file);
        found = read && 'text' in read ? true : base.exists(file);
        exists.set(file, found);
      }
      return found;
    },
    memo<T>(key: string, compute: () => T): T {
      if (values.has(key)) return values.get(key) as T;
      const value = compute();
      values.set(key, value);
      return value;
    },
  };
}
