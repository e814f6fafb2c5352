import { formatFiles, logger, type GeneratorCallback, type Tree } from '@nx/devkit';
import { CONFIG_FILE_NAME } from '../../core/config/types';
import { auditWorkflow, type Finding } from '../../core/workflow/audit';
import { addGitlabInclude, GITLAB_CI_FILE, GITLAB_PUBLISH_FILE, renderGitlabPipeline } from '../../core/workflow/render-gitlab';
import { renderPublishWorkflow } from '../../core/workflow/render-workflow';
import { editTomlTables } from '../../core/workflow/toml-edit';
import { initGenerator } from '../init/generator';
import { configEdits } from './config-edits';
import { manualSteps } from './manual-steps';
import { normalizeOptions } from './normalize-options';
import { planGitlabPipeline, planWorkflows } from './plan-workflows';
import { readReleaseTagPatterns, readTargetNames } from './read-declared';
import type { TrustedPublishingGeneratorSchema } from './schema';

/**
 * Sets up trusted publishing: edits monochange.toml as text (comments and layout kept), writes the
 * hardened publish workflow(s), and returns a callback printing the registry-side steps left to do.
 * Everything goes through the Tree, so `--dry-run` writes nothing.
 */
export async function trustedPublishingGenerator(tree: Tree, options: TrustedPublishingGeneratorSchema = {}): Promise<GeneratorCallback> {
  const before: GeneratorCallback[] = [];
  if (!tree.exists(CONFIG_FILE_NAME)) before.push(await initGenerator(tree, { skipFormat: true }));

  const o = normalizeOptions(tree, options);
  const text = editTomlTables(o.config.text, configEdits(o), CONFIG_FILE_NAME);
  if (text !== o.config.text) tree.write(CONFIG_FILE_NAME, text);

  const targets = readTargetNames(tree);
  const findings: Finding[] = [];
  const written: string[] = [];
  if (!o.skipWorkflow && o.ci === 'gitlab') {
    const spec = planGitlabPipeline(o, targets, readReleaseTagPatterns(tree));
    if (spec) {
      const rendered = renderGitlabPipeline(spec);
      if (tree.read(GITLAB_PUBLISH_FILE, 'utf-8') !== rendered) tree.write(GITLAB_PUBLISH_FILE, rendered);
      const existing = tree.read(GITLAB_CI_FILE, 'utf-8') ?? undefined;
      const included = addGitlabInclude(existing, GITLAB_PUBLISH_FILE);
      if (included !== existing) tree.write(GITLAB_CI_FILE, included);
      written.push(GITLAB_PUBLISH_FILE, GITLAB_CI_FILE);
    }
  } else if (!o.skipWorkflow) {
    for (const wf of planWorkflows(o, targets, readReleaseTagPatterns(tree))) {
      const existing = tree.read(wf.path, 'utf-8') ?? undefined;
      const rendered = renderPublishWorkflow(wf.spec, existing, wf.path);
      if (rendered !== existing) tree.write(wf.path, rendered);
      written.push(wf.path);
      findings.push(...auditWorkflow(rendered, { path: wf.path, expected: { environment: o.environment, registries: wf.registries } }));
    }
  }

  if (!o.skipFormat) await formatFiles(tree);

  return async () => {
    for (const task of before) await task();
    for (const note of o.notes) logger.warn(note);
    if (written.length) logger.info(`Publish ${o.ci === 'gitlab' ? 'pipeline' : 'workflow'}${written.length > 1 ? 's' : ''}: ${written.join(', ')}`);
    for (const f of findings) {
      logger.warn(`${f.file}:${f.line}: [${f.rule}] ${f.message}. Fix: ${f.fix}`);
    }
    logger.info(manualSteps(o, targets).join('\n'));
  };
}

export default trustedPublishingGenerator;
