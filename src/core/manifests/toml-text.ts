import { parse } from 'smol-toml';
import { syntaxError, type ManifestSource } from './source';

/** Parses TOML, turning syntax errors into MonochangeErrors with line and column. */
export function parseToml(src: ManifestSource, text: string, displayFile?: string): Record<string, unknown> {
  try {
    return parse(text) as Record<string, unknown>;
  } catch (error) {
    const e = error as Error & { line?: number; column?: number };
    const detail = e.message.replace(/^Invalid TOML document:\s*/, '');
    throw syntaxError(src, 'TOML', detail, { line: e.line, column: e.column }, displayFile);
  }
}
