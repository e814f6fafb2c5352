import path from 'node:path';

/** One entry point a package.json declares, with the field it came from (`exports["./cli"].import`). */
export interface EntryPoint {
  field: string;
  target: string;
}

/** `main`, `exports` (string, subpaths, nested conditions, fallback arrays), `bin`, `types`/`typings`. */
export function entryPoints(json: Record<string, unknown>): EntryPoint[] {
  const found: EntryPoint[] = [];
  const add = (field: string, value: unknown) => {
    if (typeof value === 'string' && value.trim()) found.push({ field, target: value.trim() });
  };
  add('main', json.main);
  add('types', json.types);
  add('typings', json.typings);
  if (typeof json.bin === 'string') add('bin', json.bin);
  else if (json.bin && typeof json.bin === 'object') for (const [name, value] of Object.entries(json.bin)) add(`bin.${name}`, value);
  walkExports(json.exports, 'exports', add);
  return found;
}

function walkExports(value: unknown, field: string, add: (field: string, value: unknown) => void): void {
  if (typeof value === 'string') add(field, value);
  else if (Array.isArray(value)) value.forEach((item, i) => walkExports(item, `${field}[${i}]`, add));
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) walkExports(inner, `${field}[${JSON.stringify(key)}]`, add);
  }
}

/** Is the entry point among the packed files? Node's `main` resolution adds `.js`, `.json`, `/index.js`; `*` patterns match any packed file. */
export function isPacked(entry: EntryPoint, packed: ReadonlySet<string>): boolean {
  const target = path.posix.normalize(entry.target.replace(/\\/g, '/')).replace(/^\.\//, '').replace(/\/$/, '');
  if (target.includes('*')) {
    const pattern = new RegExp(`^${target.split('*').map(escape).join('.+')}$`);
    return [...packed].some((file) => pattern.test(file));
  }
  const candidates = entry.field === 'main' ? [target, `${target}.js`, `${target}.json`, `${target}/index.js`] : [target];
  return candidates.some((c) => packed.has(c));
}

function escape(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
