import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { publishResultSchema } from '../core/run/artifact-schema';
import { readArtifact } from '../core/run/artifact-store';
import { reportRun, type RunReportInput } from './report-run';

/**
 * Nx 23 hands `postTasksExecution` no result for tasks it skipped because a dependency failed;
 * the report still records them `blocked`, naming the failed dependency the manifests show.
 */
describe('reportRun: packages Nx skipped after a failure', () => {
  let root: string;
  const NX = ['/usr/bin/node', '/ws/node_modules/nx/bin/nx.js'];
  const artifact = () => readArtifact(path.join(root, '.monochange/publish-result.json'), publishResultSchema)!;
  const entry = (id: string) => artifact().packages.find((p) => p.package === id);

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-report-run-'));
    const pkg = (name: string, deps: string[] = []) => {
      fs.mkdirSync(path.join(root, 'packages', name), { recursive: true });
      const json = { name, version: '1.0.0', ...(deps.length ? { dependencies: Object.fromEntries(deps.map((d) => [d, '^1.0.0'])) } : {}) };
      fs.writeFileSync(path.join(root, 'packages', name, 'package.json'), JSON.stringify(json));
    };
    // core ← web ← app, and lone (unrelated) on its own
    pkg('core');
    pkg('web', ['core']);
    pkg('app', ['web']);
    pkg('lone');
    const toml = ['core', 'web', 'app', 'lone'].map((n) => `[package.${n}]\npath = "packages/${n}"\ntype = "npm"\n`).join('\n');
    fs.writeFileSync(path.join(root, 'monochange.toml'), toml);
  });

  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const input = (argv: string[], taskResults: RunReportInput['taskResults']): RunReportInput => ({
    root,
    argv: [...NX, ...argv],
    env: {},
    targets: { publish: ['publish'], placeholder: 'placeholder-publish', readiness: 'readiness' },
    taskResults,
    log: () => undefined,
  });

  it('records selected packages without a result as blocked, naming only the failed dependency they depend on', async () => {
    await reportRun(
      input(
        ['run-many', '-t', 'publish'],
        [
          { project: 'core', target: 'publish', status: 'failure' },
          { project: 'lone', target: 'publish', status: 'failure' },
        ],
      ),
    );
    expect(entry('web')).toMatchObject({ status: 'blocked', reason: 'dependency_failed', blockedBy: 'core' });
    expect(entry('app')).toMatchObject({ status: 'blocked', reason: 'dependency_failed', blockedBy: 'core' });
    expect(entry('core')).toBeUndefined();
  });

  it('names only failed packages it had to publish after: not a same-named package of another registry, not a dev dependency', async () => {
    fs.mkdirSync(path.join(root, 'crates', 'shared'), { recursive: true });
    fs.writeFileSync(path.join(root, 'crates', 'shared', 'Cargo.toml'), '[package]\nname = "shared"\nversion = "1.0.0"\n');
    fs.mkdirSync(path.join(root, 'packages', 'ui'), { recursive: true });
    const ui = { name: 'ui', version: '1.0.0', dependencies: { core: '^1.0.0', shared: '^1.0.0' }, devDependencies: { web: '^1.0.0' } };
    fs.writeFileSync(path.join(root, 'packages', 'ui', 'package.json'), JSON.stringify(ui));
    fs.appendFileSync(
      path.join(root, 'monochange.toml'),
      '\n[package.shared-rs]\npath = "crates/shared"\ntype = "cargo"\n\n[package.ui]\npath = "packages/ui"\ntype = "npm"\n',
    );
    await reportRun(
      input(
        ['run-many', '-t', 'publish', '--projects=core,web,shared-rs,ui'],
        ['core', 'web', 'shared-rs'].map((project) => ({ project, target: 'publish', status: 'failure' })),
      ),
    );
    expect(entry('ui')).toMatchObject({ status: 'blocked', reason: 'dependency_failed', blockedBy: 'core' });
  });

  it('a task stopped by a signal blocks its dependents too', async () => {
    await reportRun(input(['run-many', '-t', 'publish', '--projects=web,app'], [{ project: 'web', target: 'publish', status: 'stopped' }]));
    expect(entry('app')).toMatchObject({ status: 'blocked', blockedBy: 'web' });
    // Not selected by --projects: not part of this run.
    expect(entry('lone')).toBeUndefined();
  });

  it('only packages the command line selected count: excluded ones and other targets are left alone', async () => {
    await reportRun(input(['run-many', '-t', 'publish', '--exclude=app'], [{ project: 'core', target: 'publish', status: 'failure' }]));
    expect(entry('web')).toMatchObject({ status: 'blocked' });
    expect(entry('app')).toBeUndefined();
    // Not run although selected (e.g. --nx-bail), with no link in the manifests: every failed package is named.
    expect(entry('lone')).toMatchObject({ status: 'blocked', blockedBy: 'core' });
  });

  it('nothing is inferred when nothing failed, nor for `nx affected` (whose selection argv does not tell)', async () => {
    await reportRun(input(['run-many', '-t', 'publish'], [{ project: 'core', target: 'publish', status: 'success' }]));
    expect(fs.existsSync(path.join(root, '.monochange/publish-result.json'))).toBe(false);
    await reportRun(input(['affected', '-t', 'publish'], [{ project: 'core', target: 'publish', status: 'failure' }]));
    expect(fs.existsSync(path.join(root, '.monochange/publish-result.json'))).toBe(false);
  });

  it('still records tasks reported as skipped (Nx versions that do)', async () => {
    await reportRun(
      input(
        ['affected', '-t', 'publish'],
        [
          { project: 'core', target: 'publish', status: 'failure' },
          { project: 'web', target: 'publish', status: 'skipped' },
        ],
      ),
    );
    expect(entry('web')).toMatchObject({ status: 'blocked', blockedBy: 'core' });
    expect(entry('app')).toBeUndefined();
  });
});

