/**
 * The directories the `use` directives of a go.work name, as written (`./a`, `"./b"`), in file
 * order. go.work holds `go`, `toolchain`, `use`, `replace` and `godebug` directives, each on one
 * line or as a `verb (` … `)` block, and `//` line comments.
 */
export function goWorkUses(text: string): string[] {
  const uses: string[] = [];
  let block: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)\/\/.*$/, '').trim();
    if (line === '') continue;
    if (block !== undefined) {
      if (line === ')') block = undefined;
      else if (block === 'use') pushPath(uses, line);
      continue;
    }
    const m = /^(\w+)\s*(.*)$/.exec(line);
    if (!m) continue;
    const [, verb, rest] = m;
    if (rest.startsWith('(')) {
      if (rest.replace(/\s+/g, '') !== '()') block = verb;
    } else if (verb === 'use') {
      pushPath(uses, rest);
    }
  }
  return uses;
}

/** The first token of `args`: a "quoted" or `raw` string, or everything up to whitespace. */
function pushPath(out: string[], args: string): void {
  let path: string | undefined;
  if (args.startsWith('"')) {
    const m = /^"((?:[^"\\]|\\.)*)"/.exec(args);
    try {
      path = m ? (JSON.parse(`"${m[1]}"`) as string) : undefined;
    } catch {
      path = undefined;
    }
  } else if (args.startsWith('`')) {
    path = /^`([^`]*)`/.exec(args)?.[1];
  } else {
    path = args.split(/\s/)[0];
  }
  if (path) out.push(path);
}
