import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { npmBaseUrl } from '../../registries/npm/registry-url';
import { describeNpmrcAuthToken, findNpmrcAuthTokens, refusedTokenVariables, type NpmrcAuthToken } from '../../trust/tokens';
import type { Check } from '../../types';
import type { ReadinessCheck, ReadinessContext } from '../types';
import { fail, listOf, pass, registryOf, trustedPublishing, willPublish } from './support';

/**
 * Long-lived credentials that would be used instead of (or break) trusted publishing: token
 * variables in the environment and `_authToken` lines in `.npmrc` files. Values are never read
 * into messages, only names and file:line.
 */
export const credentialChecks: ReadinessCheck = (ctx) => {
  if (!willPublish(ctx)) return [];
  if (!trustedPublishing(ctx)) return [pass('credentials.env-token', 'trusted publishing is off for this package: tokens are how it authenticates')];
  const checks: Check[] = [envTokenCheck(ctx)];
  if (registryOf(ctx) === 'npm') checks.push(npmrcCheck(ctx));
  return checks;
};

function envTokenCheck(ctx: ReadinessContext): Check {
  const registry = registryOf(ctx);
  const label = ctx.target.adapter?.label ?? registry;
  const refused = refusedTokenVariables(registry, ctx.env);
  if (refused.length > 0) {
    return fail(
      'credentials.env-token',
      `${listOf(refused)} ${refused.length > 1 ? 'are' : 'is'} set in the environment; ${label} would use ${refused.length > 1 ? 'them' : 'it'} instead of trusted publishing (an empty value counts: setup actions write one)`,
      `remove ${listOf(refused)} from the publish job (and \`registry-url\` from actions/setup-node)`,
    );
  }
  if (registry === 'crates_io' && ctx.env.CARGO_REGISTRY_TOKEN !== undefined) {
    // rust-lang/crates-io-auth-action exports the short-lived token under this same name.
    return pass('credentials.env-token', '`CARGO_REGISTRY_TOKEN` is set: fine when rust-lang/crates-io-auth-action produced it in this job, a long-lived token otherwise (which cannot be told apart from here)');
  }
  return pass('credentials.env-token', `no long-lived ${label} token variable is set`);
}

/** Project `.npmrc` (workspace root and package dir) and the user's (`npm_config_userconfig`, else `~/.npmrc`). */
export function npmrcFiles(ctx: ReadinessContext): string[] {
  const env = ctx.env;
  const user = env.npm_config_userconfig ?? env.NPM_CONFIG_USERCONFIG ?? path.join(env.HOME ?? os.homedir(), '.npmrc');
  const files = [path.join(ctx.config.root, '.npmrc'), path.join(ctx.target.manifest.dir, '.npmrc'), path.resolve(ctx.config.root, user)];
  return [...new Set(files)];
}

function npmrcCheck(ctx: ReadinessContext): Check {
  const files = npmrcFiles(ctx)
    .filter((file) => fs.existsSync(file))
    .map((file) => ({ path: file, text: fs.readFileSync(file, 'utf8') }));
  const host = registryHost(npmBaseUrl(ctx.env));
  const tokens = findNpmrcAuthTokens(files);
  const relevant = tokens.filter((t) => appliesTo(t, host));
  const display = (t: NpmrcAuthToken) => describeNpmrcAuthToken({ ...t, path: displayPath(ctx, t.path) });
  if (relevant.length > 0) {
    const envRef = relevant.some((t) => t.fromEnvReference);
    return fail(
      'credentials.npmrc-token',
      `${relevant.map(display).join(', ')} configure${relevant.length > 1 ? '' : 's'} an auth token for ${host}; npm uses it instead of the OIDC exchange, or falls back to it when the exchange fails (E404/ENEEDAUTH)${envRef ? ' — `${…}` references are what actions/setup-node `registry-url` writes' : ''}`,
      `delete ${relevant.length > 1 ? 'these lines' : 'this line'} for the publish job (drop \`registry-url\` from actions/setup-node)`,
    );
  }
  const others = tokens.length - relevant.length;
  return pass('credentials.npmrc-token', `no .npmrc sets an auth token for ${host}${others > 0 ? ` (${others} for other registries)` : ''}`);
}

function registryHost(base: string): string {
  try {
    return new URL(base).host;
  } catch {
    return base;
  }
}

/** `_authToken` alone (default registry) or `//<host>/…:_authToken` for the publish registry. */
function appliesTo(token: NpmrcAuthToken, host: string): boolean {
  const scoped = /^\/\/([^/:]+(?::\d+)?)/.exec(token.key);
  return !scoped || scoped[1].toLowerCase() === host.toLowerCase();
}

function displayPath(ctx: ReadinessContext, file: string): string {
  const rel = path.relative(ctx.config.root, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}
