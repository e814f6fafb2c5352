import fs from 'node:fs';
import path from 'node:path';
import { npmRegistry } from '../../registries/npm';
import { GITLAB_PUBLISH_FILE, renderGitlabPipeline } from '../../workflow/render-gitlab';
import { gitlabEnv } from '../../trust/testing/fixtures';
import { workflowChecks } from './workflow';
import { fakeAdapter, makeContext, manifest, pkgConfig, tempDir, writeFiles } from './testing/context';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const INCLUDE = `include:\n  - local: ${GITLAB_PUBLISH_FILE}\n`;
const generated = (registries: ('npm' | 'pypi')[] = ['npm', 'pypi'], environment = 'publisher') =>
  renderGitlabPipeline({ environment, registries, provenance: false, trigger: 'tag' });

function setup(files: Record<string, string>, o: { registry?: 'npm' | 'pypi'; environment?: string; env?: Record<string, string>; workflow?: string } = {}) {
  const root = tempDir();
  dirs.push(root);
  writeFiles(root, files);
  const registry = o.registry ?? 'npm';
  const pkg = pkgConfig({
    id: 'web',
    type: registry === 'npm' ? 'npm' : 'python',
    trustedPublishing: { enabled: true, workflow: o.workflow ?? '.gitlab-ci.yml', environment: o.environment ?? 'publisher' },
  });
  const m = manifest(path.join(root, 'packages/web'), { ecosystem: registry === 'npm' ? 'npm' : 'python', name: 'web', version: '1.2.3' });
  return makeContext({ root, pkg, manifest: m, adapter: registry === 'npm' ? npmRegistry : fakeAdapter('pypi', 'PyPI'), env: o.env ?? {} });
}

const byId = async (ctx: ReturnType<typeof setup>, id: string) => (await workflowChecks(ctx)).filter((c) => c.id === id);

describe('workflow checks for a GitLab pipeline', () => {
  it('pass for the generated pipeline, reading the included file (npm and PyPI)', async () => {
    for (const registry of ['npm', 'pypi'] as const) {
      const checks = await workflowChecks(setup({ '.gitlab-ci.yml': INCLUDE, [GITLAB_PUBLISH_FILE]: generated() }, { registry }));
      expect(checks.filter((c) => c.status !== 'pass')).toEqual([]);
      expect(checks.map((c) => c.id)).toEqual(['workflow.exists', 'workflow.id-token', 'workflow.environment']);
      expect(checks[1].message).toContain(`${GITLAB_PUBLISH_FILE}:`);
    }
  });

  it('fails when the registry token is missing or has the wrong audience, with the id_tokens to add', async () => {
    const [missing] = await byId(setup({ '.gitlab-ci.yml': INCLUDE, [GITLAB_PUBLISH_FILE]: generated(['pypi']) }), 'workflow.id-token');
    expect(missing).toMatchObject({ status: 'fail', message: expect.stringContaining('`NPM_ID_TOKEN` is not declared') });
    expect(missing.fix).toContain('id_tokens: { NPM_ID_TOKEN: { aud: "npm:registry.npmjs.org" } }');
    const wrongAud = generated().replace('aud: pypi', 'aud: https://gitlab.com');
    const [pypi] = await byId(setup({ '.gitlab-ci.yml': INCLUDE, [GITLAB_PUBLISH_FILE]: wrongAud }, { registry: 'pypi' }), 'workflow.id-token');
    expect(pypi).toMatchObject({ status: 'fail', message: expect.stringContaining('`PYPI_ID_TOKEN` has audience `https://gitlab.com`, expected `pypi`') });
  });

  it('fails without MONOCHANGE_ID_TOKEN, and when no job declares id_tokens at all', async () => {
    const noOwn = generated().replace(/ {4}MONOCHANGE_ID_TOKEN:\n {6}aud: monochange-nx\n/, '');
    const [own] = await byId(setup({ '.gitlab-ci.yml': INCLUDE, [GITLAB_PUBLISH_FILE]: noOwn }), 'workflow.id-token');
    expect(own).toMatchObject({ status: 'fail', message: expect.stringContaining('`MONOCHANGE_ID_TOKEN` is not declared') });
    const [none] = await byId(setup({ '.gitlab-ci.yml': 'publish:\n  script: [npx nx run-many -t publish]\n' }), 'workflow.id-token');
    expect(none).toMatchObject({ status: 'fail', message: expect.stringContaining('no job in .gitlab-ci.yml') });
  });

  it('fails when the job environment differs from the configured one', async () => {
    const [env] = await byId(setup({ '.gitlab-ci.yml': INCLUDE, [GITLAB_PUBLISH_FILE]: generated(['npm'], 'staging') }), 'workflow.environment');
    expect(env).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('uses environment `staging`, but the trusted publisher expects `publisher`'),
    });
    expect(env.fix).toContain('environment: publisher');
  });

  it('checks the running job only (CI_JOB_NAME) in a GitLab job', async () => {
    const other = 'lint:\n  id_tokens:\n    X: { aud: other }\n  script: [echo]\n';
    const ctx = setup(
      { '.gitlab-ci.yml': `${INCLUDE}${other}`, [GITLAB_PUBLISH_FILE]: generated() },
      { env: gitlabEnv({ CI_JOB_NAME: 'monochange-publish' }) as Record<string, string> },
    );
    const checks = await byId(ctx, 'workflow.id-token');
    expect(checks).toEqual([expect.objectContaining({ status: 'pass', message: expect.stringContaining('job `monochange-publish`') })]);
  });

  it('fails for a missing pipeline file or a missing include', async () => {
    const [exists] = await byId(setup({}), 'workflow.exists');
    expect(exists).toMatchObject({ status: 'fail', message: '.gitlab-ci.yml does not exist' });
    const checks = await byId(setup({ '.gitlab-ci.yml': INCLUDE }), 'workflow.exists');
    expect(checks.map((c) => [c.status, c.message])).toEqual([
      ['pass', '.gitlab-ci.yml exists'],
      ['fail', `${GITLAB_PUBLISH_FILE} does not exist`],
    ]);
  });
});
