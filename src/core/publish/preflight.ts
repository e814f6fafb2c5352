import { findWorkspaceConfig } from '../config';
import type { PackageConfig } from '../config/types';
import { MonochangeError, formatError } from '../errors';
import type { Env } from '../types';
import { findExistingProject } from './existing-project';
import { createRunContext } from './run-context';
import { matchesProjectPattern, parseNxArgv } from './run-argv';
import { resolveTarget } from './target';

/**
 * Before Nx runs any task of a real publish, every package in scope must pass the trust gate
 * (identity, tokens, context, signed claims, provenance). One refusal stops the whole run before
 * the first upload, instead of half way through a release.
 */
export async function preflightPublishRun(options: {
  root: string;
  argv: string[];
  env: Env;
  publishTargets: string[];
  log?: (line: string) => void;
}): Promise<{ checked: number } | undefined> {
  const request = parseNxArgv(options.argv, options.env);
  if (request.dryRun || !request.targets.some((t) => options.publishTargets.includes(t))) return undefined;
  if (!findWorkspaceConfig(options.root)) return undefined;
  const log = options.log ?? (() => undefined);
  const ctx = await createRunContext({ root: options.root, env: options.env, log: () => undefined, write: () => undefined });
  const inScope = ctx.config.packages.filter((pkg) => {
    if (!pkg.publish.enabled || pkg.publish.mode !== 'builtin') return false;
    const names = [pkg.id, projectNameFor(ctx.root, pkg)];
    if (request.projects.length && !names.some((n) => matchesProjectPattern(n, request.projects))) return false;
    return !names.some((n) => matchesProjectPattern(n, request.exclude));
  });
  const refusals: string[] = [];
  for (const pkg of inScope) {
    try {
      const target = resolveTarget(ctx.config, pkg, projectNameFor(ctx.root, pkg), { refName: ctx.env.GITHUB_REF_NAME });
      if (target.manifest.private) continue;
      const verdict = await ctx.gate.check(target);
      if (!verdict.allowed) refusals.push(`- ${pkg.id}: ${verdict.reason}`);
    } catch (error) {
      refusals.push(`- ${pkg.id}: ${formatError(error)}`);
    }
  }
  if (refusals.length) {
    throw new MonochangeError(
      `publishing refused before any upload: ${refusals.length} of ${inScope.length} package(s) cannot be published from this job:\n${refusals.join('\n')}`,
      { code: 'preflight.refused', fix: 'fix the reasons above (or run `nx run-many -t readiness` for every check), then re-run; nothing was published' },
    );
  }
  log(`monochange: trust preflight passed for ${inScope.length} package(s)`);
  return { checked: inScope.length };
}

/** The Nx project name of a declared package, as the plugin names it: the existing project's name, else the id. */
export function projectNameFor(root: string, pkg: PackageConfig): string {
  return findExistingProject(root, pkg.path)?.name ?? pkg.id;
}
