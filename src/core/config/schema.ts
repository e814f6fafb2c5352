import { z } from 'zod';
import { ECOSYSTEMS } from '../types';
import {
  DIGITS_PATTERN,
  isSourceHost,
  NO_WHITESPACE,
  PUBLISH_MODES,
  REPO_NAME_PATTERN,
  REPOSITORY_PATTERN,
  SOURCE_PROVIDERS,
  TRUSTED_PUBLISHING_MODES,
  WORKFLOW_PATTERN,
} from './value-rules';

/**
 * Shape of `monochange.toml` as written (snake_case, everything optional that has a default).
 * Every key monochange defines (its current and older releases) is accepted with its type, so a
 * monochange user's file works unchanged; only the publishing keys are acted on. Every table is
 * still strict: an unknown key is a typo here (monochange drops unknown nested keys silently).
 * Semantic rules that span keys live in resolve-*.ts, not here. A config of the common shape is
 * checked without this schema (common-shape.ts); this schema judges everything else and words every
 * message.
 */

export { isSourceHost, PACKAGE_ID_PATTERN, PUBLISH_MODES, REPOSITORY_PATTERN, SOURCE_PROVIDERS, sourceHostOf, WORKFLOW_PATTERN } from './value-rules';

const nonEmpty = () => z.string().min(1);

/** Numeric ids from OIDC claims: digit strings, or TOML integers (stored as strings). */
const numericId = z.union([z.string().regex(DIGITS_PATTERN), z.number().int().nonnegative()]).transform((value) => String(value));

export const trustedPublishingTableSchema = z.strictObject({
  enabled: z.boolean().optional(),
  repository: z.string().regex(REPOSITORY_PATTERN).optional(),
  workflow: z.string().regex(WORKFLOW_PATTERN).optional(),
  environment: nonEmpty().optional(),
  repository_id: numericId.optional(),
  repository_owner_id: numericId.optional(),
  /** Newer monochange: `preferred` falls back to local credentials. Read, never acted on (OIDC only). */
  mode: z.enum(TRUSTED_PUBLISHING_MODES).optional(),
});

export const attestationsSchema = z.strictObject({ require_registry_provenance: z.boolean().optional() });
export const placeholderSchema = z.strictObject({
  readme: nonEmpty().optional(),
  readme_file: nonEmpty().optional(),
});
export const rateLimitsSchema = z.strictObject({ enforce: z.boolean().optional() });
const count = () => z.number().int().nonnegative();
export const publishTimeoutSchema = z.strictObject({
  timeout_seconds: count().optional(),
  retries: count().optional(),
});

export const publishSchema = z.strictObject({
  enabled: z.boolean().optional(),
  mode: z.enum(PUBLISH_MODES).optional(),
  registry: nonEmpty().optional(),
  trusted_publishing: z.union([z.boolean(), trustedPublishingTableSchema]).optional(),
  attestations: attestationsSchema.optional(),
  placeholder: placeholderSchema.optional(),
  rate_limits: rateLimitsSchema.optional(),
  // Newer monochange keys, accepted and not used here.
  fail_on_duplicate: z.boolean().optional(),
  timeout: publishTimeoutSchema.optional(),
});
/** `publish = false` is shorthand for `publish.enabled = false` (monochange itself wants the table). */
const publishValue = z.union([z.boolean(), publishSchema]);

export const publishOrderSchema = z.strictObject({ dependency_fields: z.array(nonEmpty()) });

// ---- keys monochange reads for versioning, changelogs, changesets, lints and its CLI --------------
// Modelled with their types so wrong types are reported; none of them changes publishing here.

const strings = () => z.array(z.string());
const BUMPS = ['none', 'patch', 'minor', 'major'] as const;
const bump = z.enum(BUMPS);
const VERSION_FORMATS = ['namespaced', 'primary'] as const;
const CHANGELOG_FORMATS = ['monochange', 'keep_a_changelog', 'json', 'text'] as const;
const VERSIONED_FILE_TYPES = ['cargo', 'npm', 'deno', 'dart', 'python', 'go'] as const;

