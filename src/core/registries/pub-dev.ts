import type { Manifest } from '../manifests/types';
import type { CommandRunner, CommandSpec } from '../util/command';
import { grant } from '../util/secret-env';
import type { FailureRules } from './support/command-step';
import { failedAttempt, isSuccess, outputFields, runStep } from './support/command-step';
import { commandFailure } from './command-attempt';
import { withTempDir } from './support/temp-dir';
import type { PlaceholderRequest, PublishAttempt, PublishRequest, RegistryAdapter } from './types';
import { pubVersionExists } from './pub-dev/lookup';
import { writePubPlaceholder } from './pub-dev/placeholder-pubspec';
import { DEFAULT_PUB_DEV_API, PUB_DEV_API_ENV, pubCommandEnv, pubDevApiUrl } from './pub-dev/urls';
import { pubDevTrustRules } from './pub-dev/trust-rules';
import { pubDevRateLimit, pubVersionPageUrl } from './pub-dev/policy';

export { DEFAULT_PUB_DEV_API, PUB_DEV_API_ENV } from './pub-dev/urls';

const LABEL = 'pub.dev';
const ALREADY = /already exists/i;
const AUTH =
  /\b40[13]\b|unauthori[sz]ed|forbidden|authentication failed|not (an )?uploader|insufficient[_ ]permissions|(don't|do not) have permission|please log ?in|pub token add|id-token/i;

function pubTool(manifest: Manifest): 'dart' | 'flutter' {
  return manifest.ecosystem === 'flutter' || manifest.dart?.flutter ? 'flutter' : 'dart';
}

function setupUrl(manifest: Manifest): string {
  return `https://pub.dev/packages/${manifest.name}/admin`;
}

function failureRules(manifest: Manifest): FailureRules {
  const tool = pubTool(manifest);
  return {
    tool,
    installHint:
      tool === 'flutter'
        ? 'install Flutter (https://docs.flutter.dev/get-started/install, or subosito/flutter-action)'
        : 'install the Dart SDK (https://dart.dev/get-dart, or dart-lang/setup-dart)',
    isAlreadyPublished: (output) => ALREADY.test(output),
    authFix: (output) =>
      AUTH.test(output)
        ? `pub.dev refused the credentials for ${manifest.name}: enable automated publishing from GitHub Actions on ${setupUrl(manifest)} (repository, tag pattern, environment), give the job \`permissions: id-token: write\` and set up the token with dart-lang/setup-dart`
        : undefined,
  };
}

/** `dart|flutter pub publish --force`, or `--dry-run` (side-effect free: validates, uploads nothing). */
function pubPublish(manifest: Manifest, cwd: string, dryRun: boolean, env: PublishRequest['env']): CommandSpec {
  const spec: CommandSpec = { command: pubTool(manifest), args: ['pub', 'publish', dryRun ? '--dry-run' : '--force'], cwd, env: pubCommandEnv(env) };
  // pub exchanges the GitHub ID token itself; a dry run needs no credential.
  return dryRun ? spec : { ...spec, credentials: grant('pub-oidc') };
}

async function runPub(
  spec: CommandSpec,
  req: PublishRequest | PlaceholderRequest,
  runner: CommandRunner,
  thing: string,
  placeholder: boolean,
): Promise<PublishAttempt> {
  const step = await runStep(runner, spec, req.env);
  const fields = outputFields([step]);
  if (isSuccess(step)) {
    return req.dryRun
      ? { status: 'planned', message: `would publish ${thing} to ${LABEL} (\`pub publish --dry-run\` passed)`, ...fields }
      : { status: 'published', message: `published ${thing} to ${LABEL}`, ...fields };
  }
  // As for cargo: a release dry run can fail only because a dependency is published earlier in
  // the same run, so it stays planned with the problem shown; a placeholder has no dependencies.
  if (req.dryRun && !placeholder && !step.spawnError) {
    return { status: 'planned', message: `would publish ${thing} to ${LABEL}; ${commandFailure(step.command, step)}`, ...fields };
  }
  return failedAttempt([step], failureRules(req.manifest), req.dryRun ? 'dry run' : '');
}

async function publish(req: PublishRequest, runner: CommandRunner): Promise<PublishAttempt> {
  return runPub(pubPublish(req.manifest, req.manifest.dir, req.dryRun, req.env), req, runner, `${req.manifest.name} ${req.version}`, false);
}

async function publishPlaceholder(req: PlaceholderRequest, runner: CommandRunner): Promise<PublishAttempt> {
  return withTempDir('pub-placeholder', async (dir) => {
    await writePubPlaceholder(dir, req);
    return runPub(pubPublish(req.manifest, dir, req.dryRun, req.env), req, runner, `placeholder ${req.manifest.name} 0.0.0`, true);
  });
}

export const pubDevRegistry: RegistryAdapter = {
  id: 'pub_dev',
  trust: pubDevTrustRules,
  label: LABEL,
  baseUrlEnv: PUB_DEV_API_ENV,
  defaultBaseUrl: DEFAULT_PUB_DEV_API,
  baseUrl: pubDevApiUrl,
  registryName: (manifest) => manifest.name,
  versionExists: (manifest, version, ctx) => pubVersionExists(manifest.name, version, ctx),
  publish,
  publishPlaceholder,
  setupUrl,
  isAlreadyPublishedOutput: (output) => ALREADY.test(output),
  requiredTools: (manifest) => [pubTool(manifest)],
  rateLimit: pubDevRateLimit,
  versionPageUrl: pubVersionPageUrl,
};
