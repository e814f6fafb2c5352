import { DependencyType, type CreateDependenciesContext, type ProjectConfiguration } from '@nx/devkit';
import { createDependencies } from './create-dependencies';
import { createNodes } from './create-nodes';
import { findExistingProject } from '../core/publish/existing-project';
import { FIXTURE_WORKSPACE, listFiles, tempWorkspace } from './testing/fixture-workspace';

/** What Nx would hand createDependencies: projects by name (as merged from all plugins) and their files. */
async function graphContext(root: string, drop: string[] = []): Promise<CreateDependenciesContext> {
  const [[, result]] = await createNodes[1](['monochange.toml'], {}, { nxJsonConfiguration: {}, workspaceRoot: root });
  const projects: Record<string, ProjectConfiguration> = {};
  for (const [projectRoot, config] of Object.entries(result.projects!)) {
    const name = config.name ?? findExistingProject(root, projectRoot)!.name!;
    if (!drop.includes(name)) projects[name] = { ...config, root: projectRoot, name };
  }
  const roots = Object.values(projects)
    .map((p) => p.root)
    .sort((a, b) => b.length - a.length);
  const projectFileMap: Record<string, { file: string; hash: string }[]> = Object.fromEntries(
    Object.keys(projects).map((name) => [name, []]),
  );
  const nonProjectFiles: { file: string; hash: string }[] = [];
  for (const file of listFiles(root)) {
    const owner = roots.find((r) => file.startsWith(`${r}/`));
    const name = owner && Object.keys(projects).find((n) => projects[n].root === owner);
    (name ? projectFileMap[name] : nonProjectFiles).push({ file, hash: 'h' });
  }
  const fileMap = { projectFileMap, nonProjectFiles };
  return {
    workspaceRoot: root,
    projects,
    externalNodes: {},
    nxJsonConfiguration: {},
    fileMap,
    filesToProcess: fileMap,
  };
}

const asText = (deps: Awaited<ReturnType<typeof createDependencies>>) =>
  deps.map((d) => `${d.source} -> ${d.target} (${d.type}, ${'sourceFile' in d ? d.sourceFile : '-'})`).sort();

describe('createDependencies', () => {
  it('adds static edges from Cargo, pyproject, go.mod, pubspec and deno.json, not from package.json or dev deps', async () => {
    const deps = await createDependencies({}, await graphContext(FIXTURE_WORKSPACE));
    expect(asText(deps)).toEqual([
      'acme-cli -> acme-build (static, crates/cli/Cargo.toml)',
      'acme-cli -> acme-core (static, crates/cli/Cargo.toml)',
      'acme-testing -> acme-cli (static, crates/testing/Cargo.toml)',
      'dart-app -> dart-models (static, dart/app/pubspec.yaml)',
      'deno-tool -> @acme/js-util (static, deno/tool/deno.json)',
      'deno-tool -> deno-std (static, deno/tool/deno.json)',
      'go-app -> go-lib (static, go/app/go.mod)',
      'py-cli -> py-core (static, python/cli/pyproject.toml)',
    ]);
    expect(deps.every((d) => d.type === DependencyType.static)).toBe(true);
  });

  it('only links projects that exist in the graph', async () => {
    const deps = await createDependencies({}, await graphContext(FIXTURE_WORKSPACE, ['acme-core', 'go-app']));
    const text = asText(deps);
    expect(text).toContain('acme-cli -> acme-build (static, crates/cli/Cargo.toml)');
    expect(text.some((t) => t.includes('acme-core') || t.includes('go-app'))).toBe(false);
  });

  it('leaves out an edge whose manifest Nx does not know as a project file (e.g. git-ignored)', async () => {
    const context = await graphContext(FIXTURE_WORKSPACE);
    const files = context.fileMap.projectFileMap['go-app'];
    context.fileMap.projectFileMap['go-app'] = files.filter((f) => f.file !== 'go/app/go.mod');
    const text = asText(await createDependencies({}, context));
    expect(text.some((t) => t.startsWith('go-app'))).toBe(false);
    expect(text).toContain('py-cli -> py-core (static, python/cli/pyproject.toml)');
  });

  it('adds nothing without a monochange.toml, and nothing (no second error) when it is broken', async () => {
    const ws = tempWorkspace();
    try {
      const context = await graphContext(ws.root);
      ws.write('monochange.toml', 'not = [valid');
      expect(await createDependencies({}, context)).toEqual([]);
      ws.write('monochange.toml', '');
      const empty = tempWorkspace(false);
      try {
        expect(await createDependencies({}, { ...context, workspaceRoot: empty.root })).toEqual([]);
      } finally {
        empty.dispose();
      }
    } finally {
      ws.dispose();
    }
  });

  it('still links the packages whose manifests parse when another one does not', async () => {
    const ws = tempWorkspace();
    try {
      const context = await graphContext(ws.root);
      ws.write('python/core/pyproject.toml', '[project\n');
      const text = asText(await createDependencies({}, context));
      expect(text).toContain('go-app -> go-lib (static, go/app/go.mod)');
      // py-core's name is unknown now, so py-cli's requirement matches nothing.
      expect(text.some((t) => t.startsWith('py-cli'))).toBe(false);
    } finally {
      ws.dispose();
    }
  });
});