export const changelogTableSchema = z.strictObject({
  enabled: z.boolean().optional(),
  path: nonEmpty().optional(),
  format: z.enum(CHANGELOG_FORMATS).optional(),
  initial_header: z.string().optional(),
  include: z.union([z.enum(['all', 'group-only']), strings()]).optional(),
});
const changelogValue = z.union([z.boolean(), z.string(), changelogTableSchema]);

export const versionedFileSchema = z.strictObject({
  path: nonEmpty(),
  type: z.enum(VERSIONED_FILE_TYPES).optional(),
  prefix: z.string().optional(),
  fields: strings().optional(),
  name: z.string().optional(),
  regex: nonEmpty().optional(),
  format: z.enum(['json', 'toml', 'yaml', 'yml', 'env']).optional(),
  missing_field_behavior: z.enum(['ignore', 'add']).optional(),
  value_template: z.string().optional(),
});
const versionedFiles = z.array(z.union([nonEmpty(), versionedFileSchema]));

/** Keys packages and groups share (release identity, changelog, propagation). */
const releaseUnitKeys = {
  changelog: changelogValue.optional(),
  excluded_changelog_types: strings().optional(),
  empty_update_message: z.string().optional(),
  release_title: z.string().optional(),
  changelog_version_title: z.string().optional(),
  tag: z.boolean().optional(),
  release: z.boolean().optional(),
  version_format: z.enum(VERSION_FORMATS).optional(),
  bump_propagation: z.enum(['inherit', ...BUMPS]).optional(),
  bump_propagation_max: bump.optional(),
  bump_ceiling: bump.optional(),
  floating_tags: z.union([z.string(), strings()]).optional(),
  version_source: z.enum(['manifest', 'tag']).optional(),
  classification_enforced: z.boolean().optional(),
};

export const lockfileCommandSchema = z.strictObject({
  command: nonEmpty(),
  cwd: z.string().optional(),
  shell: z.union([z.boolean(), nonEmpty()]).optional(),
});

export const autoDiscoverSchema = z.strictObject({
  include: strings().optional(),
  exclude: strings().optional(),
  id: z.string().optional(),
  defaults: z
    .strictObject({
      tag: z.boolean().optional(),
      release: z.boolean().optional(),
      version_format: z.enum(VERSION_FORMATS).optional(),
    })
    .optional(),
});

export const semverChecksSchema = z.strictObject({
  enabled: z.boolean().optional(),
  timeout_seconds: count().optional(),
  matrix: z.array(z.unknown()).optional(),
});

export const ecosystemSchema = z.strictObject({
  publish: publishValue.optional(),
  publish_order: publishOrderSchema.optional(),
  /** Read by no monochange code (discovery scans every ecosystem; publishing is `publish.enabled`). */
  enabled: z.boolean().optional(),
  roots: strings().optional(),
  exclude: strings().optional(),
  dependency_version_prefix: z.string().optional(),
  versioned_files: versionedFiles.optional(),
  // monochange wants tables; some real files write bare command strings.
  lockfile_commands: z.array(z.union([nonEmpty(), lockfileCommandSchema])).optional(),
  auto_discover: autoDiscoverSchema.optional(),
  semver_checks: semverChecksSchema.optional(),
});

/**
 * `[ecosystems.flutter]`: monochange ignores it (flutter reads `[ecosystems.dart]`). Its discovery
 * switches are accepted; anything that would change publishing is reported (see schema-problems).
 */
export const flutterEcosystemSchema = z.strictObject({
  enabled: z.boolean().optional(),
  roots: strings().optional(),
  exclude: strings().optional(),
});

export const ecosystemsSchema = z.strictObject({
  npm: ecosystemSchema.optional(),
  cargo: ecosystemSchema.optional(),
  deno: ecosystemSchema.optional(),
  dart: ecosystemSchema.optional(),
  python: ecosystemSchema.optional(),
  go: ecosystemSchema.optional(),
  flutter: flutterEcosystemSchema.optional(),
});

