import path from 'node:path';
import { classifyNpmCredentials, describeNpmCredential, type NpmCredentialFinding } from '../../registries/npm/credentials';
import { npmBaseUrl } from '../../registries/npm/registry-url';
import { refusedTokenVariables } from '../../trust/tokens';
import type { Check } from '../../types';
import type { ReadinessCheck, ReadinessContext } from '../types';
import { fail, listOf, pass, registryOf, trustedPublishing, willPublish } from './support';

/**
 * Long-lived credentials that would be used instead of (or break) trusted publishing: token
 * variables in the environment and credential lines in the npmrc files npm loads, judged exactly
 * as the publish gate judges them. Values are never read into messages, only names and file:line.
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
    return pass(
      'credentials.env-token',
      '`CARGO_REGISTRY_TOKEN` is set: fine when rust-lang/crates-io-auth-action produced it in this job, a long-lived token otherwise (which cannot be told apart from here)',
    );
  }
  return pass('credentials.env-token', `no long-lived ${label} token variable is set`);
}

function npmrcCheck(ctx: ReadinessContext): Check {
  const registryUrl = npmBaseUrl(ctx.env);
  const { applying, otherRegistries } = classifyNpmCredentials({ env: ctx.env, root: ctx.config.root, packageDir: ctx.target.manifest.dir, registryUrl });
  const relevant = applying.filter((f) => f.source === 'npmrc');
  const host = registryHost(registryUrl);
  const display = (f: NpmCredentialFinding) => describeNpmCredential({ ...f, file: displayPath(ctx, f.file as string) });
  if (relevant.length > 0) {
    const envRef = relevant.some((f) => f.via !== undefined);
    return fail(
      'credentials.npmrc-token',
      `${relevant.map(display).join(', ')} configure${relevant.length > 1 ? '' : 's'} a credential for ${host}; npm uses it instead of the OIDC exchange, or falls back to it when the exchange fails (E404/ENEEDAUTH)${envRef ? ' — `${…}` references are what actions/setup-node `registry-url` writes' : ''}`,
      `delete ${relevant.length > 1 ? 'these lines' : 'this line'} for the publish job (drop \`registry-url\` from actions/setup-node)`,
    );
  }
  const others = otherRegistries.filter((f) => f.source === 'npmrc').length;
  return pass('credentials.npmrc-token', `no .npmrc sets a credential for ${host}${others > 0 ? ` (${others} for other registries)` : ''}`);
}

function registryHost(base: string): string {
  try {
    return new URL(base).host;
  } catch {
    return base;
  }
}

function displayPath(ctx: ReadinessContext, file: string): string {
  const rel = path.relative(ctx.config.root, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}
