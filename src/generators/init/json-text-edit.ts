/**
 * Minimal text edits of a JSON(C) file such as nx.json: only the characters that have to change
 * are written, so the rest keeps its formatting (compact arrays stay on one line, comments stay).
 */

import { stripJsonc } from '../../core/manifests/json-text';

type Path = ReadonlyArray<string | number>;

interface Node {
  kind: 'object' | 'array' | 'scalar';
  start: number;
  /** Index just past the value. */
  end: number;
  value: unknown;
  /** Objects: members in order; arrays: items. */
  members?: Array<{ key: string; keyStart: number; node: Node }>;
  items?: Node[];
}

/** Sets the value at `path` (creating missing objects on the way), editing as little text as it can. */
export function setJsonValue(text: string, path: Path, value: unknown): string {
  const root = parseNode(text);
  return apply(text, root, path, value);
}

function apply(text: string, node: Node, path: Path, value: unknown): string {
  if (path.length === 0) return merge(text, node, value);
  const [head, ...rest] = path;
  if (node.kind === 'object' && typeof head === 'string') {
    const member = node.members!.find((m) => m.key === head);
    if (member) return apply(text, member.node, rest, value);
    return insertMember(text, node, head, nest(rest, value));
  }
  if (node.kind === 'array' && typeof head === 'number' && head < node.items!.length) {
    return apply(text, node.items![head], rest, value);
  }
  throw new Error(`cannot set ${JSON.stringify(path)}: the JSON text has another shape there`);
}

/** `value` written over `node`: new keys and appended items are inserted, anything else replaced. */
function merge(text: string, node: Node, value: unknown): string {
  if (JSON.stringify(node.value) === JSON.stringify(value)) return text;
  if (node.kind === 'object' && isObject(value)) {
    const old = node.value as Record<string, unknown>;
    if (Object.keys(old).every((k) => k in value)) {
      let out = text;
      // From the last key backwards, so earlier offsets stay valid.
      const changed = node.members!.filter((m) => JSON.stringify(m.node.value) !== JSON.stringify(value[m.key]));
      for (const member of changed.reverse()) out = merge(out, member.node, value[member.key]);
      for (const key of Object.keys(value).filter((k) => !(k in old))) {
        out = insertMember(out, parseNode(out, node.start), key, value[key]);
      }
      return out;
    }
  }
  if (node.kind === 'array' && Array.isArray(value)) {
    const old = node.value as unknown[];
    if (value.length === old.length) {
      let out = text;
      for (let i = old.length - 1; i >= 0; i--) out = merge(out, node.items![i], value[i]);
      return out;
    }
    if (value.length > old.length && old.every((item, i) => JSON.stringify(item) === JSON.stringify(value[i]))) {
      let out = text;
      for (const item of value.slice(old.length)) out = appendItem(out, parseNode(out, node.start), item);
      return out;
    }
  }
  return text.slice(0, node.start) + render(value, indentAt(text, node.start), detectUnit(text)) + text.slice(node.end);
}

function nest(path: Path, value: unknown): unknown {
  return path.reduceRight<unknown>((inner, key) => (typeof key === 'string' ? { [key]: inner } : [inner]), value);
}

function insertMember(text: string, node: Node, key: string, value: unknown): string {
  const members = node.members!;
  const unit = detectUnit(text);
  const entry = (indent: string) => `${JSON.stringify(key)}: ${render(value, indent, unit)}`;
  if (members.length === 0) {
    const outer = indentAt(text, node.start);
    const inner = outer + unit;
    return `${text.slice(0, node.start)}{\n${inner}${entry(inner)}\n${outer}}${text.slice(node.end)}`;
  }
  const last = members[members.length - 1];
  const multiline = text.slice(node.start, members[0].keyStart).includes('\n');
  if (multiline) {
    const indent = indentAt(text, last.keyStart);
    return afterLast(text, last.node.end, `${indent}${entry(indent)}`);
  }
  return `${text.slice(0, last.node.end)}, ${JSON.stringify(key)}: ${JSON.stringify(value)}${text.slice(last.node.end)}`;
}

