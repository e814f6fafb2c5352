import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Manifest } from '../manifests/types';
import type { CommandRunner } from '../util/command';
import type { FailureRules, StepResult } from './support/command-step';
import { describeCommand, failedAttempt, isSuccess, outputFields, runStep } from './support/command-step';
import { withTempDir } from './support/temp-dir';
import type { PlaceholderRequest, PublishAttempt, PublishRequest, RegistryAdapter } from './types';
import { pypiVersionExists } from './pypi/lookup';
import { writePythonPlaceholder } from './pypi/placeholder-project';
import { builtDistributions, uvBuild, uvPublish } from './pypi/uv-commands';
import { DEFAULT_PYPI_API, PYPI_API_ENV, pypiApiUrl } from './pypi/urls';
import { pypiTrustRules } from './pypi/trust-rules';
import { pypiRateLimit, pypiVersionPageUrl } from './pypi/policy';
import { pypiReadinessChecks } from './pypi/readiness-checks';

export { pythonModuleName } from './pypi/module-name';
export { DEFAULT_PYPI_API, PYPI_API_ENV, PYPI_CHECK_ENV, PYPI_UPLOAD_ENV, pypiUploadTarget } from './pypi/urls';

const LABEL = 'PyPI';
const ALREADY = /File already exists/i;
const AUTH =
  /\b40[13] (forbidden|unauthorized)|invalid or non-existent authentication|trusted publishing (exchange )?fail|invalid-publisher|(isn't|not) allowed to upload|missing credentials|no credentials|failed to (obtain|fetch) (an )?oidc token|id-token/i;

function setupUrl(manifest: Manifest): string {
  return `https://pypi.org/manage/project/${manifest.name}/settings/publishing/`;
}

function failureRules(manifest: Manifest): FailureRules {
  return {
    tool: 'uv',
    installHint: 'install uv (https://docs.astral.sh/uv/getting-started/installation/, or astral-sh/setup-uv in GitHub Actions)',
    isAlreadyPublished: (output) => ALREADY.test(output),
    authFix: (output) =>
      AUTH.test(output)
        ? `PyPI refused the upload credentials for ${manifest.name}: add a trusted publisher for this repository, workflow and environment on ${setupUrl(manifest)} and give the job \`permissions: id-token: write\`; without trusted publishing, provide UV_PUBLISH_TOKEN`
        : undefined,
  };
}

/** `uv build` into a temp dir, then `uv publish` of what it built. */
async function buildAndUpload(projectDir: string, req: PublishRequest | PlaceholderRequest, runner: CommandRunner, thing: string): Promise<PublishAttempt> {
  return withTempDir('pypi-dist', async (outDir) => {
    const steps: StepResult[] = [];
    steps.push(await runStep(runner, uvBuild(projectDir, outDir), req.env));
    if (!isSuccess(steps[0])) return failedAttempt(steps, failureRules(req.manifest), 'build');
    const files = await builtDistributions(outDir);
    if (files.length === 0) {
      return {
        status: 'failed',
        message: `\`${steps[0].command}\` succeeded but wrote no distribution to ${outDir}; check the project's build configuration`,
        ...outputFields(steps),
      };
    }
    steps.push(await runStep(runner, uvPublish(projectDir, files, req.trustedPublishing, req.env), req.env));
    if (!isSuccess(steps[1])) return failedAttempt(steps, failureRules(req.manifest), 'upload');
    return { status: 'published', message: `published ${thing} to ${LABEL}`, ...outputFields(steps) };
  });
}

/** uv has no side-effect-free publish dry run: dry runs run nothing and show the plan. */
function plannedAttempt(projectDir: string, req: PublishRequest | PlaceholderRequest, thing: string): PublishAttempt {
  const outDir = 'MONOCHANGE_TEMP_DIR';
  const build = describeCommand(uvBuild(projectDir, outDir), req.env);
  const upload = describeCommand(uvPublish(projectDir, [`${outDir}/MONOCHANGE_GLOB`], req.trustedPublishing, req.env), req.env);
  return {
    status: 'planned',
    message: `would publish ${thing} to ${LABEL} (dry run: nothing run, uv has no side-effect-free publish dry run)`,
    command: `${build} && ${upload}`.split(outDir).join('<temp-dir>').split('MONOCHANGE_GLOB').join('*'),
  };
}

async function publish(req: PublishRequest, runner: CommandRunner): Promise<PublishAttempt> {
  const thing = `${req.manifest.name} ${req.version}`;
  if (req.dryRun) return plannedAttempt(req.manifest.dir, req, thing);
  return buildAndUpload(req.manifest.dir, req, runner, thing);
}

async function publishPlaceholder(req: PlaceholderRequest, runner: CommandRunner): Promise<PublishAttempt> {
  const thing = `placeholder ${req.manifest.name} 0.0.0`;
  return withTempDir('pypi-placeholder', async (dir) => {
    const projectDir = path.join(dir, 'project');
    await mkdir(projectDir);
    await writePythonPlaceholder(projectDir, req, req.manifest.name);
    if (req.dryRun) return plannedAttempt(projectDir, req, thing);
    return buildAndUpload(projectDir, req, runner, thing);
  });
}

export const pypiRegistry: RegistryAdapter = {
  id: 'pypi',
  trust: pypiTrustRules,
  label: LABEL,
  baseUrlEnv: PYPI_API_ENV,
  defaultBaseUrl: DEFAULT_PYPI_API,
  baseUrl: pypiApiUrl,
  registryName: (manifest) => manifest.name,
  versionExists: (manifest, version, ctx) => pypiVersionExists(manifest.name, version, ctx),
  publish,
  publishPlaceholder,
  setupUrl,
  isAlreadyPublishedOutput: (output) => ALREADY.test(output),
  requiredTools: () => ['uv'],
  rateLimit: pypiRateLimit,
  versionPageUrl: pypiVersionPageUrl,
  readinessChecks: pypiReadinessChecks,
};
