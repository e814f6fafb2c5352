import { packageTable } from '../../core/config/key-path';
import { getProjects, joinPathFragments, readNxJson, type Tree } from '@nx/devkit';
import { parse, type TomlError } from 'smol-toml';
import { CONFIG_FILE_NAME } from '../../core/config/types';
import { MonochangeError } from '../../core/errors';
import { ECOSYSTEMS, ecosystemConfigKey, type Ecosystem, type EcosystemConfigKey } from '../../core/types';
import { MANIFEST_FILES } from '../../core/manifests/types';
import { PLUGIN_NAME } from '../init/add-plugin';
import { sniffManifest } from '../init/manifest-sniff';
import { nxProjectName } from '../../plugin/project-name';

/** A `[package.<id>]` of monochange.toml, with what the generator needs to know about it. */
export interface DeclaredPackage {
  id: string;
  path: string;
  type: Ecosystem;
  ecosystem: EcosystemConfigKey;
  /** Registry name from the manifest (the id when the manifest cannot be read). */
  name: string;
  manifestFound: boolean;
  /** Nx project publishing it: the project at its root, else the name the plugin gives it (nxProjectName). */
  project: string;
  /** `publish.enabled` (package, else ecosystem, else true). */
  enabled: boolean;
}

export interface DeclaredConfig {
  text: string;
  source?: { provider: string; owner: string; repo: string };
  packages: DeclaredPackage[];
}

type Table = Record<string, unknown>;
const table = (v: unknown): Table => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Table) : {});

/** Reads monochange.toml from the tree (smol-toml; the full config module validates at run time). */
export function readDeclaredConfig(tree: Tree): DeclaredConfig {
  const text = tree.read(CONFIG_FILE_NAME, 'utf-8') ?? '';
  let doc: Table;
  try {
    doc = parse(text) as Table;
  } catch (error) {
    const e = error as TomlError;
    throw new MonochangeError(`not valid TOML: ${String(e.message).split('\n')[0]}`, {
      code: 'config.toml-syntax',
      file: CONFIG_FILE_NAME,
      line: typeof e.line === 'number' ? e.line : undefined,
      fix: 'fix the TOML syntax at that line, then run the generator again',
    });
  }
  const sourceTable = table(doc.source);
  const source =
    typeof sourceTable.owner === 'string' && typeof sourceTable.repo === 'string'
      ? { provider: typeof sourceTable.provider === 'string' ? sourceTable.provider : 'github', owner: sourceTable.owner, repo: sourceTable.repo }
      : undefined;
  const defaultType = table(doc.defaults).package_type;
  const projects = [...getProjects(tree)].map(([name, p]) => ({ name, root: normalizeDir(p.root) }));
  const packages: DeclaredPackage[] = [];
  for (const [id, raw] of Object.entries(table(doc.package))) {
    const pkg = table(raw);
    const type = pkg.type ?? defaultType;
    if (typeof pkg.path !== 'string' || pkg.path.trim() === '') {
      throw new MonochangeError(`package \`${id}\` has no \`path\``, {
        code: 'config.missing-path',
        file: CONFIG_FILE_NAME,
        key: `package.${id}.path`,
        fix: `set \`path = "<directory of the package>"\` in ${packageTable(id)}`,
      });
    }
    if (typeof type !== 'string' || !(ECOSYSTEMS as readonly string[]).includes(type)) {
      throw new MonochangeError(`package \`${id}\` must declare \`type\` or set \`[defaults].package_type\``, {
        code: 'config.missing-type',
        file: CONFIG_FILE_NAME,
        key: `package.${id}.type`,
        found: type === undefined ? undefined : JSON.stringify(type),
        fix: `set \`type\` to one of ${ECOSYSTEMS.join(', ')} in ${packageTable(id)}`,
      });
    }
    const ecosystem = type as Ecosystem;
    const path = normalizeDir(pkg.path);
    const manifest = readManifestName(tree, path, ecosystem);
    const ecoPublish = table(table(table(doc.ecosystems)[ecosystemConfigKey(ecosystem)]).publish);
    const publish = table(pkg.publish);
    const enabled = (publish.enabled ?? ecoPublish.enabled ?? true) !== false;
    packages.push({
      id,
      path,
      type: ecosystem,
      ecosystem: ecosystemConfigKey(ecosystem),
      name: manifest ?? id,
      manifestFound: manifest !== undefined,
      project: projects.find((p) => p.root === path)?.name ?? nxProjectName(id),
      enabled,
    });
  }
  packages.sort((a, b) => a.id.localeCompare(b.id));
  return { text, source, packages };
}

function readManifestName(tree: Tree, dir: string, type: Ecosystem): string | undefined {
  for (const file of MANIFEST_FILES[type]) {
    const text = tree.read(joinPathFragments(dir, file), 'utf-8');
    if (text === null) continue;
    const sniffed = sniffManifest(file, text);
    if (sniffed) return sniffed.name;
  }
  return undefined;
}

function normalizeDir(dir: string): string {
  const clean = dir
    .trim()
    .replace(/\\/g, '/')
    .replace(/^\.\/+/, '')
    .replace(/\/+$/, '');
  return clean === '' ? '.' : clean;
}

/** Target names from the plugin's options in nx.json (the plugin's defaults otherwise). */
export function readTargetNames(tree: Tree): { publish: string; readiness: string; placeholderPublish: string } {
  const entry = (readNxJson(tree)?.plugins ?? []).find((p) => typeof p !== 'string' && p.plugin === PLUGIN_NAME);
  const options = table(typeof entry === 'object' ? entry.options : undefined);
  const name = (key: string, fallback: string) =>
    typeof options[key] === 'string' && (options[key] as string).trim() !== '' ? (options[key] as string) : fallback;
  return {
    publish: name('publishTargetName', 'publish'),
    readiness: name('readinessTargetName', 'readiness'),
    placeholderPublish: name('placeholderPublishTargetName', 'placeholder-publish'),
  };
}

/** Release tag patterns for the `tag` trigger, from nx.json `release` settings when present. */
export function readReleaseTagPatterns(tree: Tree): string[] {
  const release = table(readNxJson(tree)?.release);
  const pattern =
    (typeof table(release.releaseTag).pattern === 'string' ? (table(release.releaseTag).pattern as string) : undefined) ??
    (typeof release.releaseTagPattern === 'string' ? release.releaseTagPattern : undefined);
  const version = '[0-9]+.[0-9]+.[0-9]+*';
  if (pattern) {
    return [
      pattern
        .replace(/\{version\}/g, version)
        .replace(/\{(projectName|releaseGroupName)\}/g, '*')
        .replace(/\*+/g, '*'),
    ];
  }
  return release.projectsRelationship === 'independent' ? [`*@${version}`] : [`v${version}`];
}
