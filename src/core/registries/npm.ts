import fs from 'node:fs/promises';
import path from 'node:path';
import type { Manifest } from '../manifests/types';
import { renderCommand } from '../util/command';
import { grant } from '../util/secret-env';
import { attemptFromResult } from './command-attempt';
import { npmPublishSpec } from './npm/commands';
import { isNpmAlreadyPublishedOutput } from './npm/outcome';
import { npmOutcome, packAndPublish, runNpmPublish } from './npm/publish-flow';
import { npmPlaceholderPackageJson } from './npm/placeholder';
import { DEFAULT_NPM_REGISTRY_URL, NPM_REGISTRY_URL_ENV, npmBaseUrl, npmPackumentUrl } from './npm/registry-url';
import { withTempDir } from './support/temp-dir';
import type { RegistryAdapter } from './types';

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
import { npmTrustRules } from './npm/trust-rules';
import { prepareNpmUploads } from './npm/batch-pack';
import { npmRateLimit, npmVersionPageUrl } from './npm/policy';
import { npmCredentialFileCheck, npmReadinessChecks } from './npm/readiness-checks';
export { npmTrustCommandFor, configureNpmTrustFor } from './npm/trust-for-package';

interface Packument {
  versions?: Record<string, unknown>;
}

export const npmRegistry: RegistryAdapter = {
  id: 'npm',
  trust: npmTrustRules,
  label: 'npm',
  rateLimit: npmRateLimit,
  versionPageUrl: npmVersionPageUrl,
  readinessChecks: npmReadinessChecks,
  credentialFileCheck: npmCredentialFileCheck,
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
    if (manager === 'npm' && req.dryRun) {
      // Side-effect free and granted no credential: npm packs in memory and uploads nothing.
      const spec = npmPublishSpec({ cwd: req.manifest.dir, base: npmBaseUrl(req.env), provenance: req.provenance, dryRun: true });
      return runNpmPublish(req, runner, spec, `${req.manifest.name} ${req.version}`);
    }
    return packAndPublish(req, runner, manager);
  },

  prepareUploads: prepareNpmUploads,

  async publishPlaceholder(req, runner) {
    const name = req.manifest.name;
    const base = npmBaseUrl(req.env);
    return withTempDir('npm-placeholder', async (dir) => {
      await fs.writeFile(path.join(dir, 'README.md'), req.readme);
      await fs.writeFile(path.join(dir, 'package.json'), `${JSON.stringify(npmPlaceholderPackageJson(name, req.source), null, 2)}\n`);
      // A generated package without scripts: npm runs nothing of the package's own beside the OIDC variables.
      const spec = { ...npmPublishSpec({ cwd: req.manifest.dir, base, target: dir, ignoreScripts: true }), credentials: grant('npm-oidc') };
      if (req.dryRun) {
        // Nothing runs: even `npm publish --dry-run` asks the registry about the version.
        const planned = npmPublishSpec({ cwd: req.manifest.dir, base, target: '<tempdir>', ignoreScripts: true });
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
