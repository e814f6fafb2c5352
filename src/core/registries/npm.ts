import fs from 'node:fs/promises';
import path from 'node:path';
import type { Manifest } from '../manifests/types';
import { renderCommand, type CommandRunner, type CommandSpec } from '../util/command';
import { redact } from '../util/redact';
import { attemptFromResult, summarizeOutput } from './command-attempt';
import { npmPublishSpec, packSpec, type NpmManager } from './npm/commands';
import { NPM_AUTH_FIX, isNpmAlreadyPublishedOutput, isNpmAuthFailureOutput } from './npm/outcome';
import { npmPlaceholderPackageJson } from './npm/placeholder';
import { DEFAULT_NPM_REGISTRY_URL, NPM_REGISTRY_URL_ENV, npmBaseUrl, npmPackumentUrl } from './npm/registry-url';
import { withTempDir } from './support/temp-dir';
import type { PlaceholderRequest, PublishAttempt, PublishRequest, RegistryAdapter } from './types';

export { npmPackumentUrl, encodeNpmName } from './npm/registry-url';
export {
  npmTrustListCommand,
  npmTrustGithubCommand,
  renderNpmTrustCommand,
  listNpmTrust,
  configureNpmTrust,
  parseNpmTrustJson,
  matchesNpmTrust,
  type NpmTrustRecord,
  type NpmTrustGithubOptions,
  type NpmTrustConfigureResult,
} from './npm/trust';
export { npmTrustCommandFor, configureNpmTrustFor } from './npm/trust-for-package';

const NPM_NOISE = [
  /^npm (notice|warn|verbose|info|http|timing)\b/,
  /A complete log of this run can be found in/i,
  /^npm (error|ERR!)\s*$/,
  /try logging in again with:?$/i,
  /^npm (error|ERR!)\s+npm (login|adduser)\b/,
];
const NPM_PREFIX = /^npm (error|ERR!)\s*/;
const MANAGER_NOISE = [/^(📦|Tarball Contents|Tarball Details)/u];

interface Packument {
  versions?: Record<string, unknown>;
}

export const npmRegistry: RegistryAdapter = {
  id: 'npm',
  label: 'npm',
  baseUrlEnv: NPM_REGISTRY_URL_ENV,
  defaultBaseUrl: DEFAULT_NPM_REGISTRY_URL,

  baseUrl: npmBaseUrl,

  registryName: (manifest) => manifest.name,

  async versionExists(manifest, version, ctx) {
    const url = npmPackumentUrl(npmBaseUrl(ctx.env), manifest.name);
    // The abbreviated ("corgi") document is all we need and is much smaller than the full packument.
    const res = await ctx.http.getJson<Packument>(url, {
      registry: 'npm registry',
      headers: { accept: 'application/vnd.npm.install-v1+json' },
    });
    if (!res.found) return false;
    const versions = res.json && typeof res.json.versions === 'object' && res.json.versions ? res.json.versions : {};
    return version === null ? Object.keys(versions).length > 0 : Object.prototype.hasOwnProperty.call(versions, version);
  },

  async publish(req, runner) {
    const manager = req.manifest.npm?.manager ?? 'npm';
    if (manager === 'npm') {
      const spec = npmPublishSpec({ cwd: req.manifest.dir, base: npmBaseUrl(req.env), provenance: req.provenance, dryRun: req.dryRun });
      return runNpmPublish(req, runner, spec, `${req.manifest.name} ${req.version}`);
    }
    return publishPackedWithManager(req, runner, manager);
  },

  async publishPlaceholder(req, runner) {
    const name = req.manifest.name;
    const base = npmBaseUrl(req.env);
    return withTempDir('npm-placeholder', async (dir) => {
      await fs.writeFile(path.join(dir, 'README.md'), req.readme);
      await fs.writeFile(path.join(dir, 'package.json'), `${JSON.stringify(npmPlaceholderPackageJson(name, req.source), null, 2)}\n`);
      const spec = npmPublishSpec({ cwd: req.manifest.dir, base, target: dir });
      if (req.dryRun) {
        // Nothing runs: even `npm publish --dry-run` asks the registry about the version.
        const planned = npmPublishSpec({ cwd: req.manifest.dir, base, target: '<tempdir>' });
        return { status: 'planned', message: `would publish placeholder ${name} 0.0.0 to npm`, command: renderCommand(planned, req.env) };
      }
      const command = renderCommand(spec, req.env);
      req.log?.(`$ ${command}`);
      const result = await runner.run(spec);
      return attemptFromResult({
        ...npmOutcome(req),
        command,
        result,
        dryRun: false,
        successMessage: `published placeholder ${name} 0.0.0 to npm`,
      });
    });
  },

  setupUrl: (manifest) => `https://www.npmjs.com/package/${manifest.name}/access`,

  isAlreadyPublishedOutput: isNpmAlreadyPublishedOutput,

  requiredTools(manifest: Manifest) {
    const manager = manifest.npm?.manager ?? 'npm';
    return manager === 'npm' ? ['npm'] : ['npm', manager];
  },
};