export const packageSchema = z.strictObject({
  path: nonEmpty(),
  type: z.enum(ECOSYSTEMS).optional(),
  version: z.string().regex(NO_WHITESPACE).optional(),
  publish: publishValue.optional(),
  ...releaseUnitKeys,
  versioned_files: versionedFiles.optional(),
  ignore_ecosystem_versioned_files: z.boolean().optional(),
  ignored_paths: strings().optional(),
  additional_paths: strings().optional(),
  cli: z.strictObject({ name: z.string().optional(), snapshot: z.unknown().optional() }).optional(),
  display_version: z.unknown().optional(),
  values: z.record(z.string(), z.unknown()).optional(),
});

export const groupSchema = z.strictObject({
  packages: z.array(z.union([nonEmpty(), z.strictObject({ name: nonEmpty(), max_bump: bump.optional() })])),
  ...releaseUnitKeys,
  versioned_files: z.array(versionedFileSchema).optional(),
});

export const releasesSchema = z.strictObject({
  branches: z.array(nonEmpty()).min(1).optional(),
  enforce_for_publish: z.boolean().optional(),
  attestations: z.strictObject({ require_github_artifact_attestations: z.boolean().optional() }).optional(),
  enabled: z.boolean().optional(),
  draft: z.boolean().optional(),
  prerelease: z.boolean().optional(),
  generate_notes: z.boolean().optional(),
  source: z.enum(['monochange', 'github_generated']).optional(),
  enforce_for_tags: z.boolean().optional(),
  enforce_for_commit: z.boolean().optional(),
  changeset_context_timeout_seconds: z.number().int().positive().optional(),
  changelog_output: z.string().optional(),
});

export const pullRequestsSchema = z.strictObject({
  enabled: z.boolean().optional(),
  branch_prefix: nonEmpty().optional(),
  base: nonEmpty().optional(),
  title: nonEmpty().optional(),
  labels: z.array(nonEmpty()).optional(),
  auto_merge: z.boolean().optional(),
  verified_commits: z.boolean().optional(),
  body_style: z.enum(['full', 'summary']).optional(),
  commit_subject: z.string().optional(),
  max_body_chars: z.number().int().positive().optional(),
});

export const affectedSchema = z.strictObject({
  enabled: z.boolean().optional(),
  required: z.boolean().optional(),
  skip_labels: z.array(nonEmpty()).optional(),
  comment_on_failure: z.boolean().optional(),
  changed_paths: strings().optional(),
  ignored_paths: strings().optional(),
});

export const oidcSchema = z.strictObject({ issuer: nonEmpty() });

export const sourceSchema = z.strictObject({
  provider: z.enum(SOURCE_PROVIDERS).optional(),
  owner: z.string().regex(NO_WHITESPACE),
  repo: z.string().regex(REPO_NAME_PATTERN),
  /** A bare host (`gitlab.example.com[:port]`) or, as monochange writes it, an https:// URL. */
  host: z.string().refine(isSourceHost).optional(),
  api_url: z.url({ protocol: /^https$/ }).optional(),
  releases: releasesSchema.optional(),
  pull_requests: pullRequestsSchema.optional(),
  oidc: oidcSchema.optional(),
  /** Older monochange: `[source.bot.changesets]`, now `[changesets.affected]`. */
  bot: z.strictObject({ changesets: affectedSchema.optional() }).optional(),
});

export const defaultsSchema = z.strictObject({
  package_type: z.enum(ECOSYSTEMS).optional(),
  /** Stored by monochange, read by none of its code: private manifests are never published. */
  include_private: z.boolean().optional(),
  parent_bump: bump.optional(),
  warn_on_group_mismatch: z.boolean().optional(),
  strict_version_conflicts: z.boolean().optional(),
  changelog: changelogValue.optional(),
  empty_update_message: z.string().optional(),
  release_title: z.string().optional(),
  changelog_version_title: z.string().optional(),
  bump_propagation: z.enum(['inherit', ...BUMPS]).optional(),
  bump_propagation_max: bump.optional(),
  versioned_files: versionedFiles.optional(),
});

