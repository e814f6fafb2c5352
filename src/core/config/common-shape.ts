import { ECOSYSTEMS } from '../types';
import type { RawConfig } from './schema';
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
 * A zod-free check of the common shape of monochange.toml: the keys publishing reads, with their
 * types — `[source]` (provider, owner, repo, host, releases, oidc), `[defaults] package_type`,
 * `[package.<id>]` (path, type, version, publish), `[ecosystems.<npm|cargo|deno|dart|python|go>]`
 * (publish, publish_order) and `[lookup]`. Loading zod and building the full schema costs more
 * than everything else a project-graph computation does with the config, and most configs only
 * use these keys.
 *
 * The zod schema (schema.ts) stays the judge: this check accepts a table only when that schema
 * would accept it, and then returns what the schema would return (the same values; tables may
 * list their keys in another order). Anything else — a key outside the common shape, or a value it
 * does not accept — returns undefined and goes to the schema, which finds and words the problem.
 * common-shape.spec.ts holds the two to that.
 */
export function commonShape(table: Record<string, unknown>): RawConfig | undefined {
  const out = CONFIG(table);
  return out === FAIL ? undefined : (out as RawConfig);
}

/** Not accepted here: the schema decides. */
const FAIL: unique symbol = Symbol('not the common shape');

/** The schema's output for a value it accepts, or FAIL. */
type Check = (value: unknown) => unknown;

/** A TOML table (smol-toml gives dates as Date objects, which no table here is). */
function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

const bool: Check = (v) => (typeof v === 'boolean' ? v : FAIL);
const text =
  (pattern?: RegExp): Check =>
  (v) =>
    typeof v === 'string' && (!pattern || pattern.test(v)) ? v : FAIL;
const nonEmpty: Check = (v) => (typeof v === 'string' && v.length > 0 ? v : FAIL);
const oneOf = (values: readonly string[]): Check => {
  const allowed = new Set(values);
  return (v) => (typeof v === 'string' && allowed.has(v) ? v : FAIL);
};
/** A whole number of at least `min` (zod's `int()` takes safe integers only). */
const wholeFrom =
  (min: number): Check =>
  (v) =>
    typeof v === 'number' && Number.isSafeInteger(v) && v >= min ? v : FAIL;
const either =
  (...checks: Check[]): Check =>
  (v) => {
    for (const check of checks) {
      const out = check(v);
      if (out !== FAIL) return out;
    }
    return FAIL;
  };
const arrayOf =
  (item: Check, minLength = 0): Check =>
  (v) => {
    if (!Array.isArray(v) || v.length < minLength) return FAIL;
    const out: unknown[] = [];
    for (const element of v) {
      const checked = item(element);
      if (checked === FAIL) return FAIL;
      out.push(checked);
    }
    return out;
  };
/** A strict table: only these keys, each optional unless listed in `required`. */
const tableOf =
  (keys: Readonly<Record<string, Check>>, required: readonly string[] = []): Check =>
  (v) => {
    if (!isTable(v)) return FAIL;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(v)) {
      const check = Object.prototype.hasOwnProperty.call(keys, key) ? keys[key] : undefined;
      const checked = check ? check(v[key]) : FAIL;
      if (checked === FAIL) return FAIL;
      out[key] = checked;
    }
    for (const key of required) if (!Object.prototype.hasOwnProperty.call(out, key)) return FAIL;
    return out;
  };
const recordOf =
  (item: Check): Check =>
  (v) => {
    if (!isTable(v)) return FAIL;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(v)) {
      const checked = item(v[key]);
      if (checked === FAIL) return FAIL;
      out[key] = checked;
    }
    return out;
  };

/** Numeric ids from OIDC claims: digit strings or whole numbers, as strings. */
const numericId: Check = (v) => {
  const out = either(text(DIGITS_PATTERN), wholeFrom(0))(v);
  return out === FAIL ? FAIL : String(out);
};

const PUBLISH_TABLE = tableOf({
  enabled: bool,
  mode: oneOf(PUBLISH_MODES),
  registry: nonEmpty,
  trusted_publishing: either(
    bool,
    tableOf({
      enabled: bool,
      repository: text(REPOSITORY_PATTERN),
      workflow: text(WORKFLOW_PATTERN),
      environment: nonEmpty,
      repository_id: numericId,
      repository_owner_id: numericId,
      mode: oneOf(TRUSTED_PUBLISHING_MODES),
    }),
  ),
  attestations: tableOf({ require_registry_provenance: bool }),
  placeholder: tableOf({ readme: nonEmpty, readme_file: nonEmpty }),
  rate_limits: tableOf({ enforce: bool }),
  fail_on_duplicate: bool,
  timeout: tableOf({ timeout_seconds: wholeFrom(0), retries: wholeFrom(0) }),
});
const PUBLISH = either(bool, PUBLISH_TABLE);

const ECOSYSTEM = tableOf({ publish: PUBLISH, publish_order: tableOf({ dependency_fields: arrayOf(nonEmpty) }, ['dependency_fields']) });

const CONFIG = tableOf({
  source: tableOf(
    {
      provider: oneOf(SOURCE_PROVIDERS),
      owner: text(NO_WHITESPACE),
      repo: text(REPO_NAME_PATTERN),
      host: (v) => (typeof v === 'string' && isSourceHost(v) ? v : FAIL),
      releases: tableOf({
        branches: arrayOf(nonEmpty, 1),
        enforce_for_publish: bool,
        attestations: tableOf({ require_github_artifact_attestations: bool }),
      }),
      oidc: tableOf({ issuer: nonEmpty }, ['issuer']),
    },
    ['owner', 'repo'],
  ),
  defaults: tableOf({ package_type: oneOf(ECOSYSTEMS) }),
  package: recordOf(tableOf({ path: nonEmpty, type: oneOf(ECOSYSTEMS), version: text(NO_WHITESPACE), publish: PUBLISH }, ['path'])),
  ecosystems: tableOf({ npm: ECOSYSTEM, cargo: ECOSYSTEM, deno: ECOSYSTEM, dart: ECOSYSTEM, python: ECOSYSTEM, go: ECOSYSTEM }),
  lookup: tableOf({ timeout_ms: wholeFrom(1), retries: wholeFrom(0), concurrency: wholeFrom(1) }),
});
