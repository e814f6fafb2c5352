import { formatFiles, logger, type GeneratorCallback, type Tree } from '@nx/devkit';
import { parse as parseToml } from 'smol-toml';
import { CONFIG_FILE_NAME } from '../../core/config/types';
import { addPluginToNxJson, PLUGIN_NAME } from './add-plugin';
import { detectPackages, type DeclaredPackage, type DetectedPackage } from './detect-packages';
import { detectSource } from './git-remote';
import { addReleasePublishTargetDefault } from './release-publish-default';
import { renderInitialConfig, renderPackageTables } from './render-config';
import type { InitGeneratorSchema } from './schema';

/**
 * `nx add @monochange/nx`: registers the plugin in nx.json, points nx.json
 * `targetDefaults["nx-release-publish"]` at the publish executor (so `nx release publish` uses it
 * for npm packages too), keeps `.monochange/` (result artifacts) out of git, and creates
 * monochange.toml declaring the publishable packages it finds. Run again, it appends the packages
 * found since (monochange.toml is otherwise left as written); with nothing new it changes nothing.
 */
export async function initGenerator(tree: Tree, options: InitGeneratorSchema = {}): Promise<GeneratorCallback> {
  const messages: string[] = [];
  if (addPluginToNxJson(tree)) messages.push(`Registered ${PLUGIN_NAME} in nx.json plugins.`);
  const releasePublish = addReleasePublishTargetDefault(tree);
  messages.push(...releasePublish.info);
  const warnings = [...releasePublish.warnings];
  if (ignoreResultDirectory(tree)) messages.push('Added .monochange/ (publish results) to .gitignore.');

  const existing = tree.read(CONFIG_FILE_NAME, 'utf-8');
  if (existing === null) {
    const packages = detectPackages(tree);
    const source = detectSource(tree);
    tree.write(CONFIG_FILE_NAME, renderInitialConfig(packages, source));
    messages.push(`Created ${CONFIG_FILE_NAME} with ${count(packages)}${packages.length ? `: ${list(packages)}.` : '.'}`);
    if (!source) messages.push(`No \`origin\` git remote found: fill in [source] in ${CONFIG_FILE_NAME}.`);
    messages.push('Next: `nx g @monochange/nx:trusted-publishing` to set up trusted publishing and the publish workflow.');
  } else {
    const declared = declaredPackages(existing);
    if (!declared) {
      warnings.push(`${CONFIG_FILE_NAME} does not parse as TOML, so init did not look for new packages: fix it and run init again.`);
    } else {
      const added = detectPackages(tree, declared);
      if (added.length > 0) {
        tree.write(CONFIG_FILE_NAME, `${existing.replace(/\n*$/, '\n')}${renderPackageTables(added)}`);
        messages.push(`Added ${count(added)} found since ${CONFIG_FILE_NAME} was written: ${list(added)}.`);
      } else {
        messages.push(`${CONFIG_FILE_NAME} already declares every publishable package init finds; nothing added.`);
      }
    }
  }

  if (!options.skipFormat) await formatFiles(tree);
  return () => {
    for (const message of messages) logger.info(message);
    for (const warning of warnings) logger.warn(warning);
  };
}

const count = (packages: readonly DetectedPackage[]) => `${packages.length} package${packages.length === 1 ? '' : 's'}`;
const list = (packages: readonly DetectedPackage[]) => packages.map((p) => `${p.id} (${p.type}, ${p.path})`).join(', ');

/** The `[package.<id>]` tables of monochange.toml; undefined when it does not parse. */
function declaredPackages(text: string): DeclaredPackage[] | undefined {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const record = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const defaultType = record(doc.defaults).package_type;
  return Object.entries(record(doc.package)).map(([id, table]) => {
    const { path, type } = record(table);
    return { id, path: typeof path === 'string' ? path : '', type: String(type ?? defaultType ?? '') };
  });
}

/** Adds `.monochange/` to the root .gitignore unless a line there already ignores it. */
function ignoreResultDirectory(tree: Tree): boolean {
  const text = tree.read('.gitignore', 'utf-8') ?? '';
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  if (lines.some((l) => /^\/?\.monochange\/?(\*\*?)?$/.test(l))) return false;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const prefix = text === '' || text.endsWith('\n') ? text : `${text}${eol}`;
  tree.write('.gitignore', `${prefix}# @monochange/nx publish results${eol}.monochange/${eol}`);
  return true;
}

export default initGenerator;
