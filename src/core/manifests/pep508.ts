/** PEP 503 normalised project name: lower-case, runs of `-`, `_`, `.` become one `-`. */
export function normalizePythonName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

export interface Pep508Requirement {
  /** Normalised distribution name. */
  name: string;
  extras: string[];
  /** Version specifier (`>=1.0,<2`), without parentheses; undefined when absent. */
  versionReq?: string;
  /** Direct reference after `@` (`file:///...`, `https://...`). */
  url?: string;
  marker?: string;
}

const NAME = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*/;

/** Parses a PEP 508 requirement string, or returns undefined when it has no valid distribution name. */
export function parsePep508(text: string): Pep508Requirement | undefined {
  const nameMatch = NAME.exec(text);
  if (!nameMatch) return undefined;
  let rest = text.slice(nameMatch[0].length);
  const req: Pep508Requirement = { name: normalizePythonName(nameMatch[1]), extras: [] };

  const extras = /^\[([^\]]*)\]\s*/.exec(rest);
  if (extras) {
    req.extras = extras[1]
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean);
    rest = rest.slice(extras[0].length);
  } else if (rest.startsWith('[')) {
    return undefined;
  }

  const semicolon = rest.indexOf(';');
  if (semicolon !== -1) {
    req.marker = rest.slice(semicolon + 1).trim() || undefined;
    rest = rest.slice(0, semicolon);
  }
  rest = rest.trim();
  if (rest.startsWith('@')) {
    req.url = rest.slice(1).trim();
    return req.url ? req : undefined;
  }
  if (rest.startsWith('(') && rest.endsWith(')')) rest = rest.slice(1, -1).trim();
  if (rest === '') return req;
  if (!/^(?:===|~=|==|!=|<=|>=|<|>)/.test(rest)) return undefined;
  req.versionReq = rest.replace(/\s+/g, '');
  return req;
}
