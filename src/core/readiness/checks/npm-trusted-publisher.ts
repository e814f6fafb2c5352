import { packageTable } from '../../config/key-path';
import { createHash } from 'node:crypto';
import semver from 'semver';
import { isMonochangeError } from '../../errors';
import { failedCommandMessage, summarizeOutput } from '../../registries/command-attempt';
import { findNpmCredentials } from '../../registries/npm/credentials';
import { isDefaultNpmRegistry, npmBaseUrl } from '../../registries/npm/registry-url';
import { NPM_OUTPUT } from '../../registries/npm/outcome';
import { matchesNpmTrust, npmTrustListCommand, parseNpmTrustJson, renderNpmTrustCommand, type NpmTrustRecord } from '../../registries/npm/trust';
import { describeContext, resolveExpectedContext, type ExpectedContext } from '../../trust/context';
import type { Check, Env } from '../../types';
import type { CommandResult, CommandRunner } from '../../util/command';
import { redact } from '../../util/redact';
import type { ReadinessCheck, ReadinessContext } from '../types';
import { fail, pass, registryOf, trustedPublishing, warn, willPublish } from './support';
import { parseToolVersion, toolCommand, toolVersionOutput } from './tools';

/** `npm trust` (and `npm trust list`) exists from this npm on. */
export const NPM_TRUST_LIST_MIN = '11.10.0';
/** What npm documents for its trust commands since `npm trust github` needs `--allow-publish`. */
export const NPM_TRUST_MIN = '11.15.0';

/** The permission `--allow-publish` grants; a record with only `createStagedPackage` refuses `npm publish`. */
const PUBLISH_PERMISSION = 'createPackage';

/** Variables that decide which npm login `npm whoami` sees (besides the registry URL and the workspace root). */
const NPM_LOGIN_ENV = /^(npm_config_.*|NODE_AUTH_TOKEN|NPM_TOKEN|HOME|USERPROFILE|APPDATA)$/i;

export type NpmLogin = { kind: 'user'; user: string } | { kind: 'anonymous'; why: string } | { kind: 'unknown'; why: string };

/** `npm whoami` answers, per registry and npm config, for the whole process: 200 packages ask npm once. */
const whoamiCache = new Map<string, Promise<NpmLogin>>();

export function clearNpmWhoamiCache(): void {
  whoamiCache.clear();
}

/** Hashed, so token values from the environment are never kept as readable map keys. */
function loginKey(base: string, root: string, env: Env): string {
  const hash = createHash('sha256').update(`${base}\0${root}`);
  for (const key of Object.keys(env)
    .filter((k) => NPM_LOGIN_ENV.test(k))
    .sort())
    hash.update(`\0${key}=${env[key] ?? ''}`);
  return hash.digest('hex');
}

/**
 * Does npm hold credentials for `base`? `npm whoami` is read-only; asked once per registry and npm
 * config. `onlyWithCredential` (CI): npm cannot be logged in without a credential in its config or
 * environment, so without one the answer is `anonymous` and no npm process starts.
 */
export function npmLogin(runner: CommandRunner, base: string, root: string, env: Env, options: { onlyWithCredential?: boolean } = {}): Promise<NpmLogin> {
  const key = `${loginKey(base, root, env)}${options.onlyWithCredential ? '\0configured-only' : ''}`;
  let pending = whoamiCache.get(key);
  if (!pending) {
    pending =
      options.onlyWithCredential && !findNpmCredentials({ env, root, packageDir: root, registryUrl: base }).length
        ? Promise.resolve({ kind: 'anonymous' as const, why: `no credential for ${base} in npm's config or environment` })
        : runner
            .run({ command: 'npm', args: ['whoami', '--registry', base], cwd: root, env: { npm_config_logs_max: '0' } })
            .then((result) => classifyWhoami(result, env))
            .catch((error: unknown) => ({
              kind: 'unknown' as const,
              why: `npm could not be started (${error instanceof Error ? error.message : String(error)})`,
            }));
    whoamiCache.set(key, pending);
  }
  return pending;
}

function classifyWhoami(result: CommandResult, env: Env): NpmLogin {
  if (result.spawnError) return { kind: 'unknown', why: `npm could not be started (${redact(result.spawnError, env)})` };
  const user = result.stdout
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .pop();
  if (result.exitCode === 0 && user) return { kind: 'user', user: redact(user, env) };
  const output = `${result.stderr}\n${result.stdout}`;
  const why = npmErrorSummary(result, env) || `exit code ${result.exitCode}`;
  if (/ENEEDAUTH|E401|E403|logged in|authenticat/i.test(output)) return { kind: 'anonymous', why };
  return { kind: 'unknown', why };
}

