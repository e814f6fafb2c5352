/**
 * A small structural scanner of TOML text: where each table header and each `key = value` sits, as
 * character offsets, so that edits can touch exactly those bytes and leave comments, ordering and
 * formatting alone. It assumes the text already parses (callers check with smol-toml first).
 */

export interface TomlStatement {
  kind: 'table' | 'array-table' | 'keyval';
  /** Header path, or the key path of a key/value as written (dotted keys give several parts). */
  path: string[];
  /** Table the statement belongs to (for headers: their own path). */
  table: string[];
  /** Offset of the start of the statement's first line. */
  start: number;
  /** Offset just past the newline ending the statement (or the end of the text). */
  end: number;
  /** Key/value only: offsets of the value text (without trailing spaces or comment). */
  valueStart?: number;
  valueEnd?: number;
  /** Leading whitespace of the line. */
  indent: string;
}

export function scanToml(text: string): TomlStatement[] {
  return new Scanner(text).scan();
}

class Scanner {
  private pos = 0;
  private table: string[] = [];
  private readonly out: TomlStatement[] = [];

  constructor(private readonly text: string) {}

  scan(): TomlStatement[] {
    const t = this.text;
    while (this.pos < t.length) {
      const lineStart = this.pos;
      this.skipSpaces();
      const indent = t.slice(lineStart, this.pos);
      const ch = t[this.pos];
      if (ch === undefined) break;
      if (ch === '\n' || ch === '\r' || ch === '#') {
        this.skipToNextLine();
        continue;
      }
      if (ch === '[') {
        const array = t[this.pos + 1] === '[';
        this.pos += array ? 2 : 1;
        const path = this.readKey(']');
        this.pos += array ? 2 : 1;
        this.table = path;
        this.skipToNextLine();
        this.out.push({ kind: array ? 'array-table' : 'table', path, table: path, start: lineStart, end: this.pos, indent });
        continue;
      }
      const path = this.readKey('=');
      this.pos++; // '='
      this.skipSpaces();
      const valueStart = this.pos;
      const valueEnd = this.readValue();
      this.skipToNextLine();
      this.out.push({
        kind: 'keyval',
        path,
        table: this.table,
        start: lineStart,
        end: this.pos,
        valueStart,
        valueEnd,
        indent,
      });
    }
    return this.out;
  }

  private skipSpaces(): void {
    while (this.text[this.pos] === ' ' || this.text[this.pos] === '\t') this.pos++;
  }

  private skipToNextLine(): void {
    const nl = this.text.indexOf('\n', this.pos);
    this.pos = nl === -1 ? this.text.length : nl + 1;
  }

  /** Reads a dotted key up to (not past) `stop` (`=` or `]`). */
  private readKey(stop: string): string[] {
    const t = this.text;
    const parts: string[] = [];
    for (;;) {
      this.skipSpaces();
      const ch = t[this.pos];
      if (ch === '"') {
        const end = this.basicStringEnd(this.pos + 1);
        parts.push(JSON.parse(t.slice(this.pos, end + 1).replace(/\\U([0-9A-Fa-f]{8})/g, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))));
        this.pos = end + 1;
      } else if (ch === "'") {
        const end = t.indexOf("'", this.pos + 1);
        parts.push(t.slice(this.pos + 1, end));
        this.pos = end + 1;
      } else {
        const start = this.pos;
        while (this.pos < t.length && /[A-Za-z0-9_-]/.test(t[this.pos])) this.pos++;
        parts.push(t.slice(start, this.pos));
      }
      this.skipSpaces();
      if (t[this.pos] === '.') {
        this.pos++;
        continue;
      }
      if (t[this.pos] !== stop && this.pos < t.length) throw new Error(`unexpected ${t[this.pos]} in key`);
      return parts;
    }
  }

  /** Index of the closing quote of a single-line basic string whose body starts at `from`. */
  private basicStringEnd(from: number): number {
    let i = from;
    while (i < this.text.length && this.text[i] !== '"') i += this.text[i] === '\\' ? 2 : 1;
    return i;
  }

  /** Skips a value (strings, multi-line strings, arrays, inline tables); returns its end offset. */
  private readValue(): number {
    const t = this.text;
    let depth = 0;
    let end = this.pos;
    while (this.pos < t.length) {
      const ch = t[this.pos];
      if (t.startsWith('"""', this.pos) || t.startsWith("'''", this.pos)) {
        const quote = t.slice(this.pos, this.pos + 3);
        let i = this.pos + 3;
        for (;;) {
          const found = t.indexOf(quote, i);
          if (found === -1) {
            i = t.length;
            break;
          }
          if (quote === '"""' && isEscaped(t, found)) {
            i = found + 1;
            continue;
          }
          i = found + 3;
          while (t[i] === quote[0]) i++; // up to two quotes may end the body
          break;
        }
        this.pos = i;
        end = i;
      } else if (ch === '"') {
        this.pos = this.basicStringEnd(this.pos + 1) + 1;
        end = this.pos;
      } else if (ch === "'") {
        this.pos = t.indexOf("'", this.pos + 1) + 1;
        end = this.pos;
      } else if (ch === '[' || ch === '{') {
        depth++;
        this.pos++;
        end = this.pos;
      } else if (ch === ']' || ch === '}') {
        depth--;
        this.pos++;
        end = this.pos;
      } else if (ch === '#') {
        if (depth === 0) return end;
        this.skipToNextLine();
      } else if (ch === '\n' || ch === '\r') {
        if (depth === 0) return end;
        this.pos++;
      } else if (ch === ' ' || ch === '\t') {
        this.pos++;
      } else {
        this.pos++;
        end = this.pos;
      }
    }
    return end;
  }
}

function isEscaped(text: string, index: number): boolean {
  let backslashes = 0;
  for (let i = index - 1; i >= 0 && text[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 1;
}

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
