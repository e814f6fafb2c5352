import fs from 'node:fs';
import path from 'node:path';
import { npmRegistry } from '../../registries/npm';
import { renderPublishWorkflow } from '../../workflow/render-workflow';
import { mainSpec } from '../../workflow/testing/specs';
import { runReadiness } from '../run-readiness';
import { githubEnv } from '../../trust/testing/fixtures';
import type { Env } from '../../types';
import { workflowChecks } from './workflow';
import { fakeAdapter, makeContext, manifest, pkgConfig, statuses, tempDir, writeFiles } from './testing/context';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const CHECKOUT = 'actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1';

/** A publish workflow the hardening audit has nothing to say about. */
function cleanWorkflow(
  o: { on?: string; jobPermissions?: string; topPermissions?: string; environment?: string; checkout?: string; checkoutWith?: string; run?: string } = {},
): string {
  return [
    'name: Publish',
    `on:${o.on ?? "\n  push:\n    tags: ['v*']"}`,
    `permissions: ${o.topPermissions ?? '{}'}`,
    'concurrency:',
    '  group: publish-${{ github.ref }}',
    '  cancel-in-progress: false',
    'jobs:',
    '  publish:',
    '    runs-on: ubuntu-latest',
    ...(o.environment === '' ? [] : [`    environment: ${o.environment ?? 'publisher'}`]),
    ...(o.jobPermissions === '' ? [] : ['    permissions:', ...(o.jobPermissions ?? 'contents: read\nid-token: write').split('\n').map((l) => `      ${l}`)]),
    '    steps:',
    `      - uses: ${o.checkout ?? CHECKOUT}`,
    '        with:',
    '          persist-credentials: false',
    ...(o.checkoutWith ? [`          ${o.checkoutWith}`] : []),
    `      - run: ${o.run ?? 'npx nx run-many -t publish'}`,
    '',
  ].join('\n');
}

function setup(files: Record<string, string>, o: { workflow?: string; environment?: string; registry?: 'npm' | 'pub_dev'; trusted?: boolean; env?: Env } = {}) {
  const root = tempDir();
  dirs.push(root);
  writeFiles(root, files);
  const registry = o.registry ?? 'npm';
  const pkg = pkgConfig({
    id: 'web',
    type: registry === 'npm' ? 'npm' : 'dart',
    trustedPublishing: { enabled: o.trusted ?? true, workflow: o.workflow, environment: o.environment },
  });
  const m = manifest(path.join(root, 'packages/web'), {
    ecosystem: registry === 'npm' ? 'npm' : 'dart',
    name: registry === 'npm' ? '@acme/web' : 'web',
    version: '1.2.3',
  });
  const adapter = registry === 'npm' ? npmRegistry : fakeAdapter('pub_dev', 'pub.dev');
  return makeContext({ root, pkg, manifest: m, adapter, env: o.env ?? githubEnv() });
}

const find = async (ctx: ReturnType<typeof setup>, id: string) => (await workflowChecks(ctx)).filter((c) => c.id === id);
const verdict = async (ctx: ReturnType<typeof setup>) => (await runReadiness(ctx, [workflowChecks])).status;

