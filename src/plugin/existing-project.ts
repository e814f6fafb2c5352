import { diskReader, type FileReader } from '../core/manifests/file-reader';
import { resolveIn } from '../core/manifests/source';

/** A project another Nx plugin (project.json or package.json inference) already creates at a root. */
export interface ExistingProject {
  source: 'project.json' | 'package.json';
  /** Its Nx name, when the file names one. */
  name?: string;
}

/**
 * Whether Nx sees a project.json/package.json (workspace-relative, `/`-separated): the files Nx
 * lists for the plugin's pattern, which are the ones its own plugins infer projects from (a
 * git-ignored file is not among them).
 */
export type NxSeesFile = (relativeFile: string) => boolean;

function readJsonObject(file: string, reader: Pick<FileReader, 'readText' | 'exists'>, listed: boolean | undefined): Record<string, unknown> | undefined {
  let text: string;
  try {
    // Most package directories have no project.json: asking first is cheaper than a failed read.
    if (!(listed ?? reader.exists(file))) return undefined;
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
 * the disk) lets the plugin share the package.json it already read for the manifest; `nxSees`,
 * when given, says which of the two files exist instead of asking the disk.
 */
export function findExistingProject(
  workspaceRoot: string,
  projectRoot: string,
  reader: Pick<FileReader, 'readText' | 'exists'> = diskReader,
  nxSees?: NxSeesFile,
): ExistingProject | undefined {
  const dir = resolveIn(workspaceRoot, projectRoot);
  const listed = (name: string) => nxSees?.(projectRoot === '.' || projectRoot === '' ? name : `${projectRoot}/${name}`);
  const projectJson = readJsonObject(resolveIn(dir, 'project.json'), reader, listed('project.json'));
  const packageJson = readJsonObject(resolveIn(dir, 'package.json'), reader, listed('package.json'));
  const name = stringField(projectJson, 'name') ?? stringField(packageJson?.nx, 'name') ?? stringField(packageJson, 'name');
  if (projectJson) return { source: 'project.json', name };
  if (packageJson) return { source: 'package.json', name };
  return undefined;
}
