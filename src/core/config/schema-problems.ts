import type { z } from 'zod';
import { describeFound } from './describe-value';
import { closestMatch } from './edit-distance';
import { KEY_DOCS } from './key-docs';
import { abstractKeyPath, describeTable, formatKeyPath, type KeyPath } from './key-path';
import type { ConfigProblem } from './config-problem';
import { allowedKeysAt, describeAt } from './schema';

type Issue = z.core.$ZodIssue;

/** Turns zod issues about the raw TOML table into config problems with a found value and a fix. */
export function schemaProblems(issues: readonly Issue[], raw: unknown): ConfigProblem[] {
  const problems = issues.flatMap((issue) => issueProblems(issue, [], raw));
  // `packges = [...]` is reported as the typo it is, not also as a missing `packages`.
  const misspelt = new Set(
    problems.flatMap((p) => {
      const meant = SUGGESTED.get(p);
      return meant ? [formatKeyPath([...p.path.slice(0, -1), meant])] : [];
    }),
  );
  return problems.filter((p) => p.code !== 'config.missing-key' || !misspelt.has(formatKeyPath(p.path)));
}

/** The key an unknown-key problem suggests, when it is a key of the same table. */
const SUGGESTED = new WeakMap<ConfigProblem, string>();

function issueProblems(issue: Issue, prefix: KeyPath, raw: unknown): ConfigProblem[] {
  const path: KeyPath = [...prefix, ...(issue.path as KeyPath)];
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => unknownKeyProblem(path, key, valueAt(raw, [...path, key])));
    case 'invalid_union':
      return unionProblems(issue, path, raw);
    case 'invalid_type':
      if (valueAt(raw, path) === undefined) return [missingKeyProblem(path)];
      return [badValueProblem(path, valueAt(raw, path), 'config.invalid-type')];
    default:
      return [badValueProblem(path, valueAt(raw, path), 'config.invalid-value')];
  }
}

/** Of a union's branches, report the one the user evidently meant (the one failing deeper than its root type). */
function unionProblems(issue: Extract<Issue, { code: 'invalid_union' }>, path: KeyPath, raw: unknown): ConfigProblem[] {
  const meant = issue.errors.find((branch) => !branch.some((inner) => inner.code === 'invalid_type' && inner.path.length === 0));
  if (meant) return meant.flatMap((inner) => issueProblems(inner, path, raw));
  return [badValueProblem(path, valueAt(raw, path), 'config.invalid-type')];
}

function valueAt(raw: unknown, path: KeyPath): unknown {
  let current = raw;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment as string];
  }
  return current;
}

function docFor(path: KeyPath): { expects: string; example: string } {
  const doc = KEY_DOCS[abstractKeyPath(path)];
  if (doc?.expects.startsWith('a table')) return { expects: doc.expects, example: `[${formatKeyPath(path)}]` };
  if (doc) return doc;
  // Keys monochange reads but we only type-check: describe them from the schema. An array item
  // is described through its array (`versioned_files = [{ … }]`).
  let end = path.length;
  while (end > 0 && typeof path[end - 1] === 'number') end--;
  const arrayPath = path.slice(0, end);
  const described = describeAt(arrayPath);
  const key = arrayPath[arrayPath.length - 1];
  if (!described || key === undefined) return { expects: 'a valid value', example: `${String(key ?? '')} = …` };
  if (described.table) return { expects: described.expects, example: `[${formatKeyPath(arrayPath)}]` };
  return { expects: described.expects, example: `${formatKeyPath([key])} = ${described.value}` };
}

function exampleFix(path: KeyPath): string {
  const { example } = docFor(path);
  if (example.startsWith('[')) return `write it as a table, e.g. \`${example}\``;
  return `write e.g. \`${example}\` under ${describeTable(tableOf(path))}`;
}

