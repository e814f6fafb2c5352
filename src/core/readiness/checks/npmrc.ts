import path from 'node:path';
import { classifyNpmCredentials, describeNpmCredential, type NpmCredentialFinding } from '../../registries/npm/credentials';
import { npmBaseUrl } from '../../registries/npm/registry-url';
import type { Check } from '../../types';
import type { ReadinessContext } from '../types';
import { fail, pass } from './support';

/**
 * Credential lines for the publish registry in the npmrc files npm loads, judged as the publish
 * gate judges them; npm's adapter declares it as its credential-file check (see credentials.ts).
 * Only names and file:line reach the message, never a value.
 */
export function npmrcCheck(ctx: ReadinessContext): Check {
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
