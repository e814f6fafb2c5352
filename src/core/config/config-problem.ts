import { MonochangeError } from '../errors';
import { formatKeyPath, type KeyPath } from './key-path';
import type { TomlKeyLocator } from './toml-locator';

/** One problem found in monochange.toml, before it is located and turned into an error. */
export interface ConfigProblem {
  /** Stable code, e.g. `config.unknown-key`. */
  code: string;
  /** Key path the problem is about (`package.web.publish.registry`). */
  path: KeyPath;
  /** The problem, naming the key path. */
  problem: string;
  /** What was found, rendered with `describeFound`. */
  found?: string;
  /** What to do. */
  fix: string;
  /** Known position (TOML syntax errors); otherwise located from the key path. */
  line?: number;
  column?: number;
}

/**
 * The problem to report among several: the first in the file (by line, then column), then the
 * first found. Reporting one problem keeps messages short; the order makes the choice deterministic.
 */
export function firstProblem(problems: ConfigProblem[], locator: TomlKeyLocator): ConfigProblem {
  const located = problems.map((p, index) => ({ p: withLocation(p, locator), index }));
  located.sort((a, b) => (a.p.line ?? Infinity) - (b.p.line ?? Infinity) || (a.p.column ?? Infinity) - (b.p.column ?? Infinity) || a.index - b.index);
  return located[0].p;
}

export function withLocation(problem: ConfigProblem, locator: TomlKeyLocator): ConfigProblem {
  if (problem.line !== undefined) return problem;
  const location = locator.locate(problem.path);
  return location ? { ...problem, ...location } : problem;
}

export function problemToError(problem: ConfigProblem, file: string, locator: TomlKeyLocator): MonochangeError {
  const located = withLocation(problem, locator);
  return new MonochangeError(located.problem, {
    code: located.code,
    file,
    line: located.line,
    column: located.column,
    key: formatKeyPath(located.path),
    found: located.found,
    fix: located.fix,
  });
}
