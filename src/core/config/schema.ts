import { z } from 'zod';
import { ECOSYSTEMS } from '../types';

/**
 * Shape of `monochange.toml` as written (snake_case, everything optional that has a default).
 * Every table is strict: unknown keys are rejected at every level (the reference ignores them in
 * nested tables). Semantic rules that span keys live in resolve-*.ts, not here.
 */

export const SOURCE_PROVIDERS = ['github', 'gitlab', 'gitea', 'bitbucket', 'forgejo', 'other'] as const;
export const PUBLISH_MODES = ['builtin', 'external'] as const;

/** `owner/repo`, as GitHub spells repositories. */
export const REPOSITORY_PATTERN = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
/** A bare workflow file name, as it appears in `.github/workflows/`. */
export const WORKFLOW_PATTERN = /^[A-Za-z0-9_.-]+\.ya?ml$/;
export const PACKAGE_ID_PATTERN = /^[A-Za-z0-9_.@/-]+$/;
const HOST_PATTERN = /^[A-Za-z0-9.-]+(:\d+)?$/;
const NO_WHITESPACE = /^\S+$/;

const nonEmpty = () => z.string().min(1);

/** Numeric ids from OIDC claims: digit strings, or TOML integers (stored as strings). */
const numericId = z
  .union([z.string().regex(/^\d+$/), z.number().int().nonnegative()])
  .transform((value) => String(value));

export const trustedPublishingTableSchema = z.strictObject({
  enabled: z.boolean().optional(),
  repository: z.string().regex(REPOSITORY_PATTERN).optional(),
  workflow: z.string().regex(WORKFLOW_PATTERN).optional(),
  environment: nonEmpty().optional(),
  repository_id: numericId.optional(),
  repository_owner_id: numericId.optional(),
});

export const attestationsSchema = z.strictObject({ require_registry_provenance: z.boolean().optional() });
export const placeholderSchema = z.strictObject({
  readme: nonEmpty().optional(),
  readme_file: nonEmpty().optional(),
});
export const rateLimitsSchema = z.strictObject({ enforce: z.boolean().optional() });

export const publishSchema = z.strictObject({
  enabled: z.boolean().optional(),
  mode: z.enum(PUBLISH_MODES).optional(),
  registry: nonEmpty().optional(),
  trusted_publishing: z.union([z.boolean(), trustedPublishingTableSchema]).optional(),
  attestations: attestationsSchema.optional(),
  placeholder: placeholderSchema.optional(),
  rate_limits: rateLimitsSchema.optional(),
});

export const publishOrderSchema = z.strictObject({ dependency_fields: z.array(nonEmpty()) });

export const ecosystemSchema = z.strictObject({
  publish: publishSchema.optional(),
  publish_order: publishOrderSchema.optional(),
});

export const ecosystemsSchema = z.strictObject({
  npm: ecosystemSchema.optional(),
  cargo: ecosystemSchema.optional(),
  deno: ecosystemSchema.optional(),
  dart: ecosystemSchema.optional(),
  python: ecosystemSchema.optional(),
  go: ecosystemSchema.optional(),
});

export const packageSchema = z.strictObject({
  path: nonEmpty(),
  type: z.enum(ECOSYSTEMS).optional(),
  version: z.string().regex(NO_WHITESPACE).optional(),
  publish: publishSchema.optional(),
});

export const releasesSchema = z.strictObject({
  branches: z.array(nonEmpty()).min(1).optional(),
  enforce_for_publish: z.boolean().optional(),
  attestations: z.strictObject({ require_github_artifact_attestations: z.boolean().optional() }).optional(),
});

export const oidcSchema = z.strictObject({ issuer: nonEmpty() });

export const sourceSchema = z.strictObject({
  provider: z.enum(SOURCE_PROVIDERS).optional(),
  owner: z.string().regex(NO_WHITESPACE),
  repo: z.string().regex(/^[^\s/]+$/),
  host: z.string().regex(HOST_PATTERN).optional(),
  releases: releasesSchema.optional(),
  oidc: oidcSchema.optional(),
});

export const defaultsSchema = z.strictObject({ package_type: z.enum(ECOSYSTEMS).optional() });

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
});

export type RawConfig = z.output<typeof configSchema>;
export type RawPublish = z.output<typeof publishSchema>;
export type RawPackage = z.output<typeof packageSchema>;

const keysOf = (schema: { shape: object }): readonly string[] => Object.keys(schema.shape);

/** Keys allowed in each table, by abstract key path (see `abstractKeyPath`). */
export const ALLOWED_KEYS: Readonly<Record<string, readonly string[]>> = {
  '': keysOf(configSchema),
  source: keysOf(sourceSchema),
  'source.releases': keysOf(releasesSchema),
  'source.releases.attestations': keysOf(releasesSchema.shape.attestations.unwrap()),
  'source.oidc': keysOf(oidcSchema),
  defaults: keysOf(defaultsSchema),
  'package.*': keysOf(packageSchema),
  ecosystems: keysOf(ecosystemsSchema),
  'ecosystems.*': keysOf(ecosystemSchema),
  'ecosystems.*.publish_order': keysOf(publishOrderSchema),
  publish: keysOf(publishSchema),
  'publish.trusted_publishing': keysOf(trustedPublishingTableSchema),
  'publish.attestations': keysOf(attestationsSchema),
  'publish.placeholder': keysOf(placeholderSchema),
  'publish.rate_limits': keysOf(rateLimitsSchema),
  lookup: keysOf(lookupSchema),
};
