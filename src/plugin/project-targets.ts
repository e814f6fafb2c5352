import type { PackageConfig } from '../core/config/types';
import { MonochangeError } from '../core/errors';
import type { TargetNames } from './options';

/** Nx-shaped target config, kept local so this file stays free of Nx imports. */
export interface PluginTarget {
  executor: string;
  options: Record<string, never> | { command: string };
  cache: false;
  dependsOn?: Array<{ target: string; projects: string[]; params: 'forward' }>;
  metadata: { technologies: string[]; description: string; publishCycle?: string; manifestError?: string; configError?: string };
}

export interface TargetInputs {
  pkg: PackageConfig;
  /** Registry name of the package (falls back to the package id when its manifest failed). */
  displayName: string;
  /** Nx project names of the declared packages it must publish after. */
  publishAfter: string[];
  /** `a -> b -> a` when the package is on a run/build dependency cycle. */
  cycle?: string;
  /** Message of the error its manifest gave, when it could not be read. */
  manifestError?: string;
}

/** The monochange targets of one declared package. */
export function buildTargets(names: TargetNames, input: TargetInputs): Record<string, PluginTarget> {
  const { pkg, displayName, publishAfter, cycle, manifestError } = input;
  const registry = pkg.publish.registry;
  // `nx release publish` (always) and NX_IGNORE_CYCLES runs break task cycles and carry on, so a
  // package on a run/build cycle gets publish tasks that refuse on their own.
  const refuse = cycle ? failFast(cycleError(pkg.id, cycle)) : undefined;
  // Built key by key (no spreads): thousands of these are made in a fresh plugin worker.
  const target = (executor: string, description: string, orderedBy?: string): PluginTarget => {
    const refused = orderedBy && refuse;
    const metadata: PluginTarget['metadata'] = { technologies: [pkg.type], description };
    if (orderedBy && cycle) metadata.publishCycle = cycle;
    if (manifestError) metadata.manifestError = manifestError;
    const run = refused ? refused.executor : `@monochange/nx:${executor}`;
    const options = refused ? refused.options : {};
    if (orderedBy && publishAfter.length > 0) {
      return { executor: run, options, cache: false, dependsOn: [{ target: orderedBy, projects: publishAfter.slice(), params: 'forward' }], metadata };
    }
    return { executor: run, options, cache: false, metadata };
  };
  const targets: Record<string, PluginTarget> = {
    [names.publish]: target('publish', `Publish ${displayName} to ${registry} with trusted publishing (OIDC), after the packages it needs`, names.publish),
    [names.placeholderPublish]: target(
      'placeholder-publish',
      `Publish a 0.0.0 placeholder of ${displayName} to ${registry} so trusted publishing can be set up for it`,
    ),
    [names.readiness]: target('readiness', `Check, without publishing, that ${displayName} can be published to ${registry} from this CI job`),
  };
  if (names.releasePublish) {
    targets[names.releasePublish] = target(
      'publish',
      `Publish ${displayName} to ${registry} with trusted publishing (OIDC) for \`nx release publish\``,
      names.releasePublish,
    );
  }
  return targets;
}

function cycleError(id: string, cycle: string): MonochangeError {
  return new MonochangeError(
    `package \`${id}\` is on a publish dependency cycle (${cycle}): each needs the other published first, so none of them is published`,
    {
      code: 'plugin.publish-cycle',
      key: id,
      fix: 'remove one of these run/build dependencies, or make it a dev dependency if only tests need it',
    },
  );
}

/** A task that prints the message and fails. Base64 keeps the command free of shell syntax on every OS. */
export function failFast(error: MonochangeError | string): Pick<PluginTarget, 'executor' | 'options'> {
  const encoded = Buffer.from(typeof error === 'string' ? error : error.message, 'utf8').toString('base64');
  return {
    executor: 'nx:run-commands',
    options: {
      command: `node -e "console.error(Buffer.from('${encoded}','base64').toString());process.exit(1)"`,
    },
  };
}
