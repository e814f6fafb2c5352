import fs from 'node:fs';
import type { PythonData } from '../../manifests/types';
import { pypiRegistry } from '../../registries/pypi';
import { pythonChecks } from './python';
import { makeContext, manifest, pkgConfig, tempDir, writeFiles } from './testing/context';

const root = tempDir();
writeFiles(root, { 'README.md': '# lib\n' });
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function setup(python: Partial<PythonData>, manifestVersion: string | null = '1.2.3') {
  const version = manifestVersion ?? undefined;
  const pkg = pkgConfig({ id: 'lib', type: 'python' });
  const m = manifest(root, {
    ecosystem: 'python',
    name: 'my-lib',
    version,
    python: { style: 'pep621', dynamicVersion: false, readme: 'README.md', ...python },
  });
  return makeContext({ root, pkg, manifest: m, adapter: pypiRegistry, version: version ?? '1.2.3' });
}

const byId = async (ctx: ReturnType<typeof setup>) => Object.fromEntries((await pythonChecks(ctx)).map((c) => [c.id, c]));

describe('python checks', () => {
  it('python.metadata passes for a static name and version', async () => {
    expect((await byId(setup({})))['python.metadata']).toMatchObject({ status: 'pass', message: 'my-lib 1.2.3 ([project])' });
  });

  it('python.metadata fails without a version that is not dynamic either', async () => {
    expect((await byId(setup({}, null)))['python.metadata']).toMatchObject({ status: 'fail', fix: 'set `version = "1.2.3"` in [project]' });
  });

  it('python.dynamic-version passes for a static version', async () => {
    expect((await byId(setup({})))['python.dynamic-version'].status).toBe('pass');
  });

  it('python.dynamic-version warns for a dynamic version, with how to pin it', async () => {
    const check = (await byId(setup({ dynamicVersion: true }, null)))['python.dynamic-version'];
    expect(check).toMatchObject({ status: 'warn', fix: expect.stringContaining('remove "version" from project.dynamic') });
  });

  it('python.readme passes for an existing readme file', async () => {
    expect((await byId(setup({})))['python.readme']).toMatchObject({ status: 'pass', message: 'readme README.md' });
  });

  it('python.readme warns without a readme and fails for a missing file', async () => {
    expect((await byId(setup({ readme: undefined })))['python.readme'].status).toBe('warn');
    expect((await byId(setup({ readme: { file: 'docs/INDEX.md', 'content-type': 'text/markdown' } })))['python.readme']).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('docs/INDEX.md'),
    });
  });
});