describe('reportRun: the summary of a run shows only that run', () => {
  let root: string;
  const NX = ['/usr/bin/node', '/ws/node_modules/nx/bin/nx.js'];
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-report-run-own-'));
    for (const [dir, name] of [
      ['core', '@acme/core'],
      ['web', '@acme/web'],
    ]) {
      fs.mkdirSync(path.join(root, 'packages', dir), { recursive: true });
      fs.writeFileSync(path.join(root, 'packages', dir, 'package.json'), JSON.stringify({ name, version: '1.0.0' }));
    }
    fs.writeFileSync(
      path.join(root, 'monochange.toml'),
      '[package.core]\npath = "packages/core"\ntype = "npm"\n\n[package.web]\npath = "packages/web"\ntype = "npm"\n',
    );
    const check = (id: string, project: string) => ({
      id,
      status: 'fail',
      message: `\`${id === 'x' ? project : project}\` requires trusted publishing from a CI job whose identity is proven by a signed OIDC token, but no CI provider was detected. More.`,
    });
    const entry = (pkg: string, project: string) => ({
      package: pkg,
      project,
      ecosystem: 'npm',
      registry: 'npm',
      name: project,
      version: '1.0.0',
      status: 'blocked',
      message: 'm',
      checks: [
        check('trust.identity-unverifiable', project),
        { id: 'identity.provider', status: 'fail', message: 'No supported CI provider identity was detected', fix: 'f' },
      ],
      trustedPublishing: { status: 'planned', repository: null, workflow: null, environment: null, setupUrl: null, message: '' },
    });
    fs.mkdirSync(path.join(root, '.monochange'));
    // An earlier run of both packages left both entries.
    fs.writeFileSync(
      path.join(root, '.monochange/readiness.json'),
      JSON.stringify({
        schemaVersion: 1,
        kind: 'monochange.publishReadiness',
        status: 'blocked',
        packages: [entry('core', '@acme/core'), entry('web', '@acme/web')],
      }),
    );
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const report = async (argv: string[], projects: string[]) => {
    const lines: string[] = [];
    await reportRun({
      root,
      argv: [...NX, ...argv],
      env: {},
      targets: { publish: ['publish'], placeholder: 'placeholder-publish', readiness: 'readiness' },
      taskResults: projects.map((project) => ({ project, target: 'readiness', status: 'failure' })),
      log: (l) => lines.push(l),
    });
    return lines.join('\n');
  };

  it('a run of one package lists that package alone, by its project name', async () => {
    const out = await report(['run', '@acme/web:readiness'], ['@acme/web']);
    expect(out).toMatch(/^@acme\/web\s+1\.0\.0/m);
    expect(out).not.toContain('@acme/core');
  });

  it("the job's own reasons are said once for every package they stop, with one fix; the table gives their title", async () => {
    const out = await report(['run-many', '-t', 'readiness'], ['@acme/core', '@acme/web']);
    expect(out).toContain('✖ no verified CI identity: 2 packages (@acme/core, @acme/web)');
    expect(out.match(/requires trusted publishing from a CI job/g)).toHaveLength(1);
    expect(out.match(/fix: /g)).toHaveLength(1);
    expect(out).toMatch(/^@acme\/core .*trust\.identity-unverifiable: no verified CI identity$/m);
    expect(out).not.toContain('identity.provider');
  });
});
