import { formatKeyPath } from '../config/key-path';
import fs from 'node:fs';
import path from 'node:path';
import type { PackageConfig } from '../config/types';
import { MonochangeError } from '../errors';

/** README of a placeholder: inline text, else a file relative to the workspace root, else the default. */
export function placeholderReadme(root: string, pkg: PackageConfig, name: string): string {
  const { readme, readmeFile } = pkg.publish.placeholder;
  if (readme !== undefined) return readme;
  if (readmeFile !== undefined) {
    const file = path.resolve(root, readmeFile);
    try {
      return fs.readFileSync(file, 'utf8');
    } catch (error) {
      throw new MonochangeError(`failed to read placeholder README ${readmeFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
        key: formatKeyPath(['package', pkg.id, 'publish', 'placeholder', 'readme_file']),
        fix: 'point `readme_file` at an existing file relative to the workspace root, or use inline `readme`',
      });
    }
  }
  return `# ${name}\n\nThis is a placeholder release published by @monochange/nx to bootstrap trusted publishing.\n`;
}
