import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { parseConfig } from './parse-config';
import type { MonochangeConfig } from './types';

/**
 * The root monochange.toml of public repositories that use monochange, read in place from the
 * shared reference folder beside the repository (never copied into it). Each must load unchanged.
 */
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const CORPUS = path.join(REPO_ROOT, '..', 'shared', 'reference', 'monochange-toml-corpus');
const present = fs.existsSync(CORPUS);
if (!present) {
  console.warn(`corpus.spec.ts: skipped, the monochange.toml corpus is not at ${CORPUS}`);
}
const files = present
  ? fs
      .readdirSync(CORPUS)
      .filter((name) => name.endsWith('.toml'))
      .sort()
  : [];

function load(name: string): { config: MonochangeConfig; raw: Record<string, any> } {
  const text = fs.readFileSync(path.join(CORPUS, name), 'utf8');
  const config = parseConfig(text, { file: path.join(CORPUS, name), root: REPO_ROOT, checkPaths: false });
  return { config, raw: parseToml(text) as Record<string, any> };
}

const pkg = (config: MonochangeConfig, id: string) => {
  const found = config.packages.find((p) => p.id === id);
  if (!found) throw new Error(`no package ${id}`);
  return found;
};

(present ? describe : describe.skip)('real monochange.toml files', () => {
  it('finds the 23 corpus files', () => {
    expect(files).toHaveLength(23);
  });

  it.each(files)('%s parses unchanged', (name) => {
    const { config, raw } = load(name);
    expect(config.packages.map((p) => p.id)).toEqual(Object.keys(raw.package ?? {}).sort());
  });

  it.each(files)('%s: publish switches and package_type decide as monochange does', (name) => {
    const { config, raw } = load(name);
    for (const [id, table] of Object.entries<Record<string, any>>(raw.package ?? {})) {
      const resolved = pkg(config, id);
      expect(resolved.type).toBe(table.type ?? raw.defaults?.package_type);
      const own = typeof table.publish === 'boolean' ? table.publish : table.publish?.enabled;
      const eco = resolved.type === 'flutter' ? 'dart' : resolved.type;
      const ecoEnabled = raw.ecosystems?.[eco]?.publish?.enabled;
      // `release`/`tag` only drive tags and hosted releases: they never switch publishing.
      expect(resolved.publish.enabled).toBe(own ?? ecoEnabled ?? true);
    }
  });

  it('ifiokjr__lspee: `publish = false` keeps a package out, package_type fills in `type`', () => {
    const { config } = load('ifiokjr__lspee.toml');
    expect(pkg(config, 'lspee_test_helpers').publish.enabled).toBe(false);
    expect(pkg(config, 'lspee')).toMatchObject({ type: 'cargo', publish: { enabled: true, registry: 'crates_io' } });
    expect(pkg(config, '@ifi/lspee-skill')).toMatchObject({ type: 'npm', publish: { registry: 'npm' } });
  });

  it('openbudgetfun__solana_kit: `tag = true, release = false` packages are tagged without a hosted release, still published', () => {
    const { config, raw } = load('openbudgetfun__solana_kit.toml');
    expect(raw.package.solana_kit_address_lookup_table).toMatchObject({ tag: true, release: false });
    expect(pkg(config, 'solana_kit_address_lookup_table')).toMatchObject({ type: 'dart', publish: { enabled: true, registry: 'pub_dev' } });
  });

  it('ifiokjr__monosecret: ids like `rust:monosecret` and `@monosecret/cli` are packages', () => {
    const { config } = load('ifiokjr__monosecret.toml');
    expect(config.packages.map((p) => p.id)).toEqual(expect.arrayContaining(['rust:monosecret', '@monosecret/cli']));
  });

  it('ifiokjr__wasm_solana: registry = "crates-io" is crates.io', () => {
    const { config } = load('ifiokjr__wasm_solana.toml');
    expect(config.ecosystems.cargo.registry).toBe('crates_io');
    expect(config.packages.every((p) => p.type !== 'cargo' || p.publish.registry === 'crates_io')).toBe(true);
  });

  it('kickjump__verily: `publish = { enabled = false }` on packages; `[ecosystems.flutter]` does not change dart', () => {
    const { config, raw } = load('kickjump__verily.toml');
    const disabled = Object.entries<Record<string, any>>(raw.package).filter(([, t]) => t.publish?.enabled === false);
    expect(disabled.length).toBeGreaterThan(0);
    for (const [id] of disabled) expect(pkg(config, id).publish.enabled).toBe(false);
    expect(config.ecosystems.dart.enabled).toBe(true);
  });

  it('pina-rs__amm: trusted publishing pins from [ecosystems.*.publish] reach the packages', () => {
    const { config } = load('pina-rs__amm.toml');
    expect(config.ecosystems.cargo.trustedPublishing).toMatchObject({
      enabled: true,
      repository: 'pina-rs/amm',
      workflow: 'publish.yml',
      environment: 'publisher',
    });
  });
});
