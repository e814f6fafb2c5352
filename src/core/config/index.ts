// Placeholder until the config module lands: signatures are the contract.
import type { MonochangeConfig } from './types';
export * from './types';
export interface ParseOptions {
  /** Path used in error messages and as the config location. */
  file: string;
  /** Absolute workspace root. */
  root: string;
  /** Check that every package `path` exists (default true). */
  checkPaths?: boolean;
}
export declare function parseConfig(text: string, options: ParseOptions): MonochangeConfig;
/** Reads `<root>/monochange.toml`; throws a MonochangeError naming the file when absent or invalid. */
export declare function loadConfig(root: string, options?: Omit<ParseOptions, 'file' | 'root'>): MonochangeConfig;
