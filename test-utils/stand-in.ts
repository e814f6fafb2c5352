import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Stand-in executables for tools that do not exist on this machine (`uv`, `dart`, `flutter`): a
 * small Node script that appends one JSON line per call (argv, cwd, selected env) to a log file
 * and answers with a chosen exit code, stdout and stderr.
 */
export interface StandInAnswer {
  exitCode?: number;
  stdout?: string;
  stderr?: string;
  /** Create these (empty-ish) files in the directory given as the argument after `afterArg`. */
  writeFiles?: { afterArg: string; names: string[] };
}

export interface StandInRule extends StandInAnswer {
  /** The rule applies when argv starts with these arguments. */
  argsPrefix: string[];
}

export interface StandInOptions extends StandInAnswer {
  /** Directory for the executable (prepend it to PATH). */
  binDir: string;
  /** Program name, e.g. `uv`. */
  name: string;
  /** Environment variables to record (absent ones are recorded as null). */
  recordEnv?: string[];
  /** Files (relative to cwd) whose contents are recorded with each call, when present. */
  recordFiles?: string[];
  /** First matching rule wins; otherwise the top-level answer applies. */
  rules?: StandInRule[];
}

export interface StandInCall {
  argv: string[];
  cwd: string;
  env: Record<string, string | null>;
  /** Files present in cwd when the tool ran (sorted, recursive, relative). */
  files: string[];
  /** Contents of the `recordFiles` that existed. */
  contents: Record<string, string>;
}

export interface StandIn {
  /** Absolute path of the executable. */
  path: string;
  logFile: string;
  calls(): StandInCall[];
  /** Forget the calls recorded so far. */
  reset(): void;
}

const SCRIPT = (config: object) => `#!${process.execPath}
'use strict';
const fs = require('fs');
const path = require('path');
const config = ${JSON.stringify(config)};
const argv = process.argv.slice(2);
const listFiles = (dir, base = '') => {
  let out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = base ? base + '/' + entry.name : entry.name;
    if (entry.isDirectory()) out = out.concat(listFiles(path.join(dir, entry.name), rel));
    else out.push(rel);
  }
  return out.sort();
};
const env = {};
for (const key of config.recordEnv) env[key] = process.env[key] === undefined ? null : process.env[key];
const contents = {};
for (const rel of config.recordFiles) {
  const file = path.join(process.cwd(), rel);
  if (fs.existsSync(file)) contents[rel] = fs.readFileSync(file, 'utf8');
}
fs.appendFileSync(config.logFile, JSON.stringify({ argv, cwd: process.cwd(), env, files: listFiles(process.cwd()), contents }) + '\\n');
const rule = config.rules.find((r) => r.argsPrefix.every((a, i) => argv[i] === a)) || config.answer;
if (rule.writeFiles) {
  const at = argv.indexOf(rule.writeFiles.afterArg);
  const dir = path.resolve(argv[at + 1]);
  fs.mkdirSync(dir, { recursive: true });
  for (const name of rule.writeFiles.names) fs.writeFileSync(path.join(dir, name), 'stand-in ' + name + '\\n');
}
if (rule.stdout) process.stdout.write(rule.stdout);
if (rule.stderr) process.stderr.write(rule.stderr);
process.exitCode = rule.exitCode || 0;
`;

export async function writeStandIn(options: StandInOptions): Promise<StandIn> {
  const file = path.join(options.binDir, options.name);
  const logFile = path.join(options.binDir, `${options.name}.calls.jsonl`);
  const answer: StandInAnswer = { exitCode: options.exitCode, stdout: options.stdout, stderr: options.stderr, writeFiles: options.writeFiles };
  await writeFile(file, SCRIPT({ logFile, recordEnv: options.recordEnv ?? [], recordFiles: options.recordFiles ?? [], rules: options.rules ?? [], answer }));
  await chmod(file, 0o755);
  await writeFile(logFile, '');
  return {
    path: file,
    logFile,
    calls: () =>
      existsSync(logFile)
        ? readFileSync(logFile, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line) as StandInCall)
        : [],
    reset: () => writeFileSync(logFile, ''),
  };
}
