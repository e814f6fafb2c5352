import { MonochangeError } from '../../errors';
import type { Env } from '../../types';
import { assertSafeArg } from '../../util/argv-guard';
import { renderCommand, type CommandRunner, type CommandSpec } from '../../util/command';
import { redact } from '../../util/redact';
import { failedCommandMessage, summarizeOutput } from '../command-attempt';
import { NPM_OUTPUT } from './outcome';
import { DEFAULT_NPM_REGISTRY_URL, isDefaultNpmRegistry } from './registry-url';

/**
 * `npm trust` (a recent npm 11): list a package's trusted publishers and add a GitHub Actions one.
 * pnpm has no `trust` command, so pnpm workspaces call npm too. npm rejects `--userconfig` here:
 * npm config reaches these commands through `npm_config_*` environment variables only.
 */
export interface NpmTrustRecord {
  package?: string;
  id?: string;
  type?: string;
  /** Workflow file name, e.g. `publish.yml`. */
  file?: string;
  /** `owner/repo`. */
  repository?: string;
  environment?: string;
  permissions: string[];
}

export interface NpmTrustGithubOptions {
  name: string;
  /** Bare workflow file name (`publish.yml`), as npm requires. */
  workflow: string;
  /** `owner/repo`. */
  repository: string;
  environment?: string;
  /** Registry base URL (default: the public npm registry). */
  base?: string;
  /** `--dry-run`: npm prints what it would send and contacts nothing. */
  dryRun?: boolean;
}

export interface NpmTrustRunOptions {
  /** Directory npm runs in (default: the process cwd). */
  cwd?: string;
  /** Extra variables for npm (`npm_config_*`). */
  env?: Env;
}

export function npmTrustListCommand(name: string, base: string = DEFAULT_NPM_REGISTRY_URL): string[] {
  return ['npm', 'trust', 'list', safeName(name), '--json', '--registry', base];
}

export function npmTrustGithubCommand(options: NpmTrustGithubOptions): string[] {
  validateGithubOptions(options);
  return githubArgv(options);
}

function githubArgv(options: NpmTrustGithubOptions): string[] {
  const argv = ['npm', 'trust', 'github', options.name, '--file', options.workflow, '--repo', options.repository];
  if (options.environment) argv.push('--env', options.environment);
  argv.push('--allow-publish', '--yes', '--registry', options.base ?? DEFAULT_NPM_REGISTRY_URL);
  if (options.dryRun) argv.push('--dry-run');
  return argv;
}

/** The `npm trust github …` command for messages; `--registry` only when it is not the public registry. */
export function renderNpmTrustCommand(options: NpmTrustGithubOptions): string {
  const argv = githubArgv(options);
  const base = options.base ?? DEFAULT_NPM_REGISTRY_URL;
  const shown = isDefaultNpmRegistry(base) ? argv.filter((arg, i) => arg !== '--registry' && argv[i - 1] !== '--registry') : argv;
  return renderCommand({ command: shown[0], args: shown.slice(1) });
}

export async function listNpmTrust(runner: CommandRunner, options: { name: string; base?: string } & NpmTrustRunOptions): Promise<NpmTrustRecord[]> {
  const argv = npmTrustListCommand(options.name, options.base);
  const stdout = await runTrustCommand(runner, argv, options, options.name);
  return parseNpmTrustJson(stdout).map((record) => ({ package: options.name, ...record }));
}

export interface NpmTrustConfigureResult {
  before: NpmTrustRecord[];
  after: NpmTrustRecord[];
  /** `npm trust github` ran (the publisher was missing before). */
  changed: boolean;
}

/** Checks the list, adds the GitHub publisher when missing, then lists again to verify it is there. */
export async function configureNpmTrust(runner: CommandRunner, options: NpmTrustGithubOptions & NpmTrustRunOptions): Promise<NpmTrustConfigureResult> {
  validateGithubOptions(options);
  const before = await listNpmTrust(runner, options);
  if (before.some((record) => matchesNpmTrust(record, options))) return { before, after: before, changed: false };
  await runTrustCommand(runner, npmTrustGithubCommand({ ...options, dryRun: false }), options, options.name);
  const after = await listNpmTrust(runner, options);
  if (!after.some((record) => matchesNpmTrust(record, options))) {
    throw new MonochangeError(
      `npm trust github reported success for ${options.name}, but \`npm trust list\` does not show a GitHub publisher for ${describeExpected(options)}`,
      {
        code: 'npm.trust-unverified',
        key: options.name,
        found: after.length ? after.map(describeRecord).join('; ') : 'no trusted publishers',
        fix: `check the package's access page (https://www.npmjs.com/package/${options.name}/access) and add the trusted publisher there`,
      },
    );
  }
  return { before, after, changed: true };
}

/** Same workflow file, repository and environment (none expected → the record must have none). */
export function matchesNpmTrust(record: NpmTrustRecord, expected: Pick<NpmTrustGithubOptions, 'workflow' | 'repository' | 'environment'>): boolean {
  if (record.type && record.type !== 'github') return false;
  return (
    record.file === expected.workflow && record.repository === expected.repository && (record.environment || undefined) === (expected.environment || undefined)
  );
}

/**
 * `npm trust list --json` prints one JSON object per publisher (concatenated, not an array) and
 * nothing when there is none; also accepts an array or a single object.
 */