/** The table holding a key (for `branches[1]`, the table holding `branches`). */
function tableOf(path: KeyPath): KeyPath {
  let end = path.length;
  while (end > 0 && typeof path[end - 1] === 'number') end--;
  return path.slice(0, Math.max(0, end - 1));
}

function missingKeyProblem(path: KeyPath): ConfigProblem {
  const parent = path.slice(0, -1);
  const key = String(path[path.length - 1]);
  const parentText = parent.length ? `\`[${formatKeyPath(parent)}]\`` : 'the file';
  const why = parent.length === 1 && parent[0] === 'source' ? ' (required whenever [source] is present)' : '';
  return {
    code: 'config.missing-key',
    path,
    problem: `${parentText} is missing the required key \`${key}\` (\`${formatKeyPath(path)}\`)`,
    fix: `add \`${docFor(path).example}\` under ${describeTable(parent)}${why}: ${docFor(path).expects}`,
  };
}

function badValueProblem(path: KeyPath, value: unknown, code: string): ConfigProblem {
  const { expects } = docFor(path);
  const item = typeof path[path.length - 1] === 'number';
  const hint = item ? undefined : valueHint(path, value);
  return {
    code,
    path,
    problem: item
      ? `\`${formatKeyPath(path)}\` is not valid: \`${formatKeyPath(path.slice(0, -1))}\` must be ${expects}`
      : `\`${formatKeyPath(path)}\` must be ${expects}`,
    found: describeFound(value),
    fix: hint ? `${hint.lead}${hint.lead.endsWith('?') ? ' Write' : ': write'} \`${hint.line}\` under ${describeTable(tableOf(path))}` : exampleFix(path),
  };
}

const TYPE_ALIASES: Record<string, string> = {
  rust: 'cargo',
  crate: 'cargo',
  crates: 'cargo',
  node: 'npm',
  nodejs: 'npm',
  javascript: 'npm',
  typescript: 'npm',
  js: 'npm',
  ts: 'npm',
  pnpm: 'npm',
  yarn: 'npm',
  jsr: 'deno',
  pub: 'dart',
  pypi: 'python',
  pip: 'python',
  py: 'python',
  golang: 'go',
};
const PROVIDER_ALIASES: Record<string, string> = { gh: 'github', codeberg: 'forgejo', 'github.com': 'github' };
const MODE_ALIASES: Record<string, string> = { custom: 'external', private: 'external', manual: 'external' };

const ENUM_CHOICES: Record<string, { choices: readonly string[]; aliases: Record<string, string> }> = {
  'package.*.type': { choices: ['npm', 'cargo', 'deno', 'dart', 'flutter', 'python', 'go'], aliases: TYPE_ALIASES },
  'defaults.package_type': {
    choices: ['npm', 'cargo', 'deno', 'dart', 'flutter', 'python', 'go'],
    aliases: TYPE_ALIASES,
  },
  'source.provider': {
    choices: ['github', 'gitlab', 'gitea', 'bitbucket', 'forgejo', 'other'],
    aliases: PROVIDER_ALIASES,
  },
  'publish.mode': { choices: ['builtin', 'external'], aliases: MODE_ALIASES },
};