const STYLE_KEYS = [
  'sectionSeparator',
  'packageLabelStyle',
  'packageLabelPlacement',
  'metadataStyle',
  'collapsedSectionStyle',
  'section_separator',
  'package_label_style',
  'package_label_placement',
  'metadata_style',
  'collapsed_section_style',
] as const;
const changelogStyleSchema = z.strictObject({
  ...Object.fromEntries(STYLE_KEYS.map((key) => [key, nonEmpty().optional()])),
  package_bump_symbols: z.unknown().optional(),
  packageBumpSymbols: z.unknown().optional(),
});
const smallInt = () => z.number().int().min(-128).max(127);

export const changelogSchema = z.strictObject({
  templates: strings().optional(),
  sections: z.record(z.string(), z.strictObject({ heading: z.string(), description: z.string().optional(), priority: smallInt().optional() })).optional(),
  section_thresholds: z.strictObject({ collapse: smallInt().optional(), ignored: smallInt().optional() }).optional(),
  types: z.record(z.string(), z.strictObject({ bump, section: nonEmpty(), description: z.string().optional(), stream: z.string().optional() })).optional(),
  style: changelogStyleSchema.optional(),
  release_notes: changelogStyleSchema.optional(),
  streams: z.record(z.string(), z.strictObject({ description: z.string().optional() })).optional(),
  outputs: z
    .record(
      z.string(),
      z.strictObject({
        path: nonEmpty().optional(),
        targets: strings().optional(),
        stream: z.string().optional(),
        format: z.enum(CHANGELOG_FORMATS).optional(),
        mode: z.enum(['append', 'release']).optional(),
        initial_header: z.string().optional(),
      }),
    )
    .optional(),
});

export const changesetsSchema = z.strictObject({
  affected: affectedSchema.optional(),
  /** Older monochange name of `affected`. */
  verify: affectedSchema.optional(),
  directory: nonEmpty().optional(),
  classification: z.strictObject({ skip_labels: strings().optional() }).optional(),
});

const LINT_LEVELS = ['off', 'warning', 'error'] as const;
/** Rule options differ per rule, so only `level` is checked in a rule table. */
const lintRules = z.record(z.string(), z.union([z.enum(LINT_LEVELS), z.looseObject({ level: z.enum(LINT_LEVELS).optional() })]));
export const lintsSchema = z.strictObject({
  use: strings().optional(),
  include: strings().optional(),
  exclude: strings().optional(),
  disable_gitignore: z.boolean().optional(),
  rules: lintRules.optional(),
  scopes: z
    .array(
      z.strictObject({
        name: z.string().optional(),
        match: z
          .strictObject({
            ecosystems: strings().optional(),
            paths: strings().optional(),
            package_ids: strings().optional(),
            group_ids: strings().optional(),
            managed: z.boolean().optional(),
            private: z.boolean().optional(),
            publishable: z.boolean().optional(),
          })
          .optional(),
        use: strings().optional(),
        rules: lintRules.optional(),
      }),
    )
    .optional(),
});

