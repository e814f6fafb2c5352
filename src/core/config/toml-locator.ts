import type { KeyPath } from './key-path';

/**
 * The one TOML scanner: where each table header and each `key = value` of a TOML text sits, as
 * character offsets and as 1-based line/column. It does not validate anything (smol-toml parses):
 * `editTomlTables` uses the offsets to rewrite exactly the bytes it must, `TomlKeyLocator` the
 * lines and columns to point errors at a key. On text that does not parse (a syntax error is being
 * reported) it reads what it can, line by line, and knows less.
 */
export interface TomlStatement {
  /** `unknown`: a line that is neither a header nor a key (only in text that does not parse). */
  kind: 'table' | 'array-table' | 'keyval' | 'unknown';
  /** Header path, or the key path of a key/value as written (dotted keys give several parts). */
  path: string[];
  /** Table the statement belongs to (for headers: their own path). */
  table: string[];
  /** Offset of the start of the statement's first line. */
  start: number;
  /** Offset just past the newline ending the statement (or the end of the text). */
  end: number;
  /** Key/value with a `=` only: offsets of the value text (without trailing spaces or comment). */
  valueStart?: number;
  valueEnd?: number;
  /** Leading whitespace of the line. */
  indent: string;
  /** 1-based line of the statement and column of its key's first segment. */
  line: number;
  column: number;
  /** Last line the statement covers (a multi-line string or array continues past `line`). */
  lastLine: number;
  /** Keys written inside inline-table values (`k = { a = 1, b = { c = 2 } }`). */
  inlineKeys: InlineKey[];
}

export interface InlineKey {
  /** Key path from the statement's table: the statement's key, then each inline key on the way. */
  path: string[];
  /** How many leading parts of `path` name the inline table the key is written in. */
  parent: number;
  line: number;
  column: number;
}

export function scanToml(text: string): TomlStatement[] {
  return new Scanner(text).scan();
}

/** Where a statement's key was read: its segments and where the first one starts. */
interface Key {
  parts: string[];
  offset: number;
}

