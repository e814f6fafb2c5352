import type { FileReader } from './file-reader';
import { normalizePythonName, parsePep508 } from './pep508';
import { fieldError, isRecord, isValidSemver, makeSource, missingFieldError, optionalString, readManifestText, type ManifestSource } from './source';
import { parseToml } from './toml-text';
import type { DependencyKind, Manifest, ManifestDependency, PythonData } from './types';

/** PEP 440 public + local version (case-insensitive), from the PEP's appendix. */
const PEP440 =
  /^v?(?:\d+!)?\d+(?:\.\d+)*(?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)[-_.]?\d*)?(?:-\d+|[-_.]?(?:post|rev|r)[-_.]?\d*)?(?:[-_.]?dev[-_.]?\d*)?(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?$/i;

/** Reads `<dir>/pyproject.toml`: PEP 621 `[project]` first, else Poetry's `[tool.poetry]`. */
export function readPythonManifest(root: string, dir: string, id?: string, reader?: FileReader): Manifest {
  const src = makeSource(root, dir, 'pyproject.toml', 'python', id, reader);
  const toml = parseToml(src, readManifestText(src));
  const project = isRecord(toml.project) ? toml.project : undefined;
  const tool = isRecord(toml.tool) ? toml.tool : {};
  const poetry = isRecord(tool.poetry) ? tool.poetry : undefined;

  const style: PythonData['style'] = project?.name !== undefined || !poetry ? 'pep621' : 'poetry';
  const table = style === 'pep621' ? project : poetry;
  const prefix = style === 'pep621' ? 'project' : 'tool.poetry';
  const name = readName(src, table?.name, prefix);

  const dynamic = Array.isArray(project?.dynamic) ? project.dynamic : [];
  const dynamicVersion = style === 'pep621' && dynamic.includes('version');
  if (dynamicVersion && project?.version !== undefined) {
    throw fieldError(src, 'project.version', '`project.version` is set but `version` is also listed in `project.dynamic`', {
      found: project.version,
      fix: 'remove `version` from `project.dynamic`, or remove `project.version` and let the build backend set it',
    });
  }
  // Poetry 2 keeps the version in [tool.poetry] when [project] marks it dynamic.
  const version = dynamicVersion
    ? poetry?.version !== undefined
      ? readVersion(src, poetry.version, 'tool.poetry.version')
      : undefined
    : readVersion(src, table?.version, `${prefix}.version`);

  const deps = [...pep621Dependencies(src, project, toml), ...poetryDependencies(src, poetry)];
  applyUvSources(deps, tool.uv);
  return {
    ecosystem: 'python',
    file: src.file,
    dir: src.dir,
    name,
    version,
    private: false,
    dependencies: mergeDuplicates(deps),
    python: { dynamicVersion, readme: project?.readme ?? poetry?.readme, style, normalizedName: normalizePythonName(name) },
  };
}

function readName(src: ManifestSource, value: unknown, prefix: string): string {
  const fix = 'add `name = "my-package"` under [project] (or [tool.poetry] for Poetry 1 projects)';
  if (value === undefined) throw missingFieldError(src, prefix === 'project' ? 'project.name' : 'tool.poetry.name', fix);
  const name = optionalString(src, value, `${prefix}.name`) ?? '';
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(name.trim())) {
    throw fieldError(src, `${prefix}.name`, `\`${prefix}.name\` is not a valid Python project name`, {
      found: value,
      fix: 'use letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit',
    });
  }
  return name.trim();
}

/** Semver stays; `X.Y` becomes `X.Y.0`; other valid PEP 440 versions (`1.0rc1`, `2.0.post1`) are kept verbatim. */
function readVersion(src: ManifestSource, value: unknown, key: string): string | undefined {
  const text = optionalString(src, value, key)?.trim();
  if (text === undefined) return undefined;
  if (isValidSemver(text) && !/^[v=]/.test(text)) return text;
  if (/^\d+\.\d+$/.test(text)) return `${text}.0`;
  if (PEP440.test(text)) return text;
  throw fieldError(src, key, `\`${key}\` is not a valid version`, {
    found: value,
    fix: `set \`${key}\` to a version like "1.2.3" (PEP 440), or list "version" in project.dynamic`,
  });
}

