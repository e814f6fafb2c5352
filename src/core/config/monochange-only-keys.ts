/**
 * Keys of a monochange.toml that monochange reads (versioning, changelogs, changesets, lints, its
 * CLI, hosted releases) and this plugin accepts without acting on. Listed so a user can be told once
 * which of their settings publishing here ignores.
 */

/** `true`: the key and everything under it is used here. `*`: any table key (package id, ecosystem). */
type Used = true | { readonly [key: string]: Used };

const PUBLISH: Used = {
  enabled: true,
  mode: true,
  registry: true,
  trusted_publishing: {
    enabled: true,
    repository: true,
    workflow: true,
    environment: true,
    repository_id: true,
    repository_owner_id: true,
  },
  attestations: true,
  placeholder: true,
  rate_limits: true,
};

const USED: Used = {
  source: {
    provider: true,
    owner: true,
    repo: true,
    host: true,
    oidc: true,
    releases: { branches: true, enforce_for_publish: true, attestations: true },
  },
  defaults: { package_type: true },
  package: { '*': { path: true, type: true, version: true, publish: PUBLISH } },
  ecosystems: {
    npm: { publish: PUBLISH, publish_order: true },
    cargo: { publish: PUBLISH, publish_order: true },
    deno: { publish: PUBLISH, publish_order: true },
    dart: { publish: PUBLISH, publish_order: true },
    python: { publish: PUBLISH, publish_order: true },
    go: { publish: PUBLISH, publish_order: true },
  },
  lookup: true,
};

/** Placeholders for map keys in the listed paths. */
const WILDCARD_NAMES: Record<string, string> = { package: '<id>', group: '<id>', cli: '<name>' };

/**
 * Key paths (`defaults.parent_bump`, `package.<id>.tag`, `group`) present in the validated table
 * that nothing here reads, sorted and without duplicates.
 */
export function monochangeOnlyKeys(table: Record<string, unknown>): string[] {
  const found = new Set<string>();
  walk(table, USED, '', '', found);
  return [...found].sort();
}

/** `path`: the dotted path so far (`''` at the top), `last`: its last key as written (picks the wildcard's name). */
function walk(value: unknown, used: Used, path: string, last: string, found: Set<string>): void {
  if (used === true || value === null || typeof value !== 'object' || Array.isArray(value)) return;
  const wildcard = used['*'];
  for (const key of Object.keys(value)) {
    const own = Object.prototype.hasOwnProperty.call(used, key) ? used[key] : undefined;
    const next = own ?? wildcard;
    const name = own === undefined && wildcard !== undefined ? (WILDCARD_NAMES[last] ?? '<key>') : key;
    const at = path === '' ? name : `${path}.${name}`;
    if (next === undefined) {
      found.add(at);
      continue;
    }
    if (next !== true) walk((value as Record<string, unknown>)[key], next, at, name, found);
  }
}
