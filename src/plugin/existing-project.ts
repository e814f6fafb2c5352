import { join } from 'node:path';
import { diskReader, type FileReader } from '../core/manifests/file-reader';

/** A project another Nx plugin (project.json or package.json inference) already creates at a root. */
export interface ExistingProject {
  source: 'project.json' | 'package.json';
  /** Its Nx name, when the file names one. */
  name?: string;
}

function readJsonObject(file: string, reader: Pick<FileReader, 'readText' | 'exists'>): Record<string, unknown> | undefined {
  let text: string;
  try {
    // Most package directories have no project.json: asking first is cheaper than a failed read.
    if (!reader.exists(file)) return undefined;
    text = reader.readText(file);
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
 * project.json `name`, then package.json `nx.name`, then package.json `name`. `reader` (default:
 * the disk) lets the plugin share the package.json it already read for the manifest.
 */
export function findExistingProject(
  workspaceRoot: string,
  projectRoot: string,
  reader: Pick<FileReader, 'readText' | 'exists'> = diskReader,
): ExistingProject | undefined {
  const dir = join(workspaceRoot, projectRoot);
  const projectJson = readJsonObject(join(dir, 'project.json'), reader);
  const packageJson = readJsonObject(join(dir, 'package.json'), reader);
  const name = stringField(projectJson, 'name') ?? stringField(packageJson?.nx, 'name') ?? stringField(packageJson, 'name');
  if (projectJson) return { source: 'project.json', name };
  if (packageJson) return { source: 'package.json', name };
  return undefined;
}
