import { MonochangeError } from '../core/errors';

/** Options of the plugin entry in `nx.json` (`plugins: [{ plugin: '@monochange/nx', options }]`). */
export interface MonochangePluginOptions {
  publishTargetName?: string;
  placeholderPublishTargetName?: string;
  readinessTargetName?: string;
  /** Target run by `nx release publish`; `false` leaves it out. */
  releasePublishTargetName?: string | false;
  /**
   * A package manifest that cannot be read: `warn` (default) prints the error and keeps every
   * project listed (its tasks fail with that error); `error` fails the project graph, as Nx does
   * for its own broken manifests.
   */
  manifestErrors?: 'warn' | 'error';
}

export interface TargetNames {
  publish: string;
  placeholderPublish: string;
  readiness: string;
  /** `null` when disabled. */
  releasePublish: string | null;
}

const DEFAULTS = {
  publishTargetName: 'publish',
  placeholderPublishTargetName: 'placeholder-publish',
  readinessTargetName: 'readiness',
  releasePublishTargetName: 'nx-release-publish',
} as const;

function targetName(options: Record<string, unknown>, key: keyof typeof DEFAULTS): string {
  const value = options[key];
  if (value === undefined) return DEFAULTS[key];
  if (typeof value === 'string' && value.trim() !== '') return value;
  throw new MonochangeError(`plugin option \`${key}\` must be a non-empty target name`, {
    code: 'plugin.invalid-option',
    file: 'nx.json',
    key,
    found: JSON.stringify(value),
    fix: `set \`${key}\` to a target name such as "${DEFAULTS[key]}", or remove it to use that default`,
  });
}

export function resolveManifestErrors(options: MonochangePluginOptions | undefined): 'warn' | 'error' {
  const value = (options as Record<string, unknown> | undefined)?.manifestErrors;
  if (value === undefined || value === 'warn' || value === 'error') return value ?? 'warn';
  throw new MonochangeError('plugin option `manifestErrors` must be "warn" or "error"', {
    code: 'plugin.invalid-option',
    file: 'nx.json',
    key: 'manifestErrors',
    found: JSON.stringify(value),
    fix: 'use "warn" to keep listing projects when a manifest is broken, or "error" to fail the project graph',
  });
}

export function resolveTargetNames(options: MonochangePluginOptions | undefined): TargetNames {
  const raw = (options ?? {}) as Record<string, unknown>;
  const names: TargetNames = {
    publish: targetName(raw, 'publishTargetName'),
    placeholderPublish: targetName(raw, 'placeholderPublishTargetName'),
    readiness: targetName(raw, 'readinessTargetName'),
    releasePublish: raw.releasePublishTargetName === false ? null : targetName(raw, 'releasePublishTargetName'),
  };
  const all = [names.publish, names.placeholderPublish, names.readiness, names.releasePublish].filter((n): n is string => n !== null);
  const duplicate = all.find((n, i) => all.indexOf(n) !== i);
  if (duplicate) {
    throw new MonochangeError(`plugin options give two monochange targets the same name "${duplicate}"`, {
      code: 'plugin.duplicate-target-name',
      file: 'nx.json',
      fix: 'give publishTargetName, placeholderPublishTargetName, readinessTargetName and releasePublishTargetName distinct values',
    });
  }
  return names;
}