const inputValue = z.union([z.string(), z.boolean(), z.number(), strings()]);
export const cliInputSchema = z.strictObject({
  name: nonEmpty(),
  type: z.enum(['string', 'string_list', 'path', 'choice', 'boolean']),
  help_text: z.string().optional(),
  required: z.boolean().optional(),
  default: inputValue.optional(),
  choices: strings().optional(),
  short: z.string().length(1).optional(),
});
/** Every key any step type takes; which step takes which is monochange's business, not ours. */
export const cliStepSchema = z.strictObject({
  type: z.string().regex(/^[A-Z][A-Za-z]*$/),
  name: z.string().optional(),
  when: z.string().optional(),
  always_run: z.boolean().optional(),
  inputs: z.union([strings(), z.record(z.string(), inputValue)]).optional(),
  show_progress: z.boolean().optional(),
  allow_empty_changesets: z.boolean().optional(),
  no_verify: z.boolean().optional(),
  update_release_json: z.boolean().optional(),
  stage_all: z.boolean().optional(),
  command: nonEmpty().optional(),
  dry_run_command: z.string().optional(),
  shell: z.union([z.boolean(), nonEmpty()]).optional(),
  id: z.string().optional(),
  variables: z.record(z.string(), z.string()).optional(),
  commit_backend: z.enum(['local', 'hosted']).optional(),
  backend: z.enum(['local', 'hosted']).optional(),
  hosted_auth: z.enum(['auto', 'oidc', 'token']).optional(),
  hosted_url: z.string().optional(),
  oidc_audience: z.string().optional(),
  /** Older `RenderReleaseManifest` step. */
  path: z.string().optional(),
});
export const cliCommandSchema = z.strictObject({
  help_text: z.string().optional(),
  dry_run: z.boolean().optional(),
  inputs: z.array(cliInputSchema).optional(),
  steps: z.array(cliStepSchema).optional(),
});

export const prereleaseSchema = z.strictObject({
  enabled: z.boolean().optional(),
  channel: z.string().optional(),
  base: z.enum(['planned', 'current-stable', 'fixed']).optional(),
  base_version: z.string().optional(),
  numbering: z.enum(['increment', 'date', 'datetime']).optional(),
  branches: strings().optional(),
  changelog: z.unknown().optional(),
  release_notes: z.unknown().optional(),
  keep_changesets: z.boolean().optional(),
  write_manifests: z.boolean().optional(),
  publish_packages: z.boolean().optional(),
});

export const lookupSchema = z.strictObject({
  timeout_ms: z.number().int().positive().optional(),
  retries: z.number().int().nonnegative().optional(),
  concurrency: z.number().int().positive().optional(),
});

export const configSchema = z.strictObject({
  source: sourceSchema.optional(),
  defaults: defaultsSchema.optional(),
  package: z.record(z.string(), packageSchema).optional(),
  ecosystems: ecosystemsSchema.optional(),
  lookup: lookupSchema.optional(),
  group: z.record(z.string(), groupSchema).optional(),
  changelog: changelogSchema.optional(),
  changesets: changesetsSchema.optional(),
  lints: lintsSchema.optional(),
  cli: z.record(z.string(), cliCommandSchema).optional(),
  prerelease: prereleaseSchema.optional(),
  version_scheme: z.record(z.string(), z.strictObject({ template: z.string() })).optional(),
  /** Older monochange's `[release_notes]` (now `[changelog]`). */
  release_notes: z.strictObject({ change_templates: strings().optional() }).optional(),
});

export type RawConfig = z.output<typeof configSchema>;
export type RawPublish = z.output<typeof publishSchema>;
export type RawPackage = z.output<typeof packageSchema>;

export type RawGroup = z.output<typeof groupSchema>;

// ---- walking the schema along a concrete key path (for "did you mean" and generic fixes) --------

type Node = z.core.$ZodType;
type Def = { type: string; [key: string]: unknown };
const defOf = (node: Node): Def => (node as unknown as { _zod: { def: Def } })._zod.def;

/** The schemas a value may match, with optional/union/pipe wrappers removed. */
export function alternatives(node: Node): Node[] {
  const def = defOf(node);
  if (def.type === 'optional' || def.type === 'nullable' || def.type === 'default') return alternatives(def.innerType as Node);
  if (def.type === 'pipe') return alternatives(def.in as Node);
  if (def.type === 'union') return (def.options as Node[]).flatMap(alternatives);
  return [node];
}

function children(node: Node, segment: string | number): Node[] {
  const def = defOf(node);
  if (def.type === 'object' && typeof segment === 'string') {
    const child = (def.shape as Record<string, Node>)[segment];
    return child ? alternatives(child) : [];
  }
  if (def.type === 'record' && typeof segment === 'string') return alternatives(def.valueType as Node);
  if (def.type === 'array' && typeof segment === 'number') return alternatives(def.element as Node);
  return [];
}

