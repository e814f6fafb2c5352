import { z } from 'zod';
import { PUBLISH_STATUSES, READINESS_STATUSES } from '../types';

/** The artifacts other tools and tests read: their paths, schemas and types. */

export const DEFAULT_PUBLISH_RESULT_PATH = '.monochange/publish-result.json';
export const DEFAULT_PLACEHOLDER_RESULT_PATH = '.monochange/placeholder-result.json';
export const DEFAULT_READINESS_PATH = '.monochange/readiness.json';

export const trustOutcomeSchema = z.object({
  status: z.enum(['disabled', 'planned', 'configured', 'manual_action_required']),
  repository: z.string().nullable(),
  workflow: z.string().nullable(),
  environment: z.string().nullable(),
  setupUrl: z.string().nullable(),
  message: z.string(),
});

export const identitySchema = z
  .object({
    provider: z.string(),
    verified: z.boolean(),
    repository: z.string().nullable(),
    workflow: z.string().nullable(),
    environment: z.string().nullable(),
    ref: z.string().nullable(),
    eventName: z.string().nullable(),
    claims: z.record(z.string(), z.string()).optional(),
  })
  .passthrough();

/** What every entry of a result file says about its package: which one, where it goes, at which version. */
const packageFields = {
  package: z.string(),
  project: z.string(),
  ecosystem: z.string(),
  registry: z.string(),
  name: z.string(),
  version: z.string(),
};

export const publishEntrySchema = z
  .object({
    ...packageFields,
    status: z.enum(PUBLISH_STATUSES),
    message: z.string(),
    placeholder: z.boolean(),
    trustedPublishing: trustOutcomeSchema,
    command: z.string().optional(),
    stdout: z.string().optional(),
    stderr: z.string().optional(),
    reason: z.string().optional(),
    blockedBy: z.string().optional(),
    dryRun: z.boolean().optional(),
    attempts: z.number().int().optional(),
    finishedAt: z.string().optional(),
    /** When an earlier run published this version (kept on re-runs that find it on the registry). */
    publishedAt: z.string().optional(),
  })
  .passthrough();

export const publishResultSchema = z.object({
  schemaVersion: z.literal(1),
  kind: z.literal('monochange.publishResult'),
  mode: z.enum(['release', 'placeholder']),
  dryRun: z.boolean(),
  identity: identitySchema.optional(),
  packages: z.array(publishEntrySchema),
});

export const checkSchema = z.object({
  id: z.string(),
  status: z.enum(['pass', 'warn', 'fail']),
  message: z.string(),
  fix: z.string().optional(),
});

export const readinessEntrySchema = z
  .object({
    ...packageFields,
    status: z.enum(READINESS_STATUSES),
    message: z.string(),
    checks: z.array(checkSchema),
    trustedPublishing: trustOutcomeSchema,
  })
  .passthrough();

export const readinessSchema = z.object({
  schemaVersion: z.literal(1),
  kind: z.literal('monochange.publishReadiness'),
  status: z.enum(['ready', 'blocked']),
  identity: identitySchema.optional(),
  packages: z.array(readinessEntrySchema),
});

export type PublishEntry = z.infer<typeof publishEntrySchema>;
export type PublishResult = z.infer<typeof publishResultSchema>;
export type ReadinessEntry = z.infer<typeof readinessEntrySchema>;
export type Readiness = z.infer<typeof readinessSchema>;
export type ArtifactIdentity = z.infer<typeof identitySchema>;