/** npm's own error summary: the `--json` error object when there is one, else the `npm error` lines. */
function npmErrorSummary(result: CommandResult, env: Env): string {
  let text = '';
  const start = result.stdout.indexOf('{');
  if (start >= 0) {
    try {
      const error = (JSON.parse(result.stdout.slice(start)) as { error?: { code?: unknown; summary?: unknown } }).error;
      if (error && typeof error.summary === 'string') text = `${typeof error.code === 'string' ? `${error.code}: ` : ''}${error.summary}`;
    } catch {
      text = '';
    }
  }
  if (!text) {
    text = summarizeOutput(result.stderr, start >= 0 ? '' : result.stdout, NPM_OUTPUT);
  }
  return redact(text, env).slice(0, 400);
}

/**
 * "When credentials allow, `npm trust list` shows a publisher matching the expected context":
 * only for an npm package that already exists, will be published and uses trusted publishing.
 * Without an npm login nothing is reported in CI (OIDC jobs have none) and one warn in a shell.
 */
export const npmTrustedPublisherChecks: ReadinessCheck = async (ctx) => {
  if (registryOf(ctx) !== 'npm' || !willPublish(ctx) || !trustedPublishing(ctx) || ctx.state.anyVersionExists !== true) return [];
  const checks = await trustedPublisherCheck(ctx);
  // Belt and braces: nothing from the environment or npm's output that looks like a credential is printed.
  return checks.map((c) => ({ ...c, message: redact(c.message, ctx.env), ...(c.fix !== undefined ? { fix: redact(c.fix, ctx.env) } : {}) }));
};

function inCi(ctx: ReadinessContext): boolean {
  return ctx.identity.provider !== 'unknown';
}