describe('workflow checks', () => {
  it('workflow checks are skipped (one pass) when trusted publishing is off', async () => {
    const checks = await workflowChecks(setup({}, { trusted: false }));
    expect(checks).toEqual([expect.objectContaining({ id: 'workflow.exists', status: 'pass', message: expect.stringContaining('skipped') })]);
  });

  it('workflow.exists passes for the runtime workflow file', async () => {
    const checks = await find(setup({ '.github/workflows/publish.yml': cleanWorkflow() }), 'workflow.exists');
    expect(checks).toEqual([expect.objectContaining({ status: 'pass', message: '.github/workflows/publish.yml exists' })]);
  });

  it('workflow.exists fails for a configured workflow that is missing, naming the .yaml twin', async () => {
    const [check] = await find(setup({ '.github/workflows/release.yaml': cleanWorkflow() }, { workflow: 'release.yml' }), 'workflow.exists');
    expect(check).toMatchObject({ status: 'fail', message: expect.stringContaining('.github/workflows/release.yml does not exist (release.yaml exists') });
  });

  it('workflow.exists warns in a plain shell when no workflow is configured', async () => {
    const [check] = await find(setup({}, { env: {} }), 'workflow.exists');
    expect(check.status).toBe('warn');
  });

  it('workflow.id-token passes for a job-level grant', async () => {
    expect(statuses(await workflowChecks(setup({ '.github/workflows/publish.yml': cleanWorkflow() })), 'workflow.id-token')).toEqual(['pass']);
  });

  it('workflow.id-token fails when the running job has no id-token: write', async () => {
    const ctx = setup({ '.github/workflows/publish.yml': cleanWorkflow({ jobPermissions: 'contents: read' }) });
    const [check] = await find(ctx, 'workflow.id-token');
    expect(check).toMatchObject({ status: 'fail', message: '.github/workflows/publish.yml:10 job `publish` does not grant `id-token: write`' });
  });

  it('workflow.id-token warns when the grant comes from the workflow level', async () => {
    const ctx = setup({ '.github/workflows/publish.yml': cleanWorkflow({ jobPermissions: '', topPermissions: '\n  contents: read\n  id-token: write' }) });
    expect(statuses(await workflowChecks(ctx), 'workflow.id-token')).toEqual(['warn']);
  });

  it('workflow.environment passes when the job uses the configured environment', async () => {
    const ctx = setup({ '.github/workflows/publish.yml': cleanWorkflow() }, { environment: 'publisher' });
    expect(statuses(await workflowChecks(ctx), 'workflow.environment')).toEqual(['pass']);
  });

  it('workflow.environment fails when the job uses another environment', async () => {
    const ctx = setup({ '.github/workflows/publish.yml': cleanWorkflow({ environment: 'staging' }) }, { environment: 'publisher' });
    const [check] = await find(ctx, 'workflow.environment');
    expect(check).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('uses environment `staging`, but the trusted publisher expects `publisher`'),
    });
  });

  it('workflow.trigger passes for a tag push', async () => {
    expect(statuses(await workflowChecks(setup({ '.github/workflows/publish.yml': cleanWorkflow() })), 'workflow.trigger')).toEqual(['pass']);
  });

  it('workflow.trigger fails for pull_request_target', async () => {
    const ctx = setup({ '.github/workflows/publish.yml': cleanWorkflow({ on: '\n  pull_request_target:\n  push:\n    tags: [v*]' }) });
    const [check] = await find(ctx, 'workflow.trigger');
    expect(check).toMatchObject({ status: 'fail', message: expect.stringContaining('`pull_request_target`') });
  });

  it('workflow.trigger fails for issue_comment, and readiness is blocked', async () => {
    const ctx = setup({ '.github/workflows/publish.yml': cleanWorkflow({ on: '\n  issue_comment:\n    types: [created]\n  push:\n    tags: [v*]' }) });
    const [check] = await find(ctx, 'workflow.trigger');
    expect(check).toEqual({
      id: 'workflow.trigger',
      status: 'fail',
      message:
        ".github/workflows/publish.yml runs on `issue_comment`, which others can set off while the run has the repository's privileges (`issue_comment` runs with the base repository's privileges on comments anyone can write)",
      fix: 'remove these triggers from the publish workflow; publish on a tag push, `release: published` or `workflow_dispatch`',
    });
    expect(await verdict(ctx)).toBe('blocked');
  });

  it('workflow.trigger reports an untrusted trigger once: no second hardening finding for it', async () => {
    const ctx = setup({ '.github/workflows/publish.yml': cleanWorkflow({ on: '\n  workflow_run:\n    workflows: [ci]' }) }, { environment: 'publisher' });
    const checks = await workflowChecks(ctx);
    expect(statuses(checks, 'workflow.trigger')).toEqual(['fail']);
    expect(checks.filter((c) => c.message.includes('dangerous-trigger'))).toEqual([]);
  });

  it('workflow.trigger fails for pub.dev without a tag push', async () => {
    const ctx = setup({ '.github/workflows/publish.yml': cleanWorkflow({ on: ' workflow_dispatch' }) }, { registry: 'pub_dev' });
    const [check] = await find(ctx, 'workflow.trigger');
    expect(check).toMatchObject({ status: 'fail', message: expect.stringContaining('pub.dev only accepts OIDC tokens from tag-push runs') });
  });

  it('workflow.hardening passes for a hardened workflow', async () => {
    const checks = await find(setup({ '.github/workflows/publish.yml': cleanWorkflow() }, { environment: 'publisher' }), 'workflow.hardening');
    expect(checks).toEqual([expect.objectContaining({ status: 'pass' })]);
  });

  it('workflow.hardening fails for ${{ github.event.* }} in run:, and readiness is blocked', async () => {
    const ctx = setup(
      { '.github/workflows/publish.yml': cleanWorkflow({ run: 'echo "${{ github.event.head_commit.message }}"' }) },
      { environment: 'publisher' },
    );
    expect(await find(ctx, 'workflow.hardening')).toEqual([
      {
        id: 'workflow.hardening',
        status: 'fail',
        message:
          ".github/workflows/publish.yml:20: `github.event.head_commit.message` inside `run:` of job `publish` pastes text from the triggering event (titles, bodies, branch names, commit messages) into the script before the shell runs: whoever writes that text runs commands with this job's token (template-injection)",
        fix: 'pass it through `env:` (e.g. `env: { VALUE: ${{ github.event.head_commit.message }} }`) and use `"$VALUE"` in the script',
      },
    ]);
    expect(await verdict(ctx)).toBe('blocked');
  });

  it.each(['ref: ${{ github.event.pull_request.head.sha }}', 'ref: ${{ github.head_ref }}', 'ref: refs/pull/${{ github.event.number }}/merge'])(
    'workflow.hardening fails for a checkout of the pull request head (%s)',
    async (input) => {
      const ctx = setup({ '.github/workflows/publish.yml': cleanWorkflow({ checkoutWith: input }) }, { environment: 'publisher' });
      const checks = await find(ctx, 'workflow.hardening');
      expect(checks).toEqual([
        expect.objectContaining({
          status: 'fail',
          message: expect.stringMatching(
            /^\.github\/workflows\/publish\.yml:20: actions\/checkout in job `publish` checks out the pull request head .*\(untrusted-checkout\)$/,
          ),
          fix: 'remove `ref:` so the commit that triggered the run (the tag or release being published) is checked out',
        }),
      ]);
      expect(await verdict(ctx)).toBe('blocked');
    },
  );

  it('workflow.hardening still only warns for ${{ inputs.* }} in run:', async () => {
    const ctx = setup({ '.github/workflows/publish.yml': cleanWorkflow({ run: 'echo "${{ inputs.version }}"' }) }, { environment: 'publisher' });
    expect(statuses(await workflowChecks(ctx), 'workflow.hardening')).toEqual(['warn']);
    expect(await verdict(ctx)).toBe('ready');
  });

  it('a generated npm publish workflow passes every workflow check', async () => {
    const ctx = setup({ '.github/workflows/publish.yml': renderPublishWorkflow(mainSpec({ ecosystems: ['npm'] })) }, { environment: 'publisher' });
    const checks = await workflowChecks(ctx);
    expect(checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(statuses(checks, 'workflow.hardening')).toEqual(['pass']);
    expect(await verdict(ctx)).toBe('ready');
  });

  it('workflow.hardening warns, with the fix, when the results upload skips the .monochange dot-folder or ignores a missing result', async () => {
    const upload = [
      'npx nx run-many -t publish',
      '      - if: always()',
      '        uses: actions/upload-artifact@bbbca2ddaa5d8feaa63e36b76fdaad77386f024f # v7.0.0',
      '        with:',
      '          name: results',
      '          path: .monochange/*.json',
      '          if-no-files-found: ignore',
    ].join('\n');
    const checks = await find(setup({ '.github/workflows/publish.yml': cleanWorkflow({ run: upload }) }, { environment: 'publisher' }), 'workflow.hardening');
    expect(checks).toEqual([
      expect.objectContaining({
        status: 'warn',
        message: expect.stringMatching(/^\.github\/workflows\/publish\.yml:25: .*without `include-hidden-files: true`.*\(hidden-artifact-path\)$/),
        fix: "add `include-hidden-files: true` to the upload step's `with:`",
      }),
      expect.objectContaining({ status: 'warn', message: expect.stringContaining('publish.yml:26: '), fix: 'set `if-no-files-found: error`' }),
    ]);
    const fixed = upload.replace('if-no-files-found: ignore', 'include-hidden-files: true\n          if-no-files-found: error');
    const clean = await find(setup({ '.github/workflows/publish.yml': cleanWorkflow({ run: fixed }) }, { environment: 'publisher' }), 'workflow.hardening');
    expect(clean.map((c) => c.status)).toEqual(['pass']);
  });

  it('workflow.hardening warns per finding with file:line', async () => {
    const ctx = setup({ '.github/workflows/publish.yml': cleanWorkflow({ checkout: 'actions/checkout@v4' }) });
    const checks = await find(ctx, 'workflow.hardening');
    expect(checks.length).toBeGreaterThan(0);
    expect(checks.every((c) => c.status === 'warn')).toBe(true);
    expect(checks.map((c) => c.message)).toContainEqual(expect.stringMatching(/^\.github\/workflows\/publish\.yml:17: .*unpinned-action/));
  });
});