function appendItem(text: string, node: Node, value: unknown): string {
  const items = node.items!;
  if (items.length === 0) return `${text.slice(0, node.start)}[${JSON.stringify(value)}]${text.slice(node.end)}`;
  const last = items[items.length - 1];
  const multiline = text.slice(node.start, items[0].start).includes('\n');
  if (multiline) {
    const indent = indentAt(text, last.start);
    return afterLast(text, last.end, `${indent}${render(value, indent, detectUnit(text))}`);
  }
  return `${text.slice(0, last.end)}, ${JSON.stringify(value)}${text.slice(last.end)}`;
}

/** A comma after the value ending at `end`, and `line` on a new line after it (and after a `//` comment ending that line). */
function afterLast(text: string, valueEnd: number, line: string): string {
  // JSONC allows a trailing comma: keep it as the separator.
  const trailing = /^[ \t]*,/.exec(text.slice(valueEnd));
  const end = trailing ? valueEnd + trailing[0].length : valueEnd;
  const comma = trailing ? '' : ',';
  const newline = text.indexOf('\n', end);
  const lineEnd = newline === -1 ? text.length : newline;
  const rest = text.slice(end, lineEnd);
  const at = /^\s*(\/\/.*)?$/.test(rest) ? lineEnd : end;
  return `${text.slice(0, end)}${comma}${text.slice(end, at)}\n${line}${text.slice(at)}`;
}

/** Objects and arrays of objects on several lines (the way Nx writes nx.json), scalars and short arrays inline. */
function render(value: unknown, indent: string, unit: string): string {
  if (isObject(value) && Object.keys(value).length > 0) {
    const inner = indent + unit;
    const body = Object.entries(value).map(([k, v]) => `${inner}${JSON.stringify(k)}: ${render(v, inner, unit)}`);
    return `{\n${body.join(',\n')}\n${indent}}`;
  }
  if (Array.isArray(value) && value.some((v) => isObject(v) || Array.isArray(v))) {
    const inner = indent + unit;
    return `[\n${value.map((v) => inner + render(v, inner, unit)).join(',\n')}\n${indent}]`;
  }
  return JSON.stringify(value);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function indentAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}

function detectUnit(text: string): string {
  const match = /\n([ \t]+)\S/.exec(text);
  return match ? match[1] : '  ';
}

/**
 * A position-keeping JSONC parser: it reads the text with comments and trailing commas blanked out
 * by the one JSONC reader (`stripJsonc`, which keeps every offset), so positions are the original's.
 */
function parseNode(jsonc: string, at = 0): Node {
  const text = stripJsonc(jsonc);
  let i = at;
  const skip = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const fail = (): never => {
    throw new Error(`not valid JSON at offset ${i}`);
  };
  const readString = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail();
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (): Node => {
    skip();
    if (text.charCodeAt(i) === 0xfeff) i++;
    const start = i;
    const ch = text[i];
    if (ch === '{') {
      i++;
      const members: NonNullable<Node['members']> = [];
      const obj: Record<string, unknown> = {};
      for (;;) {
        skip();
        if (text[i] === '}') break;
        if (text[i] !== '"') fail();
        const keyStart = i;
        const key = readString();
        skip();
        if (text[i] !== ':') fail();
        i++;
        const node = value();
        members.push({ key, keyStart, node });
        obj[key] = node.value;
        skip();
        if (text[i] === ',') i++;
        else if (text[i] !== '}') fail();
      }
      i++;
      return { kind: 'object', start, end: i, value: obj, members };
    }
    if (ch === '[') {
      i++;
      const items: Node[] = [];
      for (;;) {
        skip();
        if (text[i] === ']') break;
        items.push(value());
        skip();
        if (text[i] === ',') i++;
        else if (text[i] !== ']') fail();
      }
      i++;
      return { kind: 'array', start, end: i, value: items.map((n) => n.value), items };
    }
    if (ch === '"') {
      const str = readString();
      return { kind: 'scalar', start, end: i, value: str };
    }
    const match = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i));
    if (!match) fail();
    i += match![0].length;
    return { kind: 'scalar', start, end: i, value: JSON.parse(match![0]) };
  };
  return value();
}