async function trustedPublisherCheck(ctx: ReadinessContext): Promise<Check[]> {
  const name = ctx.target.name;
  const base = ctx.target.adapter?.baseUrl(ctx.env) ?? npmBaseUrl(ctx.env);
  const resolved = resolveExpectedContext(ctx.target.pkg, ctx.config, ctx.identity);
  const expected = resolved.ok ? resolved.context : undefined;
  const login = await npmLogin(ctx.runner, base, ctx.config.root, ctx.env, { onlyWithCredential: inCi(ctx) });

  if (login.kind !== 'user') {
    if (inCi(ctx)) return [];
    const why =
      login.kind === 'anonymous'
        ? `npm has no login for ${base} (\`npm whoami\`: ${login.why})`
        : `could not ask npm who is logged in to ${base}: ${login.why}`;
    return [warn('npm.trusted-publisher', `the npm trusted publisher of ${name} was not verified: ${why}`, notVerifiedFix(ctx, base, expected))];
  }

  if (!resolved.ok) {
    return [warn('npm.trusted-publisher', `cannot tell which trusted publisher npm should list for ${name}: ${resolved.message}`, resolved.fix)];
  }

  const npmVersion = await installedNpmVersion(ctx);
  if (npmVersion && semver.lt(npmVersion, NPM_TRUST_LIST_MIN)) return [tooOld(ctx, base, npmVersion, resolved.context)];

  let argv: string[];
  try {
    argv = npmTrustListCommand(name, base);
  } catch (error) {
    if (!isMonochangeError(error)) throw error;
    return [fail('npm.trusted-publisher', error.problem, error.details.fix ?? 'rename the package')];
  }
  const result = await ctx.runner.run({ command: argv[0], args: argv.slice(1), cwd: ctx.target.manifest.dir, env: { npm_config_logs_max: '0' } });
  if (result.spawnError) {
    return [
      warn('npm.trusted-publisher', `\`npm trust list\` could not start: ${redact(result.spawnError, ctx.env)}`, notVerifiedFix(ctx, base, resolved.context)),
    ];
  }
  if (result.exitCode !== 0) {
    if (/Unknown command:?\s*"?trust\b/i.test(`${result.stderr}\n${result.stdout}`)) return [tooOld(ctx, base, npmVersion, resolved.context)];
    return [
      warn(
        'npm.trusted-publisher',
        `as npm user ${login.user}, ${failedCommandMessage(`npm trust list ${name}`, result.exitCode, npmErrorSummary(result, ctx.env))}`,
        notVerifiedFix(ctx, base, resolved.context, true),
      ),
    ];
  }

  let records: NpmTrustRecord[];
  try {
    records = parseNpmTrustJson(result.stdout);
  } catch (error) {
    if (!isMonochangeError(error)) throw error;
    return [warn('npm.trusted-publisher', error.message, notVerifiedFix(ctx, base, resolved.context))];
  }
  return [verdict(ctx, base, login.user, records, resolved.context)];
}

function verdict(ctx: ReadinessContext, base: string, user: string, records: NpmTrustRecord[], expected: ExpectedContext): Check {
  const name = ctx.target.name;
  const want = describeContext(expected);
  const matching = records.filter((r) => matchesNpmTrust(r, expected));
  const publishing = matching.find((r) => r.permissions.length === 0 || r.permissions.includes(PUBLISH_PERMISSION));
  if (publishing) {
    return pass(
      'npm.trusted-publisher',
      `npm lists a trusted publisher for ${name} matching ${want}${publishing.id ? ` (id ${publishing.id})` : ''}; checked as npm user ${user}`,
    );
  }
  const add = renderNpmTrustCommand({ name, repository: expected.repository, workflow: expected.workflow, environment: expected.environment, base });
  if (matching.length > 0) {
    const record = matching[0];
    return fail(
      'npm.trusted-publisher',
      `the trusted publisher of ${name} for ${want} only allows ${listPermissions(record)}, not \`npm publish\`; the publish would be refused`,
      `replace it with one that allows publishing: \`npm trust revoke ${name} --id ${record.id ?? '<id>'}\`, then \`${add}\` (npm >= ${NPM_TRUST_MIN}, an owner's login with 2FA)`,
    );
  }
  const found =
    records.length === 0
      ? `npm lists no trusted publisher for ${name}`
      : `npm lists ${records.length} trusted publisher(s) for ${name}, none for ${want}: ${records.map(describeRecord).join('; ')}`;
  const table = packageTable(ctx.target.pkg.id, 'publish', 'trusted_publishing');
  return fail(
    'npm.trusted-publisher',
    `${found} (checked as npm user ${user}); an OIDC publish from ${want} would be refused`,
    [
      `add it: \`${add}\` (npm >= ${NPM_TRUST_MIN}, an owner's login with 2FA), or \`npx nx run ${ctx.target.project}:placeholder-publish --configureTrust\``,
      ...(records.length > 0
        ? [`revoke a stale one with \`npm trust revoke ${name} --id <id>\`, or, if a listed publisher is the right one, make ${table} match it`]
        : []),
    ].join('; '),
  );
}

function listPermissions(record: NpmTrustRecord): string {
  return record.permissions.map((p) => `\`${p}\``).join(', ');
}

function describeRecord(record: NpmTrustRecord): string {
  const type = record.type ?? 'github';
  const where =
    type === 'github'
      ? ` repository \`${record.repository ?? '?'}\`, workflow \`${record.file ?? '?'}\`${record.environment ? `, environment \`${record.environment}\`` : ''}`
      : '';
  return `${type}${where}${record.id ? ` (id ${record.id})` : ''}`;
}

async function installedNpmVersion(ctx: ReadinessContext): Promise<string | undefined> {
  const result = await toolVersionOutput(ctx.runner, toolCommand('npm', ctx.config.root), ctx.config.root, ctx.env.PATH);
  if (result.spawnError || result.exitCode !== 0) return undefined;
  return parseToolVersion(`${result.stdout}\n${result.stderr}`);
}

function tooOld(ctx: ReadinessContext, base: string, version: string | undefined, expected: ExpectedContext): Check {
  return warn(
    'npm.trusted-publisher',
    `the npm trusted publisher of ${ctx.target.name} was not verified: npm ${version ?? '(this version)'} has no \`npm trust\` (npm >= ${NPM_TRUST_MIN} is needed for the trust commands)`,
    `run \`npm install -g npm@^${NPM_TRUST_MIN}\` and re-run readiness, or ${accessPage(ctx, base, expected)}`,
  );
}

function notVerifiedFix(ctx: ReadinessContext, base: string, expected: ExpectedContext | undefined, loggedIn = false): string {
  const login = isDefaultNpmRegistry(base) ? '`npm login`' : `\`npm login --registry ${base}\``;
  const first = loggedIn
    ? `log in as an owner of ${ctx.target.name} with 2FA (${login}) and re-run readiness`
    : `run ${login} (as an owner of ${ctx.target.name}) and re-run readiness`;
  return `${first}, or ${accessPage(ctx, base, expected)}`;
}

function accessPage(ctx: ReadinessContext, base: string, expected: ExpectedContext | undefined): string {
  const where = isDefaultNpmRegistry(base)
    ? `https://www.npmjs.com/package/${ctx.target.name}/access`
    : `the trusted publisher settings of ${ctx.target.name} on ${base}`;
  return `check ${where}${expected ? `: it must list GitHub Actions with ${describeContext(expected)}` : ''}`;
}