class Scanner {
  private pos: number;
  private table: string[] = [];
  private readonly out: TomlStatement[] = [];
  /** Offset where each line starts (index 0 = line 1). */
  private readonly lineStarts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
    this.pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  }

  scan(): TomlStatement[] {
    const t = this.text;
    while (this.pos < t.length) {
      const start = this.pos;
      this.skipSpaces();
      const indent = t.slice(start, this.pos);
      const ch = t[this.pos];
      if (ch === undefined) break;
      if (ch === '\n' || ch === '\r' || ch === '#') {
        this.skipToNextLine();
        continue;
      }
      const line = this.lineOf(start);
      if (ch === '[') {
        const array = t[this.pos + 1] === '[';
        this.pos += array ? 2 : 1;
        const key = this.readKey();
        if (!key) {
          this.unknown(start, indent, line);
          continue;
        }
        this.table = key.parts;
        this.skipToNextLine();
        const kind = array ? 'array-table' : 'table';
        this.out.push({ kind, path: key.parts, table: key.parts, start, end: this.pos, indent, ...this.at(key.offset), lastLine: line, inlineKeys: [] });
        continue;
      }
      const key = this.readKey();
      if (!key) {
        this.unknown(start, indent, line);
        continue;
      }
      const statement: TomlStatement = {
        kind: 'keyval',
        path: key.parts,
        table: this.table,
        start,
        end: 0,
        indent,
        ...this.at(key.offset),
        lastLine: line,
        inlineKeys: [],
      };
      this.skipSpaces();
      if (t[this.pos] === '=') {
        this.pos++;
        this.skipSpaces();
        statement.valueStart = this.pos;
        statement.valueEnd = this.readValue(key.parts, statement.inlineKeys);
        statement.lastLine = this.lineOf(Math.max(statement.valueStart, statement.valueEnd - 1));
      }
      this.skipToNextLine();
      statement.end = this.pos;
      this.out.push(statement);
    }
    return this.out;
  }

  private unknown(start: number, indent: string, line: number): void {
    this.skipToNextLine();
    this.out.push({ kind: 'unknown', path: [], table: this.table, start, end: this.pos, indent, line, column: 1, lastLine: line, inlineKeys: [] });
  }

  /** 1-based line of an offset. */
  private lineOf(offset: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  private at(offset: number): { line: number; column: number } {
    const line = this.lineOf(offset);
    return { line, column: offset - this.lineStarts[line - 1] + 1 };
  }

  private skipSpaces(): void {
    while (this.text[this.pos] === ' ' || this.text[this.pos] === '\t') this.pos++;
  }

  private skipToNextLine(): void {
    const nl = this.text.indexOf('\n', this.pos);
    this.pos = nl === -1 ? this.text.length : nl + 1;
  }

  /** Reads a (possibly dotted, possibly quoted) key; undefined when not even one segment is there. */
  private readKey(): Key | undefined {
    const t = this.text;
    this.skipSpaces();
    const offset = this.pos;
    const parts: string[] = [];
    for (;;) {
      this.skipSpaces();
      const ch = t[this.pos];
      if (ch === '"' || ch === "'") {
        const close = this.stringEnd(this.pos);
        const raw = t.slice(this.pos, close);
        parts.push(ch === "'" ? raw.slice(1, -1) : decodeBasic(raw));
        this.pos = close;
      } else {
        const start = this.pos;
        while (this.pos < t.length && /[A-Za-z0-9_-]/.test(t[this.pos])) this.pos++;
        if (this.pos === start) return parts.length ? { parts, offset } : undefined;
        parts.push(t.slice(start, this.pos));
      }
      this.skipSpaces();
      if (t[this.pos] !== '.') return { parts, offset };
      this.pos++;
    }
  }

  /** Offset just past a single-line string starting at `from` (its quote), or its line's end when unterminated. */
  private stringEnd(from: number): number {
    const t = this.text;
    const quote = t[from];
    let i = from + 1;
    while (i < t.length && t[i] !== quote && t[i] !== '\n') i += quote === '"' && t[i] === '\\' ? 2 : 1;
    if (i >= t.length || t[i] === '\n') return Math.min(i, t.length);
    return i + 1;
  }

  /**
   * Skips a value (strings, multi-line strings, arrays, inline tables, across lines while a bracket
   * is open); returns its end offset. Keys of inline tables that are not inside an array are added
   * to `inlineKeys`.
   */
  private readValue(path: string[], inlineKeys: InlineKey[]): number {
    const t = this.text;
    /** Open brackets; an inline table knows its own key path, whether a key comes next, and the last key read. */
    const open: Array<{ kind: '[' } | { kind: '{'; path: string[]; expectKey: boolean; lastKey?: string[] }> = [];
    let end = this.pos;
    while (this.pos < t.length) {
      const ch = t[this.pos];
      const top = open[open.length - 1];
      if (top?.kind === '{' && top.expectKey && !' \t,}\r\n#'.includes(ch)) {
        top.expectKey = false;
        const key = this.readKey();
        if (key) {
          top.lastKey = [...top.path, ...key.parts];
          if (open.every((o) => o.kind === '{')) inlineKeys.push({ path: top.lastKey, parent: top.path.length, ...this.at(key.offset) });
          end = this.pos;
          continue;
        }
      }
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
      } else if (ch === '"' || ch === "'") {
        this.pos = this.stringEnd(this.pos);
        end = this.pos;
      } else if (ch === '[' || ch === '{') {
        // A nested inline table is the value of the last key read in the one around it.
        const owner = top === undefined ? path : top.kind === '{' ? (top.lastKey ?? top.path) : [];
        open.push(ch === '[' ? { kind: '[' } : { kind: '{', path: owner, expectKey: true });
        this.pos++;
        end = this.pos;
      } else if (ch === ']' || ch === '}') {
        open.pop();
        this.pos++;
        end = this.pos;
      } else if (ch === '#') {
        if (open.length === 0) return end;
        this.skipToNextLine();
      } else if (ch === '\n' || ch === '\r') {
        if (open.length === 0) return end;
        this.pos++;
      } else if (ch === ' ' || ch === '\t') {
        this.pos++;
      } else {
        if (ch === ',' && top?.kind === '{') top.expectKey = true;
        this.pos++;
        end = this.pos;
      }
    }
    return end;
  }
}