/** Schemas of the value at a concrete key path (`["package", "@a/b", "publish"]`). */
export function schemasAt(path: readonly (string | number)[]): Node[] {
  let current = alternatives(configSchema);
  for (const segment of path) current = current.flatMap((node) => children(node, segment));
  return current;
}

/** Keys allowed in the table at a concrete key path (empty when it is not a table with fixed keys). */
export function allowedKeysAt(path: readonly (string | number)[]): readonly string[] {
  const keys = new Set<string>();
  for (const node of schemasAt(path)) {
    const def = defOf(node);
    if (def.type === 'object') for (const key of Object.keys(def.shape as object)) keys.add(key);
  }
  return [...keys];
}

/** What a schema node expects, in words, with an example value (`true`, `"npm"`, `["…"]`). */
export function describeNode(node: Node): { expects: string; value: string; table: boolean } {
  const def = defOf(node);
  switch (def.type) {
    case 'boolean':
      return { expects: 'true or false', value: 'true', table: false };
    case 'string':
      return { expects: 'a string', value: '"…"', table: false };
    case 'number': {
      let whole = false;
      let min: number | undefined;
      let max: number | undefined;
      for (const check of (def.checks as { _zod: { def: Record<string, unknown> } }[] | undefined) ?? []) {
        const c = check._zod.def;
        if (c.check === 'number_format' && String(c.format).includes('int')) whole = true;
        const value = c.value as number;
        if (c.check === 'greater_than') min = c.inclusive ? value : value + 1;
        if (c.check === 'less_than') max = c.inclusive ? value : value - 1;
      }
      const range =
        min !== undefined && max !== undefined && Number.isFinite(max) && max < Number.MAX_SAFE_INTEGER
          ? ` from ${min} to ${max}`
          : min !== undefined && min > Number.MIN_SAFE_INTEGER
            ? ` of ${min} or more`
            : '';
      const example = min !== undefined && min > 1 ? min : max !== undefined && max < 1 ? max : 1;
      return { expects: `${whole ? 'a whole number' : 'a number'}${range}`, value: String(example), table: false };
    }
    case 'enum': {
      const values = Object.values(def.entries as Record<string, string>);
      return { expects: `one of ${values.map((v) => `"${v}"`).join(', ')}`, value: `"${values[0]}"`, table: false };
    }
    case 'array': {
      const items = alternatives(def.element as Node).map(describeNode);
      const tables = items.some((item) => item.table);
      return {
        expects: `an array of ${[...new Set(items.map((item) => plural(item.expects)))].join(' or ')}`,
        value: tables ? '[{ … }]' : `[${items[0]?.value ?? ''}]`,
        table: false,
      };
    }
    case 'object':
    case 'record':
      return { expects: 'a table', value: '{ … }', table: true };
    default:
      return { expects: 'a valid value', value: '…', table: false };
  }
}

function plural(expects: string): string {
  if (expects === 'true or false') return 'booleans';
  if (expects.startsWith('one of ')) return `values (${expects})`;
  return `${expects.replace(/^an? /, '').replace(/^(\w+)/, '$1s')}`;
}

/** `expects` for the value at a path, joining the alternatives (`true, false or a table`). */
export function describeAt(path: readonly (string | number)[]): { expects: string; value: string; table: boolean } | undefined {
  const nodes = schemasAt(path);
  if (nodes.length === 0) return undefined;
  const described = nodes.map(describeNode);
  const merged = [...new Set(described.map((d) => d.expects))];
  const expects = merged.length === 1 ? merged[0] : `${merged.slice(0, -1).join(', ')} or ${merged[merged.length - 1]}`;
  const first = described.find((d) => !d.table) ?? described[0];
  return { expects, value: first.value, table: described.every((d) => d.table) };
}
