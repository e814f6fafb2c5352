import { readNxJson, updateNxJson, type Tree } from '@nx/devkit';
import { editNxJson, PLUGIN_NAME } from './add-plugin';

/** The target `nx release publish` runs; Nx only ever infers (and reads defaults for) this name. */
export const NX_RELEASE_PUBLISH_TARGET = 'nx-release-publish';
export const PUBLISH_EXECUTOR = '@monochange/nx:publish';
/** The executor of the `nx-release-publish` target Nx infers for every public package.json project. */
const NX_JS_RELEASE_PUBLISH = '@nx/js:release-publish';

export interface ReleasePublishDefaultOutcome {
  info: string[];
  warnings: string[];
}

type Entry = Record<string, unknown>;

const isObject = (value: unknown): value is Entry => typeof value === 'object' && value !== null && !Array.isArray(value);

const key = `targetDefaults["${NX_RELEASE_PUBLISH_TARGET}"]`;
const manualStep = `add \`"${NX_RELEASE_PUBLISH_TARGET}": { "executor": "${PUBLISH_EXECUTOR}" }\` to nx.json targetDefaults yourself`;

/**
 * Nx infers an `nx-release-publish` target with `@nx/js:release-publish` for every public
 * package.json project, and that target replaces the one the plugin adds. Nx builds it as
 * `{ executor: '@nx/js:release-publish', ...targetDefaults['nx-release-publish'] }`, so a default
 * naming our executor makes `nx release publish` use @monochange/nx for npm packages too.
 *
 * Only done when a registration of the plugin keeps `releasePublishTargetName` at
 * `nx-release-publish` (with another name or `false` the plugin stays out of `nx release publish`,
 * and a default under another key would change nothing Nx infers). Never replaces an executor or
 * command the user set there: it warns instead. Changes nothing when the default is already there.
 */
export function addReleasePublishTargetDefault(tree: Tree): ReleasePublishDefaultOutcome {
  const outcome: ReleasePublishDefaultOutcome = { info: [], warnings: [] };
  const nxJson = readNxJson(tree);
  if (!nxJson || !handlesNxReleasePublish(nxJson.plugins ?? [])) return outcome;

  const raw: unknown = nxJson.targetDefaults;
  if (raw !== undefined && !isObject(raw)) {
    outcome.warnings.push(
      `nx.json targetDefaults is not an object, so init left it alone: ${manualStep} so that \`nx release publish\` publishes npm packages with ${PLUGIN_NAME}.`,
    );
    return outcome;
  }
  const targetDefaults: Entry = { ...(raw ?? {}) };
  const decision = withOurExecutor(targetDefaults[NX_RELEASE_PUBLISH_TARGET]);
  if ('conflict' in decision) {
    outcome.warnings.push(
      `nx.json ${key} ${decision.conflict}, so \`nx release publish\` keeps running that for npm packages instead of ${PLUGIN_NAME} ` +
        `(other ecosystems are not affected). To publish npm packages with trusted publishing through \`nx release publish\`, ` +
        `set its "executor" to "${PUBLISH_EXECUTOR}"${decision.conflict.startsWith('sets command') ? ' and remove "command"' : ''}; ` +
        `otherwise publish them with \`nx run-many -t publish\`.`,
    );
  } else if (decision.value !== undefined) {
    targetDefaults[NX_RELEASE_PUBLISH_TARGET] = decision.value;
    if (!editNxJson(tree, ['targetDefaults', NX_RELEASE_PUBLISH_TARGET], decision.value)) {
      updateNxJson(tree, { ...nxJson, targetDefaults: targetDefaults as NonNullable<typeof nxJson.targetDefaults> });
    }
    outcome.info.push(`Set nx.json ${key}.executor to ${PUBLISH_EXECUTOR}, so \`nx release publish\` publishes npm packages with ${PLUGIN_NAME} too.`);
  }

  // Nx reads the executor key before the target-name key: while it has a default, ours is not read.
  const executorKey = targetDefaults[NX_JS_RELEASE_PUBLISH];
  if (isObject(executorKey) || (Array.isArray(executorKey) && executorKey.some(appliesToInferredTarget))) {
    outcome.warnings.push(
      `nx.json targetDefaults["${NX_JS_RELEASE_PUBLISH}"] takes precedence over ${key} for the targets Nx infers from package.json, ` +
        `so npm packages keep publishing with ${NX_JS_RELEASE_PUBLISH} through \`nx release publish\`. ` +
        `Move the settings you need under ${key} and remove targetDefaults["${NX_JS_RELEASE_PUBLISH}"].`,
    );
  }
  return outcome;
}

/** Some registration of the plugin adds its target under the name `nx release publish` runs. */
function handlesNxReleasePublish(plugins: ReadonlyArray<string | { plugin: string; options?: unknown }>): boolean {
  return plugins.some((entry) => {
    if (entry === PLUGIN_NAME) return true;
    if (!isObject(entry) || entry.plugin !== PLUGIN_NAME) return false;
    const name = isObject(entry.options) ? entry.options.releasePublishTargetName : undefined;
    return name === undefined || name === NX_RELEASE_PUBLISH_TARGET;
  });
}

/**
 * The `targetDefaults["nx-release-publish"]` value with our executor: `{ value: undefined }` when it
 * already has it, `{ conflict }` when the user set another executor or a command.
 */
function withOurExecutor(current: unknown): { value: unknown } | { conflict: string } {
  if (current === undefined) return { value: { executor: PUBLISH_EXECUTOR } };
  if (isObject(current)) {
    const conflict = conflictOf(current);
    if (conflict) return { conflict };
    return { value: current.executor === PUBLISH_EXECUTOR ? undefined : { executor: PUBLISH_EXECUTOR, ...current } };
  }
  if (Array.isArray(current)) {
    // The array form: entries merge in order, later winning. Without a project, Nx's package.json
    // inference applies the unfiltered entries and those filtered to its own executor only.
    const applied = current.filter(appliesToInferredTarget);
    const last = [...applied].reverse().find((e) => e.executor !== undefined || e.command !== undefined);
    if (last) {
      const conflict = conflictOf(last);
      return conflict ? { conflict: `${conflict} in one of its entries` } : { value: undefined };
    }
    const catchAll = current.findIndex((e) => isObject(e) && e.filter === undefined);
    if (catchAll === -1) return { value: [...current, { executor: PUBLISH_EXECUTOR }] };
    return { value: current.map((e, i) => (i === catchAll ? { executor: PUBLISH_EXECUTOR, ...(e as Entry) } : e)) };
  }
  return { conflict: `is ${JSON.stringify(current)}, not a target configuration` };
}

/**
 * Whether a targetDefaults entry applies to the `nx-release-publish` target Nx infers from a
 * package.json: that inference has no project or plugin context, so only unfiltered entries and
 * entries filtered to its own executor apply.
 */
function appliesToInferredTarget(entry: unknown): entry is Entry {
  if (!isObject(entry)) return false;
  const filter = entry.filter;
  if (filter === undefined) return true;
  return isObject(filter) && Object.keys(filter).every((k) => k === 'executor') && (filter.executor === undefined || filter.executor === NX_JS_RELEASE_PUBLISH);
}

function conflictOf(entry: Entry): string | undefined {
  if (entry.command !== undefined) return `sets command ${JSON.stringify(entry.command)}`;
  if (entry.executor !== undefined && entry.executor !== PUBLISH_EXECUTOR) return `sets executor ${JSON.stringify(entry.executor)}`;
  return undefined;
}
