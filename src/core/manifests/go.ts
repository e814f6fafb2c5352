import * as path from 'node:path';
import { MonochangeError } from '../errors';
import type { FileReader } from './file-reader';
import { forPackage, makeSource, missingFieldError, readManifestText, toPosix, type ManifestSource } from './source';
import type { Manifest, ManifestDependency } from './types';

interface Directive {
  verb: string;
  args: string[];
  comment: string;
  line: number;
}

/** Reads `<dir>/go.mod`. The name is the full module path; Go modules carry no version in go.mod. */
export function readGoManifest(root: string, dir: string, id?: string, reader?: FileReader): Manifest {
  const src = makeSource(root, dir, 'go.mod', 'go', id, reader);
  const directives = parseGoMod(src, readManifestText(src));

  const moduleLines = directives.filter((d) => d.verb === 'module');
  if (moduleLines.length > 1) throw syntax(src, 'repeated `module` directive', moduleLines[1].line);
  const moduleLine = moduleLines[0];
  if (!moduleLine) throw missingFieldError(src, 'module', 'start go.mod with `module example.com/owner/repo/path`');
  const modulePath = expectArgs(src, moduleLine, 1)[0];
  const goLine = directives.find((d) => d.verb === 'go');

  const replacements = directives.filter((d) => d.verb === 'replace').map((d) => parseReplace(src, d));
  const dependencies: ManifestDependency[] = directives
    .filter((d) => d.verb === 'require')
    .map((d) => {
      const [name, version] = expectArgs(src, d, 2);
      const dep: ManifestDependency = { name, kind: 'normal', field: 'require', versionReq: version };
      const local = replacements.find((r) => r.from === name && (r.fromVersion === undefined || r.fromVersion === version));
      if (local?.localPath !== undefined) dep.path = local.localPath;
      return dep;
    });

  const relativePath = toPosix(path.relative(src.root, src.dir));
  return {
    ecosystem: 'go',
    file: src.file,
    dir: src.dir,
    name: modulePath,
    version: undefined,
    private: false,
    dependencies,
    go: { modulePath, relativePath, goVersion: goLine?.args[0] },
  };
}

/** Tokenises go.mod into directives, expanding `verb ( ... )` blocks into one directive per line. */
export function parseGoMod(src: ManifestSource, text: string): Directive[] {
  const directives: Directive[] = [];
  let block: { verb: string; line: number } | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const { tokens, comment } = tokenize(src, raw, line);
    if (tokens.length === 0) return;
    if (block) {
      if (tokens.length === 1 && tokens[0] === ')') block = undefined;
      else directives.push({ verb: block.verb, args: tokens, comment, line });
      return;
    }
    const [verb, ...args] = tokens;
    if (!/^[a-z]+$/.test(verb)) throw syntax(src, `unexpected \`${verb}\` where a directive (module, go, require, replace, ...) was expected`, line);
    if (args.length === 1 && args[0] === '(') block = { verb, line };
    else if (args.length === 2 && args[0] === '(' && args[1] === ')') return;
    else directives.push({ verb, args, comment, line });
  });
  if (block) throw syntax(src, `\`${block.verb} (\` block is never closed with \`)\``, block.line);
  return directives;
}

function tokenize(src: ManifestSource, raw: string, line: number): { tokens: string[]; comment: string } {
  const tokens: string[] = [];
  let i = 0;
  while (i < raw.length) {
    const ch = raw[i];
    if (/\s/.test(ch)) i++;
    else if (ch === '/' && raw[i + 1] === '/') return { tokens, comment: raw.slice(i + 2).trim() };
    else if (ch === '"' || ch === '`') {
      let j = i + 1;
      let value = '';
      while (j < raw.length && raw[j] !== ch) {
        if (ch === '"' && raw[j] === '\\' && j + 1 < raw.length) j++;
        value += raw[j++];
      }
      if (j >= raw.length) throw syntax(src, 'unterminated quoted string', line, i + 1);
      tokens.push(value);
      i = j + 1;
    } else if (ch === '(' || ch === ')') {
      tokens.push(ch);
      i++;
    } else {
      let j = i;
      while (j < raw.length && !/[\s()]/.test(raw[j]) && !(raw[j] === '/' && raw[j + 1] === '/')) j++;
      tokens.push(raw.slice(i, j));
      i = j;
    }
  }
  return { tokens, comment: '' };
}

function expectArgs(src: ManifestSource, d: Directive, count: number): string[] {
  if (d.args.length !== count) {
    const usage = d.verb === 'module' ? 'module example.com/owner/repo' : `${d.verb} example.com/owner/module v1.2.3`;
    throw syntax(src, `\`${d.verb}\` expects ${count} argument${count === 1 ? '' : 's'}, got ${d.args.length} (write \`${usage}\`)`, d.line);
  }
  return d.args;
}

interface Replacement {
  from: string;
  fromVersion?: string;
  /** Set when the target is a directory (`./x`, `../x`, absolute) rather than a module. */
  localPath?: string;
}

function parseReplace(src: ManifestSource, d: Directive): Replacement {
  const arrow = d.args.indexOf('=>');
  const left = d.args.slice(0, arrow);
  const right = d.args.slice(arrow + 1);
  if (arrow === -1 || left.length < 1 || left.length > 2 || right.length < 1 || right.length > 2) {
    throw syntax(src, '`replace` must look like `replace example.com/a [v1.2.3] => ../a` or `=> example.com/b v1.2.3`', d.line);
  }
  const target = right[0];
  const isLocal = right.length === 1 && (/^\.\.?(\/|$)/.test(target) || path.isAbsolute(target));
  return { from: left[0], fromVersion: left[1], localPath: isLocal ? target : undefined };
}

function syntax(src: ManifestSource, problem: string, line: number, column?: number): MonochangeError {
  return new MonochangeError(`invalid go.mod: ${problem}${forPackage(src)}`, {
    code: 'manifest.syntax',
    file: src.displayFile,
    line,
    column,
    fix: `correct line ${line} of go.mod (\`go mod edit -fmt\` shows the canonical form)`,
  });
}
