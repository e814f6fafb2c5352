import * as fs from 'node:fs';
import * as path from 'node:path';
import { MonochangeError } from '../errors';
import { parseConfig, type ParseOptions } from './parse-config';
import { CONFIG_FILE_NAME, type MonochangeConfig } from './types';

/** Absolute path of `<root>/monochange.toml` when it exists as a file (no walking up), else undefined. */
export function findWorkspaceConfig(root: string): string | undefined {
  const file = path.resolve(root, CONFIG_FILE_NAME);
  try {
    return fs.statSync(file).isFile() ? file : undefined;
  } catch {
    return undefined;
  }
}

/** Reads `<root>/monochange.toml`; throws a MonochangeError naming the file when absent or invalid. */
export function loadConfig(root: string, options: Omit<ParseOptions, 'file' | 'root'> = {}): MonochangeConfig {
  const absoluteRoot = path.resolve(root);
  const file = path.join(absoluteRoot, CONFIG_FILE_NAME);
  if (!findWorkspaceConfig(absoluteRoot)) {
    throw new MonochangeError(`no ${CONFIG_FILE_NAME} found in the workspace root ${absoluteRoot}`, {
      code: 'config.missing-file',
      file,
      fix: `run \`nx g @monochange/nx:init\` to create it, or create ${file} declaring each package as \`[package.<id>]\` with \`path\` and \`type\``,
    });
  }
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new MonochangeError(`cannot read ${CONFIG_FILE_NAME}: ${reason}`, {
      code: 'config.unreadable-file',
      file,
      fix: 'check the file permissions so the current user can read it',
    });
  }
  return parseConfig(text, { ...options, file, root: absoluteRoot });
}