function npmOutcome(req: Pick<PublishRequest, 'env'>) {
  return {
    env: req.env,
    isAlreadyPublished: isNpmAlreadyPublishedOutput,
    isAuthFailure: isNpmAuthFailureOutput,
    authFix: NPM_AUTH_FIX,
    spawnFix: 'install npm >= 11.5.1 (`npm install -g npm@latest`) and make sure it is on PATH',
    noise: NPM_NOISE,
    linePrefix: NPM_PREFIX,
  };
}

async function runNpmPublish(
  req: PublishRequest,
  runner: CommandRunner,
  spec: CommandSpec,
  what: string,
  commandPrefix = '',
): Promise<PublishAttempt> {
  const command = `${commandPrefix}${renderCommand(spec, req.env)}`;
  req.log?.(`$ ${renderCommand(spec, req.env)}`);
  const result = await runner.run(spec);
  return attemptFromResult({
    ...npmOutcome(req),
    command,
    result,
    dryRun: req.dryRun,
    successMessage: req.dryRun ? `would publish ${what} to npm` : `published ${what} to npm`,
  });
}

/**
 * pnpm/yarn/bun workspaces: `workspace:` and `catalog:` ranges only become real versions when the
 * workspace's own manager packs; npm then publishes the tarball (and does the OIDC exchange).
 */
async function publishPackedWithManager(req: PublishRequest, runner: CommandRunner, manager: Exclude<NpmManager, 'npm'>): Promise<PublishAttempt> {
  return withTempDir(`${manager}-pack`, async (dir) => {
    const pack = packSpec(manager, req.manifest.dir, dir);
    const packCommand = renderCommand(pack, req.env);
    req.log?.(`$ ${packCommand}`);
    const packed = await runner.run(pack);
    if (packed.spawnError || packed.interrupted || packed.exitCode !== 0) {
      const stdout = redact(packed.stdout, req.env);
      const stderr = redact(packed.stderr, req.env);
      const reason = packed.spawnError
        ? `could not start: ${packed.spawnError}. Fix: install ${manager} (the workspace's package manager) and make sure it is on PATH`
        : packed.interrupted
          ? 'was interrupted'
          : `failed: ${summarizeOutput(stderr, stdout, { noise: MANAGER_NOISE }) || `exit code ${packed.exitCode}`}`;
      return { status: 'failed', message: `\`${packCommand}\` ${reason}`, command: packCommand, stdout, stderr };
    }
    const tarballs = (await fs.readdir(dir)).filter((file) => file.endsWith('.tgz'));
    if (tarballs.length !== 1) {
      return {
        status: 'failed',
        message: `\`${packCommand}\` succeeded but left ${tarballs.length === 0 ? 'no tarball' : `${tarballs.length} tarballs (${tarballs.join(', ')})`} in ${dir}; expected exactly one .tgz`,
        command: packCommand,
        stdout: redact(packed.stdout, req.env),
        stderr: redact(packed.stderr, req.env),
      };
    }
    const spec = npmPublishSpec({
      cwd: req.manifest.dir,
      base: npmBaseUrl(req.env),
      target: path.join(dir, tarballs[0]),
      provenance: req.provenance,
      dryRun: req.dryRun,
    });
    return runNpmPublish(req, runner, spec, `${req.manifest.name} ${req.version}`, `${packCommand} && `);
  });
}