/** A value-specific suggestion ("did you mean…", "use the bare file name…"), when there is one. */
function valueHint(path: KeyPath, value: unknown): { lead: string; line: string } | undefined {
  const key = String(path[path.length - 1]);
  const pattern = abstractKeyPath(path);
  if (typeof value !== 'string') return undefined;
  const choices = ENUM_CHOICES[pattern];
  if (choices) {
    const lower = value.toLowerCase();
    const match = choices.choices.find((c) => c === lower) ?? choices.aliases[lower] ?? closestMatch(value, choices.choices);
    return match ? { lead: `did you mean "${match}"?`, line: `${key} = "${match}"` } : undefined;
  }
  if (pattern === 'publish.trusted_publishing.workflow') {
    const base = value.split(/[\\/]/).pop()?.split('@')[0] ?? '';
    if (base !== value && /\.ya?ml$/.test(base)) return { lead: 'use the bare file name', line: `workflow = "${base}"` };
  }
  if (pattern === 'publish.trusted_publishing.repository') {
    const match = /^(?:https?:\/\/)?(?:www\.)?github\.com\/([^/\s]+)\/([^/\s]+?)(?:\.git)?\/?$/.exec(value);
    if (match) return { lead: 'use owner/repo, not a URL', line: `repository = "${match[1]}/${match[2]}"` };
  }
  if (pattern === 'source.host' || pattern === 'source.api_url') {
    try {
      const url = new URL(value);
      if (url.protocol === 'http:' && url.host) {
        return { lead: 'plain http:// is not accepted, use https://', line: `${key} = "https://${url.host}${url.pathname.replace(/\/+$/, '')}"` };
      }
      if (pattern === 'source.host' && url.host && (url.search || url.hash || url.username)) {
        return { lead: 'use the bare URL', line: `host = "https://${url.host}"` };
      }
    } catch {
      return undefined;
    }
  }
  return undefined;
}

const ECOSYSTEM_ALIASES: Record<string, string> = {
  rust: 'cargo',
  crates: 'cargo',
  crates_io: 'cargo',
  node: 'npm',
  javascript: 'npm',
  typescript: 'npm',
  jsr: 'deno',
  flutter: 'dart',
  pub: 'dart',
  pub_dev: 'dart',
  pypi: 'python',
  golang: 'go',
  go_proxy: 'go',
};

function unknownKeyProblem(path: KeyPath, key: string, value: unknown): ConfigProblem {
  const parent = path;
  const full = [...parent, key];
  const allowed = allowedKeysAt(parent);
  const suggestion = suggestKey(parent, key, allowed);
  const where = parent.length ? `\`[${formatKeyPath(parent)}]\`` : 'the top level';
  const allowedText = `keys allowed in ${where}: ${allowed.join(', ')}`;
  let fix = suggestion ? `did you mean \`${suggestion}\`? Rename it (${allowedText})` : `remove it (${allowedText})`;
  if (parent.length === 2 && parent[0] === 'ecosystems' && parent[1] === 'flutter') {
    fix = `flutter packages read \`[ecosystems.dart]\`: move \`${key}\` to \`[ecosystems.dart]\` (${allowedText})`;
  } else if (abstractKeyPath(parent) === 'ecosystems' && suggestion) {
    fix = `ecosystem tables are named after the package type: use \`[ecosystems.${suggestion}]\` (${allowedText})`;
  }
  const problem: ConfigProblem = {
    code: 'config.unknown-key',
    path: full,
    problem: `\`${formatKeyPath(full)}\` is not a known key`,
    found: describeFound(value),
    fix,
  };
  if (suggestion && !suggestion.includes('.')) SUGGESTED.set(problem, suggestion);
  return problem;
}

function suggestKey(parent: KeyPath, key: string, allowed: readonly string[]): string | undefined {
  const pattern = abstractKeyPath(parent);
  if (pattern === 'ecosystems') {
    const alias = ECOSYSTEM_ALIASES[key.toLowerCase()];
    if (alias) return alias;
  }
  const exactChild = childKeyMatch(parent, key, allowed, (candidates) => (candidates.includes(key) ? key : undefined));
  return exactChild ?? closestMatch(key, allowed) ?? childKeyMatch(parent, key, allowed, (candidates) => closestMatch(key, candidates));
}

/** A key that belongs one table deeper (`registry` written in `[package.web]` → `publish.registry`). */
function childKeyMatch(
  parent: KeyPath,
  key: string,
  allowed: readonly string[],
  match: (candidates: readonly string[]) => string | undefined,
): string | undefined {
  for (const child of allowed) {
    const childAllowed = allowedKeysAt([...parent, child]);
    const found = childAllowed.length > 0 ? match(childAllowed) : undefined;
    if (found) return `${child}.${found}`;
  }
  return undefined;
}
