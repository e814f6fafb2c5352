import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'smol-toml';
import type { PlaceholderRequest } from '../types';
import { sourceRepositoryUrl } from '../support/source-url';
import { pythonModuleName } from './module-name';

/** Writes the placeholder project: hatchling pyproject `0.0.0`, README.md, src/<module>/__init__.py. */
export async function writePythonPlaceholder(dir: string, req: PlaceholderRequest, name: string): Promise<void> {
  const module = pythonModuleName(name);
  const repository = sourceRepositoryUrl(req.source);
  const project: Record<string, unknown> = {
    name,
    version: '0.0.0',
    description: `Placeholder package for ${name}`,
    readme: 'README.md',
    'requires-python': '>=3.8',
  };
  if (repository) project.urls = { Repository: repository };
  const pyproject = {
    'build-system': { requires: ['hatchling'], 'build-backend': 'hatchling.build' },
    project,
    tool: { hatch: { build: { targets: { wheel: { packages: [`src/${module}`] } } } } },
  };
  await writeFile(path.join(dir, 'pyproject.toml'), `${stringify(pyproject)}\n`);
  await writeFile(path.join(dir, 'README.md'), req.readme);
  await mkdir(path.join(dir, 'src', module), { recursive: true });
  await writeFile(
    path.join(dir, 'src', module, '__init__.py'),
    `"""Placeholder package for ${name}, published by monochange to bootstrap trusted publishing."""\n`,
  );
}
