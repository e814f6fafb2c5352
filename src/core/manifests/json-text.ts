import { isRecord, syntaxError, type ManifestSource } from './source';

/**
 * JSONC → JSON: blanks out `//` and `/* *\/` comments and trailing commas, leaving strings (which
 * may contain `//`, `/*` or `,]`) untouched. Every removed character becomes a space (newlines are
 * kept), so JSON.parse positions still point into the original text.
 */
export function stripJsonc(text: string): string {
  const out = text.split('');
  let i = 0;
  let lastComma = -1; // index of a comma that is so far followed only by blanks/comments
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n' && out[k] !== '\r') out[k] = ' ';
  };
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"') {
      lastComma = -1;
      i++;
      while (i < text.length && text[i] !== '"' && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
      i++;
    } else if (ch === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      blank(i, stop);
      i = stop;
    } else if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      blank(i, stop);
      i = stop;
    } else if (ch === ',') {
      lastComma = i;
      i++;
    } else if (ch === '}' || ch === ']') {
      if (lastComma !== -1) out[lastComma] = ' ';
      lastComma = -1;
      i++;
    } else {
      if (!/\s/.test(ch)) lastComma = -1;
      i++;
    }
  }
  return out.join('');
}

/** Parses JSON (or JSONC when `jsonc`) into an object, turning syntax errors into located MonochangeErrors. */
export function parseJsonObject(src: ManifestSource, text: string, jsonc = false): Record<string, unknown> {
  const format = jsonc ? 'JSONC' : 'JSON';
  const body = text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
  let value: unknown;
  try {
    value = JSON.parse(jsonc ? stripJsonc(body) : body);
  } catch (error) {
    const message = (error as Error).message;
    const detail = message.replace(/ in JSON at position \d+/, '').replace(/ \(line \d+ column \d+\)/, '');
    throw syntaxError(src, format, detail, locate(text, message));
  }
  if (!isRecord(value)) {
    throw syntaxError(src, format, `the top level must be an object, not ${Array.isArray(value) ? 'an array' : typeof value}`);
  }
  return value;
}

function locate(text: string, message: string): { line?: number; column?: number } {
  const lineCol = /line (\d+) column (\d+)/.exec(message);
  if (lineCol) return { line: Number(lineCol[1]), column: Number(lineCol[2]) };
  const pos = /at position (\d+)/.exec(message);
  if (!pos) return {};
  const offset = Number(pos[1]);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}
