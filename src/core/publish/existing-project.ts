import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A project another Nx plugin (project.json or package.json inference) already creates at a root. */
export interface ExistingProject {
  source: 'project.json' | 'package.json';
  /** Its Nx name, when the file names one. */
  name?: string;
}

function readJsonObject(file: string): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    // Nx reports a malformed project.json/package.json itself; the file still marks an existing project.
    return {};
  }
}

function stringField(obj: unknown, key: string): string | undefined {
  if (!obj || typeof obj !== 'object') return undefined;
  const value = (obj as Record<string, unknown>)[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The project Nx infers at `<workspaceRoot>/<projectRoot>`, if any. Name precedence follows Nx:
 * project.json `name`, then package.json `nx.name`, then package.json `name`.
 */
export function findExistingProject(workspaceRoot: string, projectRoot: string): ExistingProject | undefined {
  const dir = join(workspaceRoot, projectRoot);
  const projectJson = readJsonObject(join(dir, 'project.json'));
  const packageJson = readJsonObject(join(dir, 'package.json'));
  const name =
    stringField(projectJson, 'name') ?? stringField(packageJson?.nx, 'name') ?? stringField(packageJson, 'name');
  if (projectJson) return { source: 'project.json', name };
  if (packageJson) return { source: 'package.json', name };
  return undefined;
}