function requirementList(src: ManifestSource, value: unknown, key: string, kind: DependencyKind, field: string): ManifestDependency[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw fieldError(src, key, `\`${key}\` must be an array of requirement strings`, { found: value, fix: `write \`${key} = ["requests>=2"]\`` });
  }
  const deps: ManifestDependency[] = [];
  value.forEach((item, index) => {
    // dependency-groups may include other groups: { include-group = "test" }.
    if (isRecord(item) && typeof item['include-group'] === 'string') return;
    const req = typeof item === 'string' ? parsePep508(item) : undefined;
    if (!req) {
      throw fieldError(src, `${key}[${index}]`, `\`${key}[${index}]\` is not a valid PEP 508 requirement`, {
        found: item,
        fix: 'write a requirement such as "requests>=2,<3" or "my-lib[extra]; python_version >= \'3.10\'"',
      });
    }
    deps.push({ name: req.name, kind, field, versionReq: req.versionReq });
  });
  return deps;
}

function pep621Dependencies(src: ManifestSource, project: Record<string, unknown> | undefined, toml: Record<string, unknown>): ManifestDependency[] {
  const deps = requirementList(src, project?.dependencies, 'project.dependencies', 'normal', 'dependencies');
  for (const [key, field, kind, table] of [
    ['project.optional-dependencies', 'optional-dependencies', 'optional', project?.['optional-dependencies']],
    ['dependency-groups', 'dependency-groups', 'dev', toml['dependency-groups']],
  ] as const) {
    if (table === undefined) continue;
    if (!isRecord(table))
      throw fieldError(src, key, `\`${key}\` must be a table of name → requirement list`, { found: table, fix: `write [${key}] with \`name = ["pkg>=1"]\`` });
    for (const [group, list] of Object.entries(table)) deps.push(...requirementList(src, list, `${key}.${group}`, kind, field));
  }
  return deps;
}

function poetryDependencies(src: ManifestSource, poetry: Record<string, unknown> | undefined): ManifestDependency[] {
  if (!poetry) return [];
  const deps = poetryTable(src, poetry.dependencies, 'tool.poetry.dependencies', 'normal', 'dependencies');
  deps.push(...poetryTable(src, poetry['dev-dependencies'], 'tool.poetry.dev-dependencies', 'dev', 'dev-dependencies'));
  if (isRecord(poetry.group)) {
    for (const [group, body] of Object.entries(poetry.group)) {
      if (isRecord(body)) deps.push(...poetryTable(src, body.dependencies, `tool.poetry.group.${group}.dependencies`, 'dev', 'group.dependencies'));
    }
  }
  return deps;
}

function poetryTable(src: ManifestSource, table: unknown, key: string, kind: DependencyKind, field: string): ManifestDependency[] {
  if (table === undefined) return [];
  if (!isRecord(table)) throw fieldError(src, key, `\`${key}\` must be a table`, { found: table, fix: `write [${key}] with \`name = "^1.0"\`` });
  const deps: ManifestDependency[] = [];
  for (const [name, spec] of Object.entries(table)) {
    if (name.toLowerCase() === 'python') continue;
    const dep: ManifestDependency = { name: normalizePythonName(name), kind, field };
    if (typeof spec === 'string') dep.versionReq = spec;
    else if (isRecord(spec)) {
      if (typeof spec.version === 'string') dep.versionReq = spec.version;
      if (typeof spec.path === 'string') dep.path = spec.path;
    } else if (!Array.isArray(spec)) {
      throw fieldError(src, `${key}.${name}`, `dependency \`${name}\` must be a constraint string or a table`, {
        found: spec,
        fix: `write \`${name} = "^1.0"\` or \`${name} = { path = "../${name}" }\``,
      });
    }
    deps.push(dep);
  }
  return deps;
}

/** uv workspaces say where a dependency comes from in `[tool.uv.sources]`. */
function applyUvSources(deps: ManifestDependency[], uv: unknown): void {
  const sources = isRecord(uv) && isRecord(uv.sources) ? uv.sources : {};
  const byName = new Map(Object.entries(sources).map(([name, source]) => [normalizePythonName(name), source]));
  for (const dep of deps) {
    const source = byName.get(dep.name);
    if (!isRecord(source)) continue;
    if (source.workspace === true) dep.workspace = true;
    if (typeof source.path === 'string') dep.path = source.path;
  }
}

/** A name listed under [project] and again under [tool.poetry] (Poetry 2) is one dependency. */
function mergeDuplicates(deps: ManifestDependency[]): ManifestDependency[] {
  const out: ManifestDependency[] = [];
  for (const dep of deps) {
    const same = out.find((d) => d.name === dep.name && d.kind === dep.kind && d.field === dep.field);
    if (!same) out.push(dep);
    else {
      same.versionReq ??= dep.versionReq;
      same.path ??= dep.path;
    }
  }
  return out;
}
