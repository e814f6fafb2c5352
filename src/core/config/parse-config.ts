import * as path from 'node:path';
import { ECOSYSTEM_CONFIG_KEYS, type EcosystemConfigKey } from '../types';
import { firstProblem, problemToError, type ConfigProblem } from './config-problem';
import { monochangeOnlyKeys } from './monochange-only-keys';
import { packageIdProblems, resolvePackages } from './resolve-packages';
import { applyPublish, defaultPublishSettings, publishTable, publishTableProblems, registryOverrideProblem } from './resolve-publish';
import { commonShape } from './common-shape';
import { resolveSource, sourceProblems } from './resolve-source';
import type { RawConfig } from './schema';
import { TomlKeyLocator } from './toml-locator';
import { parseToml } from './toml-syntax';
import type { MonochangeConfig, PublishSettings } from './types';

export interface ParseOptions {
  /** Path used in error messages and as the config location. */
  file: string;
  /** Absolute workspace root. */
  root: string;
  /** Check that every package `path` (and `readme_file`) exists (default true). */
  checkPaths?: boolean;
}

export const LOOKUP_DEFAULTS = { timeoutMs: 30_000, retries: 3, concurrency: 16 } as const;

/**
 * Parses and validates monochange.toml text into the resolved model. Throws one MonochangeError
 * (the first problem in file order) for invalid TOML, schema violations and semantic errors.
 */
export function parseConfig(text: string, options: ParseOptions): MonochangeConfig {
  const root = path.resolve(options.root);
  const checkPaths = options.checkPaths ?? true;
  const locator = new TomlKeyLocator(text);
  const fail = (problems: ConfigProblem[]): never => {
    throw problemToError(firstProblem(problems, locator), options.file, locator);
  };

  const parsed = parseToml(text, locator);
  if (!parsed.ok) return fail([parsed.problem]);

  const idProblems = packageIdProblems(parsed.table);
  const common = idProblems.length === 0 ? commonShape(parsed.table) : undefined;
  const raw = common ?? validateWithSchema(parsed.table, idProblems, fail);
  const problems: ConfigProblem[] = [];
  if (raw.source) problems.push(...sourceProblems(raw.source));
  const { ecosystems, invalidEcosystems } = resolveEcosystems(raw, root, checkPaths, problems);
  const { packages, problems: packageProblems } = resolvePackages(raw.package, {
    root,
    checkPaths,
    defaultType: raw.defaults?.package_type,
    ecosystems,
    invalidEcosystems,
  });
  problems.push(...packageProblems);
  if (problems.length > 0) return fail(problems);

  const config: MonochangeConfig = {
    root,
    file: path.resolve(root, options.file),
    defaults: raw.defaults?.package_type ? { packageType: raw.defaults.package_type } : {},
    ecosystems,
    packages,
    lookup: {
      timeoutMs: raw.lookup?.timeout_ms ?? LOOKUP_DEFAULTS.timeoutMs,
      retries: raw.lookup?.retries ?? LOOKUP_DEFAULTS.retries,
      concurrency: raw.lookup?.concurrency ?? LOOKUP_DEFAULTS.concurrency,
    },
  };
  if (raw.source) config.source = resolveSource(raw.source);
  const monochangeOnly = monochangeOnlyKeys(parsed.table);
  if (monochangeOnly.length > 0) config.monochangeOnlyKeys = monochangeOnly;
  const publishOrder = resolvePublishOrder(raw);
  if (publishOrder) config.publishOrder = publishOrder;
  return config;
}

/**
 * The zod schema: for every config outside the common shape (common-shape.ts), and for finding and
 * wording what is wrong. Loaded on first use: building it costs more than the rest of a parse.
 */
function validateWithSchema(table: Record<string, unknown>, idProblems: ConfigProblem[], fail: (problems: ConfigProblem[]) => never): RawConfig {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- zod and the schema load only when a config needs them
  const { configSchema } = require('./schema') as typeof import('./schema');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- error path only
  const { schemaProblems } = require('./schema-problems') as typeof import('./schema-problems');
  const validated = configSchema.safeParse(table);
  const shapeProblems = [...idProblems, ...(validated.success ? [] : schemaProblems(validated.error.issues, table))];
  if (shapeProblems.length > 0 || !validated.success) return fail(shapeProblems);
  return validated.data;
}

function resolveEcosystems(
  raw: RawConfig,
  root: string,
  checkPaths: boolean,
  problems: ConfigProblem[],
): { ecosystems: Record<EcosystemConfigKey, PublishSettings>; invalidEcosystems: Set<EcosystemConfigKey> } {
  const ecosystems = {} as Record<EcosystemConfigKey, PublishSettings>;
  const invalidEcosystems = new Set<EcosystemConfigKey>();
  for (const eco of ECOSYSTEM_CONFIG_KEYS) {
    const rawPublish = publishTable(raw.ecosystems?.[eco]?.publish);
    const owner = { tablePath: ['ecosystems', eco], label: `ecosystems \`${eco}\`` };
    const tableProblems = publishTableProblems(rawPublish, owner, root, checkPaths);
    const settings = applyPublish(defaultPublishSettings(eco), rawPublish);
    const override = registryOverrideProblem(settings, eco, rawPublish, owner);
    if (override) tableProblems.push(override);
    if (tableProblems.length > 0) invalidEcosystems.add(eco);
    problems.push(...tableProblems);
    ecosystems[eco] = settings;
  }
  return { ecosystems, invalidEcosystems };
}

function resolvePublishOrder(raw: RawConfig): MonochangeConfig['publishOrder'] {
  const order: NonNullable<MonochangeConfig['publishOrder']> = {};
  for (const eco of ECOSYSTEM_CONFIG_KEYS) {
    const fields = raw.ecosystems?.[eco]?.publish_order?.dependency_fields;
    if (fields) order[eco] = { dependencyFields: [...fields] };
  }
  return Object.keys(order).length > 0 ? order : undefined;
}
