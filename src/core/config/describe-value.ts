import { TomlDate } from 'smol-toml';

/** TOML type name of a parsed value, as a user would call it. */
export function tomlTypeOf(value: unknown): string {
  if (value instanceof TomlDate) return 'date';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'float';
  if (typeof value === 'bigint') return 'integer';
  if (Array.isArray(value)) return 'array';
  if (value !== null && typeof value === 'object') return 'table';
  return 'nothing';
}

const MAX_LENGTH = 60;

/** `"pub.dev" (string)`, `30 (integer)`, `{ enabled = true } (table)`: what was found, for messages. */
export function describeFound(value: unknown): string {
  const type = tomlTypeOf(value);
  if (type === 'nothing') return 'nothing';
  return `${truncate(renderValue(value))} (${type})`;
}

function renderValue(value: unknown): string {
  if (value instanceof TomlDate) return value.toISOString();
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(renderValue).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return '{}';
    return `{ ${entries.map(([k, v]) => `${k} = ${renderValue(v)}`).join(', ')} }`;
  }
  return String(value);
}

function truncate(text: string): string {
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH - 1)}…` : text;
}