export function parseNpmTrustJson(text: string): NpmTrustRecord[] {
  const records: NpmTrustRecord[] = [];
  for (const value of jsonValues(text)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item && typeof item === 'object') records.push(normalizeRecord(item as Record<string, unknown>));
    }
  }
  return records;
}

function normalizeRecord(raw: Record<string, unknown>): NpmTrustRecord {
  // The registry's own body nests the values under `claims`; npm's --json output flattens them.
  const claims = (raw.claims && typeof raw.claims === 'object' ? raw.claims : {}) as Record<string, unknown>;
  const workflowRef = (claims.workflow_ref && typeof claims.workflow_ref === 'object' ? claims.workflow_ref : {}) as Record<string, unknown>;
  const str = (...values: unknown[]) => values.find((v): v is string => typeof v === 'string' && v !== '');
  const record: NpmTrustRecord = {
    permissions: Array.isArray(raw.permissions) ? raw.permissions.filter((p): p is string => typeof p === 'string') : [],
  };
  const fields: Array<[keyof NpmTrustRecord, string | undefined]> = [
    ['package', str(raw.package)],
    ['id', str(raw.id)],
    ['type', str(raw.type)],
    ['file', str(raw.file, workflowRef.file)],
    ['repository', str(raw.repository, claims.repository)],
    ['environment', str(raw.environment, claims.environment)],
  ];
  for (const [key, value] of fields) if (value !== undefined) (record as unknown as Record<string, unknown>)[key] = value;
  return record;
}

/** Top-level JSON objects/arrays in `text`, in order; text between them is ignored. */
function jsonValues(text: string): unknown[] {
  const values: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"' && depth > 0) inString = true;
    else if (ch === '{' || ch === '[') {
      if (depth === 0) start = i;
      depth++;
    } else if ((ch === '}' || ch === ']') && depth > 0) {
      depth--;
      if (depth === 0) {
        const chunk = text.slice(start, i + 1);
        try {
          values.push(JSON.parse(chunk));
        } catch {
          throw new MonochangeError(`could not read the output of \`npm trust list --json\`: ${chunk.slice(0, 120)}`, {
            code: 'npm.trust-bad-json',
            fix: 'run the command by hand to see what npm prints; a recent npm 11 with `npm trust` is needed',
          });
        }
      }
    }
  }
  return values;
}

async function runTrustCommand(runner: CommandRunner, argv: string[], options: NpmTrustRunOptions, name: string): Promise<string> {
  const env = options.env ?? {};
  const spec: CommandSpec = { command: argv[0], args: argv.slice(1), cwd: options.cwd ?? process.cwd(), env: options.env };
  const result = await runner.run(spec);
  const rendered = renderCommand(spec, env);
  if (result.spawnError) {
    throw new MonochangeError(`\`${rendered}\` could not start: ${result.spawnError}`, {
      code: 'npm.trust-spawn',
      key: name,
      fix: 'install a recent npm 11 (`npm install -g npm@latest`) and make sure it is on PATH',
    });
  }
  if (result.exitCode !== 0) {
    const summary = summarizeOutput(redact(result.stderr, env), redact(result.stdout, env), NPM_OUTPUT);
    throw new MonochangeError(failedCommandMessage(rendered, result.exitCode, summary), {
      code: 'npm.trust-failed',
      key: name,
      fix: /Unknown command|Usage:/i.test(result.stderr)
        ? 'a recent npm 11 with `npm trust` is needed (`npm install -g npm@latest`)'
        : `npm trust needs an npm login of an owner of ${name} with two-factor authentication (run \`npm login\`), and the package must already exist on the registry`,
    });
  }
  return result.stdout;
}

/** The package.json name is a positional argument of `npm trust`: it must not look like an option. */
function safeName(name: string): string {
  return assertSafeArg(name, { source: 'package.json "name"', tool: 'npm' });
}

function validateGithubOptions(options: NpmTrustGithubOptions): void {
  safeName(options.name);
  for (const [key, value] of [
    ['workflow', options.workflow],
    ['repository', options.repository],
    ['environment', options.environment],
  ] as const) {
    if (value !== undefined) assertSafeArg(value, { source: `publish.trusted_publishing.${key}`, tool: 'npm' });
  }
  if (!/^[^/\\]+\.ya?ml$/.test(options.workflow)) {
    throw new MonochangeError(`npm trusted publishing needs the bare workflow file name, not "${options.workflow}"`, {
      code: 'npm.trust-workflow',
      key: options.name,
      fix: 'use the file name under .github/workflows, e.g. `publish.yml`',
    });
  }
  if (!/^[^/\s]+\/[^/\s]+$/.test(options.repository)) {
    throw new MonochangeError(`npm trusted publishing needs the repository as owner/repo, not "${options.repository}"`, {
      code: 'npm.trust-repository',
      key: options.name,
      fix: 'set the repository as `owner/repo`, e.g. `acme/widgets`',
    });
  }
}

function describeExpected(options: NpmTrustGithubOptions): string {
  return `${options.repository} ${options.workflow}${options.environment ? ` (environment ${options.environment})` : ''}`;
}

function describeRecord(record: NpmTrustRecord): string {
  return `${record.type ?? 'github'} ${record.repository ?? '?'} ${record.file ?? '?'}${record.environment ? ` (environment ${record.environment})` : ''}`;
}
