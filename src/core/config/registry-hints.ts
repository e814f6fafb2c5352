import { DEFAULT_REGISTRY, REGISTRY_IDS, isBuiltinRegistry, type Ecosystem, type RegistryId } from '../types';
import { closestMatch } from './edit-distance';

/** Names people write for the public registries (hosts, brand names), mapped to our ids. */
const COMMON_NAMES: Record<string, RegistryId> = {
  'crates.io': 'crates_io',
  crates: 'crates_io',
  'crates-io': 'crates_io',
  'static.crates.io': 'crates_io',
  'npmjs.com': 'npm',
  'www.npmjs.com': 'npm',
  'npmjs.org': 'npm',
  'registry.npmjs.org': 'npm',
  'https://registry.npmjs.org': 'npm',
  'https://registry.npmjs.org/': 'npm',
  npmjs: 'npm',
  'jsr.io': 'jsr',
  'pub.dev': 'pub_dev',
  pub: 'pub_dev',
  'pub-dev': 'pub_dev',
  'pypi.org': 'pypi',
  'upload.pypi.org': 'pypi',
  'proxy.golang.org': 'go_proxy',
  goproxy: 'go_proxy',
  'go-proxy': 'go_proxy',
};

/** The built-in id a registry value most likely means (`"pub.dev"` → `pub_dev`), if any. */
export function likelyRegistryId(value: string): RegistryId | undefined {
  const lower = value.trim().toLowerCase();
  if (isBuiltinRegistry(lower)) return lower;
  const common = COMMON_NAMES[lower] ?? COMMON_NAMES[lower.replace(/^https?:\/\//, '').replace(/\/+$/, '')];
  if (common) return common;
  const close = closestMatch(lower, REGISTRY_IDS);
  return close as RegistryId | undefined;
}

/**
 * The fix for "built-in mode with a registry other than the ecosystem default", plus what to
 * write when the value was a spelling of a registry id.
 */
export function registryOverrideFix(ecosystem: Ecosystem, registry: string, keyOwner: string): string {
  const expected = DEFAULT_REGISTRY[ecosystem];
  const meant = likelyRegistryId(registry);
  const external = `or set \`mode = "external"\` in \`[${keyOwner}]\` for a custom/private registry (monochange then records the package but leaves publishing to you)`;
  if (meant === expected) {
    return `registry ids are written with an underscore, not as a host name: use \`registry = "${expected}"\` (or remove the override; ${expected} is the default for ${ecosystem}), ${external}`;
  }
  if (meant) {
    return `\`${meant}\` is not the registry of ${ecosystem} packages; built-in ${ecosystem} publishing only goes to \`${expected}\`: remove the registry override to use the default (\`${expected}\`), declare a separate package of the matching type for \`${meant}\`, ${external}`;
  }
  return `remove the registry override to use the default public registry for ${ecosystem} (\`${expected}\`), ${external}`;
}
