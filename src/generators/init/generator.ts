import { formatFiles, logger, type GeneratorCallback, type Tree } from '@nx/devkit';
import { CONFIG_FILE_NAME } from '../../core/config/types';
import { addPluginToNxJson, PLUGIN_NAME } from './add-plugin';
import { detectPackages } from './detect-packages';
import { detectSource } from './git-remote';
import { addReleasePublishTargetDefault } from './release-publish-default';
import { renderInitialConfig } from './render-config';
import type { InitGeneratorSchema } from './schema';

/**
 * `nx add @monochange/nx`: registers the plugin in nx.json, points nx.json
 * `targetDefaults["nx-release-publish"]` at the publish executor (so `nx release publish` uses it
 * for npm packages too) and, when the workspace has no monochange.toml yet, creates one declaring
 * the publishable packages it finds. Running it again changes nothing.
 */
export async function initGenerator(tree: Tree, options: InitGeneratorSchema = {}): Promise<GeneratorCallback> {
  const messages: string[] = [];
  if (addPluginToNxJson(tree)) messages.push(`Registered ${PLUGIN_NAME} in nx.json plugins.`);
  const releasePublish = addReleasePublishTargetDefault(tree);
  messages.push(...releasePublish.info);

  if (!tree.exists(CONFIG_FILE_NAME)) {
    const packages = detectPackages(tree);
    const source = detectSource(tree);
    tree.write(CONFIG_FILE_NAME, renderInitialConfig(packages, source));
    messages.push(
      `Created ${CONFIG_FILE_NAME} with ${packages.length} package${packages.length === 1 ? '' : 's'}` +
        (packages.length ? `: ${packages.map((p) => `${p.id} (${p.type})`).join(', ')}.` : '.'),
    );
    if (!source) messages.push(`No \`origin\` git remote found: fill in [source] in ${CONFIG_FILE_NAME}.`);
    messages.push('Next: `nx g @monochange/nx:trusted-publishing` to set up trusted publishing and the publish workflow.');
  }

  if (!options.skipFormat) await formatFiles(tree);
  return () => {
    for (const message of messages) logger.info(message);
    for (const warning of releasePublish.warnings) logger.warn(warning);
  };
}

export default initGenerator;