/** A basic-string key's value; as written between the quotes when it does not decode. */
function decodeBasic(raw: string): string {
  try {
    return JSON.parse(raw.replace(/\\U([0-9A-Fa-f]{8})/g, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))) as string;
  } catch {
    return raw.slice(1, -1);
  }
}

function isEscaped(text: string, index: number): boolean {
  let backslashes = 0;
  for (let i = index - 1; i >= 0 && text[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 1;
}

/** 1-based position of a key in the source text. */
export interface KeyLocation {
  line: number;
  column: number;
}

interface Entry extends KeyLocation {
  /** Written out (header or `key =`), as opposed to implied by a longer dotted key or header. */
  explicit: boolean;
}

/**
 * Key positions of a TOML text (from `scanToml`), so that errors found after parsing (schema and
 * semantic checks), and syntax errors, can point at a line and name the key there.
 *
 * The text is scanned on the first question, not on construction: a valid config (every project
 * graph computation) never asks, so it never pays for the scan.
 */
export class TomlKeyLocator {
  private readonly entries = new Map<string, Entry>();
  /** Per line (index = line number): the key defined there, or the table in effect. */
  private readonly lineKeys: (string[] | undefined)[] = [];
  private text: string | undefined;

  constructor(text: string) {
    this.text = text;
  }

  private scanned(): this {
    if (this.text === undefined) return this;
    const text = this.text;
    this.text = undefined;
    try {
      this.scan(text.replace(/^\uFEFF/, ''));
    } catch {
      // Best effort only: a confused scan just locates fewer keys.
    }
    return this;
  }

  /** Location of `path`, or of its nearest written ancestor (e.g. the table missing a key). */
  locate(path: KeyPath): KeyLocation | undefined {
    const { entries } = this.scanned();
    const parts = path.map(String);
    for (let n = parts.length; n > 0; n--) {
      const entry = entries.get(pathId(parts.slice(0, n)));
      if (entry) return { line: entry.line, column: entry.column };
    }
    return undefined;
  }

  /** True when `path` itself (not an ancestor) was found in the text. */
  has(path: KeyPath): boolean {
    return this.scanned().entries.has(pathId(path.map(String)));
  }

  /** The key defined on `line`, or the table in effect there. */
  pathAtLine(line: number): string[] | undefined {
    return this.scanned().lineKeys[line];
  }

  private register(path: string[], location: KeyLocation, explicit: boolean): void {
    const id = pathId(path);
    const existing = this.entries.get(id);
    if (existing && (existing.explicit || !explicit)) return;
    this.entries.set(id, { ...location, explicit });
  }

  private registerWithPrefixes(path: string[], location: KeyLocation, from: number): void {
    for (let n = Math.max(1, from); n < path.length; n++) this.register(path.slice(0, n), location, false);
    this.register(path, location, true);
  }

  private scan(text: string): void {
    const lines = text.split('\n').length;
    let table: string[] = [];
    let next = 1;
    const fill = (upTo: number) => {
      for (; next < upTo; next++) this.lineKeys[next] = table;
    };
    for (const s of scanToml(text)) {
      fill(s.line);
      const location = { line: s.line, column: s.column };
      if (s.kind === 'table' || s.kind === 'array-table') {
        table = s.path;
        this.registerWithPrefixes(table, location, 1);
        this.lineKeys[s.line] = table;
      } else if (s.kind === 'keyval') {
        const path = [...s.table, ...s.path];
        this.registerWithPrefixes(path, location, s.table.length + 1);
        for (let line = s.line; line <= s.lastLine; line++) this.lineKeys[line] = path;
        for (const key of s.inlineKeys) {
          this.registerWithPrefixes([...s.table, ...key.path], { line: key.line, column: key.column }, s.table.length + key.parent + 1);
        }
      } else {
        this.lineKeys[s.line] = undefined;
      }
      next = s.lastLine + 1;
    }
    fill(lines + 1);
  }
}

function pathId(parts: string[]): string {
  return JSON.stringify(parts);
}
