import type { KeyPath } from './key-path';

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
 * A light scanner of TOML table headers and keys, so that errors found after parsing (schema and
 * semantic checks) can still point at a line. It does not validate anything: smol-toml has already
 * parsed the text (or reported the syntax error), so on odd input it just knows less.
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
      this.scan(text.replace(/^\uFEFF/, '').split(/\r?\n/));
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

  private scan(lines: string[]): void {
    let table: string[] = [];
    let openMultiline: '"""' | "'''" | undefined;
    let arrayDepth = 0;
    let continuing: string[] = [];

    lines.forEach((text, index) => {
      const line = index + 1;
      if (openMultiline) {
        this.lineKeys[line] = continuing;
        const close = text.indexOf(openMultiline);
        if (close < 0) return;
        openMultiline = undefined;
        return;
      }
      if (arrayDepth > 0) {
        this.lineKeys[line] = continuing;
        arrayDepth = scanArrayTail(text, 0, arrayDepth).depth;
        return;
      }
      const cursor = new Cursor(text);
      cursor.skipSpace();
      if (cursor.done() || cursor.peek() === '#') {
        this.lineKeys[line] = table;
        return;
      }
      if (cursor.peek() === '[') {
        const isArray = cursor.peekAt(1) === '[';
        cursor.advance(isArray ? 2 : 1);
        const key = readKey(cursor);
        if (!key) return;
        table = key.segments;
        this.registerWithPrefixes(table, { line, column: key.column }, 1);
        this.lineKeys[line] = table;
        return;
      }
      const key = readKey(cursor);
      if (!key) return;
      const path = [...table, ...key.segments];
      this.registerWithPrefixes(path, { line, column: key.column }, table.length + 1);
      this.lineKeys[line] = path;
      cursor.skipSpace();
      if (cursor.peek() !== '=') return;
      cursor.advance(1);
      cursor.skipSpace();
      const state = this.scanValue(cursor, path, line);
      openMultiline = state.openMultiline;
      arrayDepth = state.arrayDepth;
      continuing = path;
    });
  }

  /** Scans one value; registers keys of inline tables; reports values continuing on later lines. */
  private scanValue(cursor: Cursor, path: string[], line: number): { openMultiline?: '"""' | "'''"; arrayDepth: number } {
    const rest = cursor.rest();
    for (const quote of ['"""', "'''"] as const) {
      if (rest.startsWith(quote)) {
        const close = rest.indexOf(quote, 3);
        if (close < 0) return { openMultiline: quote, arrayDepth: 0 };
        cursor.advance(close + 3);
        return { arrayDepth: 0 };
      }
    }
    const c = cursor.peek();
    if (c === '"' || c === "'") {
      skipString(cursor);
      return { arrayDepth: 0 };
    }
    if (c === '{') {
      cursor.advance(1);
      this.scanInlineTable(cursor, path, line);
      return { arrayDepth: 0 };
    }
    if (c === '[') {
      const tail = scanArrayTail(cursor.text, cursor.pos + 1, 1);
      cursor.pos = tail.end;
      return { arrayDepth: tail.depth };
    }
    while (!cursor.done() && !',}]#'.includes(cursor.peek())) cursor.advance(1);
    return { arrayDepth: 0 };
  }

  private scanInlineTable(cursor: Cursor, path: string[], line: number): void {
    for (;;) {
      cursor.skipSpace();
      if (cursor.done() || cursor.peek() === '}') {
        cursor.advance(1);
        return;
      }
      if (cursor.peek() === ',') {
        cursor.advance(1);
        continue;
      }
      const key = readKey(cursor);
      if (!key) return;
      const inner = [...path, ...key.segments];
      this.registerWithPrefixes(inner, { line, column: key.column }, path.length + 1);
      cursor.skipSpace();
      if (cursor.peek() !== '=') return;
      cursor.advance(1);
      cursor.skipSpace();
      this.scanValue(cursor, inner, line);
    }
  }
}

function pathId(parts: string[]): string {
  return JSON.stringify(parts);
}

class Cursor {
  pos = 0;
  constructor(readonly text: string) {}
  done(): boolean {
    return this.pos >= this.text.length;
  }
  peek(): string {
    return this.text[this.pos] ?? '';
  }
  peekAt(offset: number): string {
    return this.text[this.pos + offset] ?? '';
  }
  advance(n: number): void {
    this.pos += n;
  }
  rest(): string {
    return this.text.slice(this.pos);
  }
  skipSpace(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
  }
}

/** Reads a (possibly dotted, possibly quoted) key; column is 1-based, of its first segment. */
function readKey(cursor: Cursor): { segments: string[]; column: number } | undefined {
  cursor.skipSpace();
  const column = cursor.pos + 1;
  const segments: string[] = [];
  for (;;) {
    cursor.skipSpace();
    const c = cursor.peek();
    let segment: string | undefined;
    if (c === '"' || c === "'") {
      const start = cursor.pos;
      skipString(cursor);
      const raw = cursor.text.slice(start, cursor.pos);
      segment = c === "'" ? raw.slice(1, -1) : decodeBasic(raw);
    } else {
      const match = /^[A-Za-z0-9_-]+/.exec(cursor.rest());
      if (!match) return segments.length ? { segments, column } : undefined;
      segment = match[0];
      cursor.advance(segment.length);
    }
    segments.push(segment);
    cursor.skipSpace();
    if (cursor.peek() !== '.') return { segments, column };
    cursor.advance(1);
  }
}

function decodeBasic(raw: string): string {
  try {
    return JSON.parse(raw) as string;
  } catch {
    return raw.slice(1, -1);
  }
}

/** Moves past a single-line basic or literal string starting at the cursor. */
function skipString(cursor: Cursor): void {
  const quote = cursor.peek();
  cursor.advance(1);
  while (!cursor.done() && cursor.peek() !== quote) {
    cursor.advance(quote === '"' && cursor.peek() === '\\' ? 2 : 1);
  }
  cursor.advance(1);
}

/** Scans array text from `start` with `depth` open brackets; returns where it closed (or the depth left). */
function scanArrayTail(text: string, start: number, depth: number): { end: number; depth: number } {
  const cursor = new Cursor(text);
  cursor.pos = start;
  while (!cursor.done() && depth > 0) {
    const c = cursor.peek();
    if (c === '#') return { end: text.length, depth };
    if (c === '"' || c === "'") {
      skipString(cursor);
      continue;
    }
    if (c === '[') depth++;
    if (c === ']') depth--;
    cursor.advance(1);
  }
  return { end: cursor.pos, depth };
}
