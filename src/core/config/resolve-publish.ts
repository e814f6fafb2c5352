import { DEFAULT_REGISTRY, isBuiltinRegistry, type Ecosystem } from '../types';
import type { ConfigProblem } from './config-problem';
import { describeFound } from './describe-value';
import { formatKeyPath, type KeyPath } from './key-path';
import { registryOverrideFix } from './registry-hints';
import { normalizeRelativePath, pathKind } from './relative-path';
import type { RawPublish } from './schema';
import type { PackageConfig, PublishSettings } from './types';

export function defaultPublishSettings(ecosystem: Ecosystem): PublishSettings {
  return {
    enabled: true,
    mode: 'builtin',
    registry: DEFAULT_REGISTRY[ecosystem],
    trustedPublishing: { enabled: true },
    attestations: { requireRegistryProvenance: false },
    placeholder: {},
    rateLimits: { enforce: false },
  };
}

/** `publish = false` / `publish = true` as the table `{ enabled = … }` it stands for. */
export function publishTable(value: boolean | RawPublish | undefined): RawPublish | undefined {
  return typeof value === 'boolean' ? { enabled: value } : value;
}

/** `crates-io` is the kebab spelling of `crates_io` that real files use; host names stay errors. */
function registryId(value: string): string {
  const snake = value.replace(/-/g, '_');
  return isBuiltinRegistry(snake) ? snake : value;
}

/**
 * Applies one `publish` table over inherited settings: scalars replace; the
 * `trusted_publishing` bool only replaces `enabled`, its table replaces the fields it sets;
 * `placeholder.readme` and `readme_file` replace each other. `raw` must already be validated.
 */
export function applyPublish(base: PublishSettings, raw: RawPublish | undefined): PublishSettings {
  const next: PublishSettings = {
    ...base,
    trustedPublishing: { ...base.trustedPublishing },
    attestations: { ...base.attestations },
    placeholder: { ...base.placeholder },
    rateLimits: { ...base.rateLimits },
  };
  if (!raw) return next;
  if (raw.enabled !== undefined) next.enabled = raw.enabled;
  if (raw.mode !== undefined) next.mode = raw.mode;
  if (raw.registry !== undefined) next.registry = registryId(raw.registry);
  const trusted = raw.trusted_publishing;
  if (typeof trusted === 'boolean') {
    next.trustedPublishing.enabled = trusted;
  } else if (trusted) {
    const t = next.trustedPublishing;
    if (trusted.enabled !== undefined) t.enabled = trusted.enabled;
    if (trusted.repository !== undefined) t.repository = trusted.repository;
    if (trusted.workflow !== undefined) t.workflow = trusted.workflow;
    if (trusted.environment !== undefined) t.environment = trusted.environment;
    if (trusted.repository_id !== undefined) t.repositoryId = trusted.repository_id;
    if (trusted.repository_owner_id !== undefined) t.repositoryOwnerId = trusted.repository_owner_id;
  }
  if (raw.attestations?.require_registry_provenance !== undefined) {
    next.attestations.requireRegistryProvenance = raw.attestations.require_registry_provenance;
  }
  if (raw.rate_limits?.enforce !== undefined) next.rateLimits.enforce = raw.rate_limits.enforce;
  const readme = raw.placeholder?.readme;
  const readmeFile = raw.placeholder?.readme_file;
  if (readme !== undefined) next.placeholder = { readme };
  if (readmeFile !== undefined) {
    const normalized = normalizeRelativePath(readmeFile);
    next.placeholder = { readmeFile: normalized.ok ? normalized.value : readmeFile };
  }
  return next;
}

/** Who a publish table belongs to, for messages: `package \`web\`` or `ecosystems \`npm\``. */
export interface PublishOwner {
  /** Path of the table holding `publish` (`["package", "web"]`, `["ecosystems", "npm"]`). */
  tablePath: KeyPath;
  label: string;
}

/** Problems of one publish table taken alone: both placeholder sources, bad `readme_file`. */
export function publishTableProblems(raw: RawPublish | undefined, owner: PublishOwner, root: string, checkPaths: boolean): ConfigProblem[] {
  const placeholder = raw?.placeholder;
  if (!placeholder) return [];
  const problems: ConfigProblem[] = [];
  const placeholderPath = [...owner.tablePath, 'publish', 'placeholder'];
  if (placeholder.readme !== undefined && placeholder.readme_file !== undefined) {
    problems.push({
      code: 'config.placeholder-readme-conflict',
      path: placeholderPath,
      problem: `${owner.label} publish.placeholder cannot set both \`readme\` and \`readme_file\` (\`${formatKeyPath(placeholderPath)}\`)`,
      found: `readme = ${describeFound(placeholder.readme)} and readme_file = ${describeFound(placeholder.readme_file)}`,
      fix: `set either inline \`readme\` text or \`readme_file\`, but not both: delete one of them from \`[${formatKeyPath(placeholderPath)}]\``,
    });
  }
  if (placeholder.readme_file !== undefined) {
    const keyPath = [...placeholderPath, 'readme_file'];
    const file = placeholder.readme_file;
    const normalized = normalizeRelativePath(file, root);
    if (!normalized.ok) {
      problems.push({
        code: 'config.invalid-path',
        path: keyPath,
        problem: `\`${formatKeyPath(keyPath)}\` must be a path inside the workspace, relative to its root`,
        found: describeFound(file),
        fix: normalized.suggestion
          ? `write it relative to the workspace root: \`readme_file = "${normalized.suggestion}"\``
          : 'write the README path relative to the workspace root (the directory holding monochange.toml), without `..`',
      });
    } else if (checkPaths && pathKind(root, normalized.value) !== 'file') {
      problems.push({
        code: 'config.readme-file-missing',
        path: keyPath,
        problem: `\`${formatKeyPath(keyPath)}\` of ${owner.label} points to "${normalized.value}", which is not a file in the workspace`,
        found: describeFound(file),
        fix: `create ${normalized.value} (relative to the workspace root ${root}), or fix the path, or use inline \`readme = "…"\` instead`,
      });
    }
  }
  return problems;
}

/**
 * After merging: built-in publishing only goes to the ecosystem's default registry.
 * `raw` is the table of this level, so the message can point at the key it set.
 */
export function registryOverrideProblem(
  settings: PublishSettings,
  ecosystem: Ecosystem,
  raw: RawPublish | undefined,
  owner: PublishOwner,
): ConfigProblem | undefined {
  if (settings.mode !== 'builtin' || settings.registry === DEFAULT_REGISTRY[ecosystem]) return undefined;
  const publishPath = [...owner.tablePath, 'publish'];
  const setsRegistry = raw?.registry !== undefined;
  const keyPath = [...publishPath, setsRegistry ? 'registry' : 'mode'];
  return {
    code: 'config.registry-override',
    path: keyPath,
    problem: `${owner.label} uses built-in publishing with an unsupported registry override (\`${formatKeyPath(keyPath)}\`)`,
    found: `registry = ${describeFound(settings.registry)}${setsRegistry ? '' : ' (inherited)'} with mode = "builtin"`,
    fix: registryOverrideFix(ecosystem, settings.registry, formatKeyPath(publishPath)),
  };
}

/** A package the plugin uploads itself: publishing enabled, to a registry it has an adapter for. */
export function publishable(pkg: Pick<PackageConfig, 'publish'>): boolean {
  return pkg.publish.enabled && pkg.publish.mode === 'builtin';
}
