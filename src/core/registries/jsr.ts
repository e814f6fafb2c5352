import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Env } from '../types';
import { renderCommand, type CommandRunner, type CommandSpec } from '../util/command';
import { grant } from '../util/secret-env';
import { attemptFromResult } from './command-attempt';
import { resolveDenoBinary } from './jsr/deno-binary';
import { jsrPackageName } from './jsr/name';
import { findPlaceholderLicense } from './jsr/placeholder-license';
import { resolveBaseUrl } from './support/base-url';
import { withTempDir } from './support/temp-dir';
import type { PublishAttempt, PublishRequest, RegistryAdapter } from './types';
import { jsrTrustRules } from './jsr/trust-rules';
import { jsrRateLimit, jsrVersionPageUrl } from './jsr/policy';
import { jsrReadinessChecks } from './jsr/readiness-checks';

export { jsrPackageName } from './jsr/name';
export { resolveDenoBinary } from './jsr/deno-binary';

export const JSR_BASE_URL_ENV = 'MONOCHANGE_JSR_BASE_URL';
export const DEFAULT_JSR_BASE_URL = 'https://jsr.io';

export function jsrBaseUrl(env: Env): string {
  return resolveBaseUrl(env, JSR_BASE_URL_ENV, DEFAULT_JSR_BASE_URL);
}

/** deno's answers when the version is already on JSR (a re-publish exits 0 with "Skipping, already published"). */
const ALREADY_PUBLISHED = [/already published/i, /already exists/i, /duplicateVersionPublish/];
const SKIPPED_EXISTING = /Skipping,? already published/i;
const AUTH_FAILURE = /actorNotAuthorized|actorNotScopeMember|missingPermission|scopeNotFound|\b401\b|\b403\b|Unauthorized|Forbidden|OIDC token/i;
const DENO_NOISE = [/^Check /, /^Checking for slow types/i, /^Download /, /^Simulating publish/i, /^file:\/\//];

const JSR_AUTH_FIX =
  'JSR refused the publish. For publishing from GitHub Actions (OIDC): link the package to this repository in its settings on jsr.io, ' +
  'give the job `permissions: id-token: write`, and make sure the scope exists and the package is created in it';

interface JsrMeta {
  versions?: Record<string, unknown>;
}

export const jsrRegistry: RegistryAdapter = {
  id: 'jsr',
  trust: jsrTrustRules,
  label: 'JSR',
  rateLimit: jsrRateLimit,
  versionPageUrl: jsrVersionPageUrl,
  readinessChecks: jsrReadinessChecks,
  baseUrlEnv: JSR_BASE_URL_ENV,
  defaultBaseUrl: DEFAULT_JSR_BASE_URL,

  baseUrl: jsrBaseUrl,

  registryName: (manifest) => jsrPackageName(manifest),

  async versionExists(manifest, version, ctx) {
    // The name is not encoded: JSR serves `/@scope/pkg/meta.json`.
    const url = `${jsrBaseUrl(ctx.env)}/${jsrPackageName(manifest)}/meta.json`;
    const res = await ctx.http.getJson<JsrMeta>(url, { registry: 'JSR', headers: { accept: 'application/json' } });
    if (!res.found) return false;
    const versions = res.json && typeof res.json.versions === 'object' && res.json.versions ? res.json.versions : {};
    return version === null ? Object.keys(versions).length > 0 : Object.prototype.hasOwnProperty.call(versions, version);
  },

  async publish(req, runner) {
    const name = jsrPackageName(req.manifest);
    // JSR provenance comes from the GitHub Actions OIDC token by itself: no flag to add.
    const spec = denoPublishSpec(req.root, req.manifest.dir, req.env, req.dryRun);
    return runDenoPublish(req, runner, spec, `${name} ${req.version}`);
  },

  async publishPlaceholder(req, runner) {
    const name = jsrPackageName(req.manifest);
    const license = await findPlaceholderLicense(req.manifest, req.root);
    return withTempDir('jsr-placeholder', async (dir) => {
      const denoJson: Record<string, unknown> = { name, version: '0.0.0', exports: { '.': './mod.ts' } };
      if ('field' in license) denoJson.license = license.field;
      else await fsp.copyFile(license.file, path.join(dir, 'LICENSE'));
      await fsp.writeFile(path.join(dir, 'README.md'), req.readme);
      await fsp.writeFile(path.join(dir, 'deno.json'), `${JSON.stringify(denoJson, null, 2)}\n`);
      await fsp.writeFile(path.join(dir, 'mod.ts'), 'export {};\n');
      // The dry run is offline and writes nothing outside the temp dir, so it runs for real.
      const spec = denoPublishSpec(req.root, dir, req.env, req.dryRun);
      const attempt = await runDenoPublish(req, runner, spec, `placeholder ${name} 0.0.0`);
      // A passing dry run reports the command the real run would execute.
      return req.dryRun && attempt.status === 'planned'
        ? { ...attempt, command: renderDenoCommand(denoPublishSpec(req.root, dir, req.env, false), req.env) }
        : attempt;
    });
  },

  setupUrl: (manifest) => `https://jsr.io/${manifest.name}`,

  isAlreadyPublishedOutput: (output) => ALREADY_PUBLISHED.some((re) => re.test(output)),

  requiredTools: () => ['deno'],
};

/** `deno publish` (dry run: `deno publish --dry-run --allow-dirty`, since deno refuses a dirty git tree). */
export function denoPublishSpec(root: string, cwd: string, env: Env, dryRun: boolean): CommandSpec {
  const args = ['publish'];
  if (dryRun) args.push('--dry-run', '--allow-dirty');
  const childEnv: Env = { NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1' };
  // deno publishes to JSR_URL (its API at `${JSR_URL}/api/`), so a base URL override must reach it.
  const base = jsrBaseUrl(env);
  if (base !== DEFAULT_JSR_BASE_URL) childEnv.JSR_URL = `${base}/`;
  // deno exchanges the GitHub ID token itself; a dry run needs no credential.
  return { command: resolveDenoBinary(root), args, cwd, env: childEnv, ...(dryRun ? {} : { credentials: grant('jsr-oidc') }) };
}

async function runDenoPublish(
  req: Pick<PublishRequest, 'env' | 'dryRun' | 'log'>,
  runner: CommandRunner,
  spec: CommandSpec,
  what: string,
): Promise<PublishAttempt> {
  const command = renderDenoCommand(spec, req.env);
  req.log?.(`$ ${command}`);
  const result = await runner.run(spec);
  return attemptFromResult({
    command,
    result,
    env: req.env,
    dryRun: req.dryRun,
    successMessage: req.dryRun ? `would publish ${what} to JSR` : `published ${what} to JSR`,
    isAlreadyPublished: (output) => ALREADY_PUBLISHED.some((re) => re.test(output)),
    isSkippedExisting: (output) => SKIPPED_EXISTING.test(output),
    isAuthFailure: (output) => AUTH_FAILURE.test(output),
    authFix: JSR_AUTH_FIX,
    spawnFix: 'install deno (https://docs.deno.com/runtime/getting_started/installation/) or add the `deno` npm package to the workspace',
    noise: DENO_NOISE,
  });
}

/** Shows `deno`, not the absolute path of the workspace's binary, and the JSR_URL override when set. */
function renderDenoCommand(spec: CommandSpec, env: Env): string {
  const shown = renderCommand({ command: 'deno', args: spec.args }, env);
  return spec.env?.JSR_URL ? `JSR_URL=${spec.env.JSR_URL} ${shown}` : shown;
}
