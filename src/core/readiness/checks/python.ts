import fs from 'node:fs';
import path from 'node:path';
import type { Check } from '../../types';
import type { ReadinessCheck, ReadinessContext } from '../types';
import { fail, pass, warn, willPublish } from './support';

/** pyproject.toml: a static name and version (the one being released), and a readme for the PyPI page. */
export const pythonChecks: ReadinessCheck = (ctx) => {
  if (!willPublish(ctx)) return [];
  return [metadataCheck(ctx), dynamicVersionCheck(ctx), readmeCheck(ctx)];
};

function table(ctx: ReadinessContext): string {
  return ctx.target.manifest.python?.style === 'poetry' ? '[tool.poetry]' : '[project]';
}

function metadataCheck(ctx: ReadinessContext): Check {
  const m = ctx.target.manifest;
  const file = m.file;
  if (!m.name) return fail('python.metadata', `${table(ctx)} in ${file} has no name`, `set \`name = "..."\` in ${table(ctx)}`);
  if (!m.version && !m.python?.dynamicVersion) {
    return fail('python.metadata', `${table(ctx)} in ${file} has no version`, `set \`version = "${ctx.target.version}"\` in ${table(ctx)}`);
  }
  return pass('python.metadata', `${m.name}${m.version ? ` ${m.version}` : ''} (${table(ctx)})`);
}

function dynamicVersionCheck(ctx: ReadinessContext): Check {
  const m = ctx.target.manifest;
  if (!m.python?.dynamicVersion) return pass('python.dynamic-version', 'the version is static in pyproject.toml');
  if (m.version) return pass('python.dynamic-version', `\`version\` is dynamic in [project], and [tool.poetry] pins it to ${m.version}`);
  return warn(
    'python.dynamic-version',
    `\`version\` is listed in project.dynamic, so the build backend decides it at build time; readiness cannot confirm it will be ${ctx.target.version}`,
    `pin it: remove "version" from project.dynamic and set \`version = "${ctx.target.version}"\` in [project], or make sure the backend (setuptools-scm, hatch-vcs) builds from the release tag`,
  );
}

function readmeCheck(ctx: ReadinessContext): Check {
  const m = ctx.target.manifest;
  const readme = m.python?.readme;
  const fix = `set \`readme = "README.md"\` in ${table(ctx)} (and add the file) so PyPI shows a project description`;
  if (readme === undefined || readme === null || readme === '')
    return warn('python.readme', `${table(ctx)} has no \`readme\`: the PyPI page will have no description`, fix);
  const file =
    typeof readme === 'string'
      ? readme
      : typeof (readme as Record<string, unknown>).file === 'string'
        ? ((readme as Record<string, unknown>).file as string)
        : undefined;
  if (file && !fs.existsSync(path.resolve(m.dir, file))) {
    return fail(
      'python.readme',
      `\`readme\` points at ${file}, which does not exist in ${m.dir}; the build fails`,
      `add ${file} or point \`readme\` at the existing file`,
    );
  }
  return pass('python.readme', file ? `readme ${file}` : 'readme text is set');
}
