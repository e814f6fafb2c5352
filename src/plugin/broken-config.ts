import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CreateNodesResult } from '@nx/devkit';
import { CONFIG_FILE_NAME } from '../core/config/types';
import { formatError } from '../core/errors';
import { findExistingProject } from './existing-project';
import { failFast, type PluginTarget } from './project-targets';
import { nxProjectName } from './project-name';
import type { TargetNames } from './options';

/** Package tables (`[package.<id>] path = "…"`) of a config that parses as TOML but fails validation. */
function declaredPaths(root: string): Array<{ id: string; path: string }> {
  let data: unknown;
  try {
    const { parse } = require('smol-toml') as typeof import('smol-toml');
    data = parse(readFileSync(join(root, CONFIG_FILE_NAME), 'utf8'));
  } catch {
    return [];
  }
  const tables = (data as { package?: unknown })?.package;
  if (!tables || typeof tables !== 'object') return [];
  return Object.entries(tables as Record<string, unknown>).flatMap(([id, table]) => {
    const path = (table as { path?: unknown } | null)?.path;
    return typeof path === 'string' ? [{ id, path: path.replace(/^\.\/?/, '').replace(/\/+$/, '') }] : [];
  });
}

/**
 * A monochange.toml that cannot be loaded must not take every Nx command down with it (Nx fails
 * the whole project graph on a plugin error): the packages it still names keep their projects,
 * and each of their monochange targets fails with the config's message. Nothing else changes.
 */
export function nodesForBrokenConfig(root: string, names: TargetNames, error: unknown): CreateNodesResult {
  const message = formatError(error);
  const fail = (description: string): PluginTarget => ({
    ...failFast(message),
    cache: false,
    metadata: { technologies: [], description, configError: message },
  });
  const projects: NonNullable<CreateNodesResult['projects']> = {};
  const taken = new Set<string>();
  for (const { id, path } of declaredPaths(root)) {
    const projectRoot = path === '' ? '.' : path;
    const existing = findExistingProject(root, projectRoot);
    const projectName = nxProjectName(id);
    // Two projects of one name would fail Nx's whole graph (ids that clash once renamed).
    if (projects[projectRoot] || (!existing && taken.has(projectName))) continue;
    if (!existing) taken.add(projectName);
    const targets: Record<string, PluginTarget> = {};
    for (const name of [names.publish, names.placeholderPublish, names.readiness, names.releasePublish]) {
      if (name) targets[name] = fail(`Fails until ${CONFIG_FILE_NAME} is fixed: ${message}`);
    }
    projects[projectRoot] = { ...(existing ? {} : { name: projectName, projectType: 'library' as const }), targets };
  }
  return { projects };
}
