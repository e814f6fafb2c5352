import { parse, TomlError } from 'smol-toml';
import { MonochangeError } from '../errors';
import { scanToml, type TomlStatement } from '../config/toml-locator';

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

/** A key segment as TOML wants it: bare when possible, else a basic string. */
export function formatTomlKey(segment: string): string {
  return BARE_KEY.test(segment) ? segment : JSON.stringify(segment);
}

export function formatTomlPath(path: readonly string[]): string {
  return path.map(formatTomlKey).join('.');
}

export type TomlScalar = string | boolean | number;

export function formatTomlValue(value: TomlScalar): string {
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

/**
 * Text edits of `monochange.toml`: set or remove keys of a table, so a hand-written file keeps its
 * comments, key order and formatting. Keys that already hold the wanted value are not touched, so
 * re-applying the same edits gives the same bytes.
 */
export interface TomlTableEdit {
  /** Table path, e.g. `['ecosystems', 'npm', 'publish', 'trusted_publishing']`. */
  table: string[];
  /** Keys to set, in the order new keys are written; `undefined` removes the key. */
  values: Record<string, TomlScalar | undefined>;
  /** Comment lines (without `#`) written above the table when it has to be created. */
  comment?: string[];
}

/**
 * Applies `edits` to `text`. Existing keys get their value replaced in place (a trailing comment
 * stays); new keys go after the table's last key; missing tables are appended at the end. A
 * `trusted_publishing = true` shorthand (or inline table, or dotted keys) standing where a table is
 * needed is turned into that table. Throws a MonochangeError when the text does not parse before or
 * after, naming `file`.
 */
export function editTomlTables(text: string, edits: readonly TomlTableEdit[], file = 'monochange.toml'): string {
  parseOrThrow(text, file, 'before editing');
  let out = text;
  for (const edit of edits) out = applyEdit(out, edit, file);
  const parsed = parseOrThrow(out, file, 'after editing');
  for (const edit of edits) checkApplied(parsed, edit, file);
  return out;
}

function applyEdit(text: string, edit: TomlTableEdit, file: string): string {
  const statements = scanToml(text);
  const header = statements.find((s) => s.kind === 'table' && samePath(s.path, edit.table));
  if (header) return editSection(text, statements, header, edit.values);
  return createTable(text, statements, edit, file);
}

/** Sets and removes keys inside an existing `[table]` section, working from the end backwards. */
function editSection(text: string, statements: TomlStatement[], header: TomlStatement, values: Record<string, TomlScalar | undefined>): string {
  const index = statements.indexOf(header);
  const section: TomlStatement[] = [];
  for (let i = index + 1; i < statements.length && statements[i].kind === 'keyval'; i++) section.push(statements[i]);

  type Splice = { from: number; to: number; text: string };
  const splices: Splice[] = [];
  const additions: string[] = [];
  const last = section[section.length - 1];
  const indent = last?.indent ?? '';
  for (const [key, value] of Object.entries(values)) {
    const existing = section.find((s) => s.path.length === 1 && s.path[0] === key);
    if (!existing) {
      if (value !== undefined) additions.push(`${indent}${formatTomlPath([key])} = ${formatTomlValue(value)}\n`);
      continue;
    }
    if (value === undefined) {
      splices.push({ from: existing.start, to: existing.end, text: '' });
      continue;
    }
    const current = text.slice(existing.valueStart, existing.valueEnd);
    if (sameValue(current, value)) continue;
    splices.push({ from: existing.valueStart!, to: existing.valueEnd!, text: formatTomlValue(value) });
  }
  if (additions.length > 0) {
    const at = (last ?? header).end;
    const needsNewline = at > 0 && text[at - 1] !== '\n';
    splices.push({ from: at, to: at, text: `${needsNewline ? '\n' : ''}${additions.join('')}` });
  }
  let out = text;
  for (const s of splices.sort((a, b) => b.from - a.from || b.to - a.to)) {
    out = out.slice(0, s.from) + s.text + out.slice(s.to);
  }
  return out;
}

/** Appends `[table]` at the end, first moving any shorthand or dotted keys that stood for it. */
function createTable(text: string, statements: TomlStatement[], edit: TomlTableEdit, file: string): string {
  const carried: Record<string, TomlScalar> = {};
  const removals: TomlStatement[] = [];
  /** Trailing comments of moved lines, kept above the new table. */
  const movedComments: string[] = [];
  for (const s of statements) {
    if (s.kind !== 'keyval') continue;
    const absolute = [...s.table, ...s.path];
    const valueText = text.slice(s.valueStart, s.valueEnd);
    if (samePath(absolute, edit.table)) {
      // `trusted_publishing = true` or `trusted_publishing = { ... }` where a table must go.
      const value = parseValue(valueText);
      if (typeof value === 'boolean') carried.enabled = value;
      else if (isPlainObject(value)) {
        for (const [k, v] of Object.entries(value)) {
          if (!isScalar(v)) throw cannotConvert(file, edit.table, s, text);
          carried[k] = v;
        }
      } else throw cannotConvert(file, edit.table, s, text);
      removals.push(s);
    } else if (startsWith(absolute, edit.table)) {
      // Dotted keys (`trusted_publishing.workflow = "x"`) defined from a parent table.
      const value = parseValue(valueText);
      if (absolute.length !== edit.table.length + 1 || !isScalar(value)) throw cannotConvert(file, edit.table, s, text);
      carried[absolute[absolute.length - 1]] = value;
      removals.push(s);
    } else if (startsWith(edit.table, absolute)) {
      // An inline table (`publish = { ... }`) closes everything below it.
      throw cannotConvert(file, edit.table, s, text);
    }
  }
  let out = text;
  for (const s of [...removals].sort((a, b) => b.start - a.start)) {
    const trailing = text.slice(s.valueEnd, s.end).trim();
    if (trailing.startsWith('#')) movedComments.unshift(trailing.replace(/^#\s?/, ''));
    out = out.slice(0, s.start) + out.slice(s.end);
  }

  const merged: Record<string, TomlScalar> = {};
  for (const [k, v] of Object.entries(carried)) if (!(k in edit.values)) merged[k] = v;
  const ordered: Record<string, TomlScalar> = {};
  for (const [k, v] of Object.entries(edit.values)) if (v !== undefined) ordered[k] = v;
  Object.assign(ordered, merged);

  const lines: string[] = [];
  for (const c of [...(edit.comment ?? []), ...movedComments]) lines.push(c === '' ? '#' : `# ${c}`);
  lines.push(`[${formatTomlPath(edit.table)}]`);
  for (const [k, v] of Object.entries(ordered)) lines.push(`${formatTomlPath([k])} = ${formatTomlValue(v)}`);
  const block = `${lines.join('\n')}\n`;

  if (out.trim() === '') return block;
  if (!out.endsWith('\n')) out += '\n';
  if (!out.endsWith('\n\n')) out += '\n';
  return out + block;
}

function cannotConvert(file: string, table: string[], s: TomlStatement, text: string): MonochangeError {
  const line = text.slice(0, s.start).split('\n').length;
  const written = text.slice(s.start, s.end).trim();
  return new MonochangeError(`cannot add the table [${formatTomlPath(table)}] next to \`${written}\``, {
    code: 'config.edit-conflict',
    file,
    line,
    key: formatTomlPath(table),
    found: written,
    fix: `rewrite that entry as a [${formatTomlPath(table)}] table (one \`key = value\` per line), then run the generator again`,
  });
}

function checkApplied(parsed: Record<string, unknown>, edit: TomlTableEdit, file: string): void {
  let node: unknown = parsed;
  for (const part of edit.table) node = isPlainObject(node) ? node[part] : undefined;
  for (const [key, value] of Object.entries(edit.values)) {
    const actual = isPlainObject(node) ? node[key] : undefined;
    if (actual !== value) {
      throw new MonochangeError(`editing [${formatTomlPath(edit.table)}] did not give ${key} the expected value`, {
        code: 'config.edit-failed',
        file,
        key: `${formatTomlPath(edit.table)}.${key}`,
        found: JSON.stringify(actual),
        fix: `set \`${key} = ${value === undefined ? '(remove it)' : formatTomlValue(value)}\` in [${formatTomlPath(edit.table)}] by hand`,
      });
    }
  }
}

function parseOrThrow(text: string, file: string, when: string): Record<string, unknown> {
  try {
    return parse(text) as Record<string, unknown>;
  } catch (error) {
    const e = error as TomlError;
    throw new MonochangeError(`not valid TOML ${when}: ${String(e.message).split('\n')[0]}`, {
      code: 'config.toml-syntax',
      file,
      line: typeof e.line === 'number' ? e.line : undefined,
      column: typeof e.column === 'number' ? e.column : undefined,
      fix: 'fix the TOML syntax at that line, then run the generator again',
    });
  }
}

function parseValue(valueText: string): unknown {
  return (parse(`v = ${valueText}`) as { v: unknown }).v;
}

function sameValue(valueText: string, value: TomlScalar): boolean {
  try {
    return parseValue(valueText) === value;
  } catch {
    return false;
  }
}

function isScalar(v: unknown): v is TomlScalar {
  return typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number';
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return path.length > prefix.length && prefix.every((x, i) => path[i] === x);
}
