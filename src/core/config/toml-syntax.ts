import { parse, TomlError } from 'smol-toml';
import type { ConfigProblem } from './config-problem';
import { formatKeyPath } from './key-path';
import type { TomlKeyLocator } from './toml-locator';

export type ParsedToml = { ok: true; table: Record<string, unknown> } | { ok: false; problem: ConfigProblem };

/** Parses TOML text; a syntax error becomes a located problem naming the key on that line. */
export function parseToml(text: string, locator: TomlKeyLocator): ParsedToml {
  try {
    const table = parse(text.replace(/^\uFEFF/, ''), { unsafeKeyBehaviour: 'throw' });
    return { ok: true, table: table as Record<string, unknown> };
  } catch (error) {
    if (!(error instanceof TomlError)) {
      const reason = error instanceof Error ? error.message : String(error);
      return {
        ok: false,
        problem: {
          code: 'config.toml-syntax',
          path: [],
          problem: `invalid TOML: ${reason}`,
          fix: 'fix the TOML syntax (see https://toml.io/en/v1.0.0)',
        },
      };
    }
    return { ok: false, problem: syntaxProblem(error, locator) };
  }
}

function syntaxProblem(error: TomlError, locator: TomlKeyLocator): ConfigProblem {
  const reason = (error.message.split('\n')[0] ?? '').replace(/^Invalid TOML document:\s*/, '');
  const path = locator.pathAtLine(error.line) ?? [];
  const at = path.length ? ` at \`${formatKeyPath(path)}\`` : '';
  return {
    code: 'config.toml-syntax',
    path,
    problem: `invalid TOML${at}: ${reason}`,
    fix: syntaxFix(reason, path, error),
    line: error.line,
    column: error.column,
  };
}

function syntaxFix(reason: string, path: string[], error: TomlError): string {
  const where = `line ${error.line}, column ${error.column}`;
  if (/redefine|already defined/i.test(reason)) {
    const key = path.length ? `\`${formatKeyPath(path)}\`` : 'the key';
    const trusted =
      path[path.length - 1] === 'trusted_publishing'
        ? ' (`trusted_publishing = true` and a `[…trusted_publishing]` table cannot both be written: keep the table and put `enabled = true` in it)'
        : '';
    return `each key and table may be defined only once: remove or merge the second definition of ${key} at ${where}${trusted}`;
  }
  if (/unsafe/i.test(reason)) return `rename the key at ${where}: keys such as __proto__ and constructor are not allowed`;
  return `correct the TOML syntax at ${where} (quote strings, e.g. \`key = "value"\`; see https://toml.io/en/v1.0.0)`;
}
