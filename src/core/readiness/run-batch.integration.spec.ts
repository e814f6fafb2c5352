import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startHttpStub, type HttpStub } from '../../../test-utils/http-stub';
import type { BatchTask, BatchTaskOutcome } from '../run/batch';
import { readinessSchema } from '../run/artifact-schema';
import { createExecaRunner, type CommandRunner, type CommandSpec } from '../util/command';
import { tempDir, writeFiles } from './checks/testing/context';
import { installedNpmPackageVersion } from './checks/tools';
import { runReadinessBatch, type ReadinessBatchOptions } from './run-batch';

/**
 * Batch mode: every readiness task of a run in one process, against a loopback npm registry with
 * real `npm`. Outside CI (no identity), so every package still gets its full set of checks.
 */
describe('runReadinessBatch', () => {
  let stub: HttpStub;
  const published = new Map<string, string[]>();

  beforeAll(async () => {
    stub = await startHttpStub();
    stub.route('GET', /^\/@t\/[^/]+$/, (req) => {
      const versions = published.get(req.path.slice(1));
      return versions ? { body: { name: req.path.slice(1), versions: Object.fromEntries(versions.map((v) => [v, {}])) } } : { status: 404, body: {} };
    });
  });
  const roots: string[] = [];
  afterAll(() => stub.close());
  afterEach(() => roots.splice(0).forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

  function workspace(names: string[], extra: Record<string, string> = {}): string {
    const root = tempDir('mc-readiness-batch-');
    roots.push(root);
    const files: Record<string, string> = { ...extra };
    const toml = ['[source]\nprovider = "github"\nowner = "acme"\nrepo = "widgets"\n', '[ecosystems.npm.publish]\ntrusted_publishing = false\n'];
    for (const name of names) {
      files[`packages/${name}/package.json`] = JSON.stringify({
        name: `@t/${name}`,
        version: '1.0.0',
        main: 'dist/index.js',
        files: ['dist'],
        repository: { url: 'git+https://github.com/acme/widgets.git' },
        publishConfig: { access: 'public' },
      });
      if (name !== 'unbuilt') files[`packages/${name}/dist/index.js`] = '';
      toml.push(`[package.${name}]\npath = "packages/${name}"\ntype = "npm"\n`);
    }
    files['monochange.toml'] = toml.join('\n');
    writeFiles(root, files);
    return root;
  }

  const task = (name: string): BatchTask<ReadinessBatchOptions> => ({
    id: `${name}:readiness`,
    projectName: name,
    projectRoot: `packages/${name}`,
    options: {},
    dependsOn: [],
  });

  function countingRunner(): CommandRunner & { calls: CommandSpec[] } {
    const real = createExecaRunner({ ...process.env });
    const calls: CommandSpec[] = [];
    return { calls, run: (spec) => (calls.push(spec), real.run(spec)) };
  }

  async function collect(gen: AsyncGenerator<BatchTaskOutcome>): Promise<BatchTaskOutcome[]> {
    const out: BatchTaskOutcome[] = [];
    for await (const o of gen) out.push(o);
    return out;
  }

  it('checks every package with shared tools: the npm version once, one `npm pack` for all, one artifact with every entry', async () => {
    const names = ['a', 'b', 'c', 'd', 'unbuilt'];
    const root = workspace(names);
    published.set('@t/a', ['1.0.0']);
    published.set('@t/b', ['0.9.0']);
    published.set('@t/unbuilt', ['0.9.0']);
    const runner = countingRunner();
    const outcomes = await collect(
      runReadinessBatch({ root, env: { PATH: process.env.PATH, HOME: process.env.HOME, MONOCHANGE_NPM_REGISTRY_URL: stub.url }, runner }, names.map(task)),
    );

    expect(outcomes.map((o) => [o.id, o.status]).sort()).toEqual([
      ['a:readiness', 'success'],
      ['b:readiness', 'success'],
      ['c:readiness', 'success'],
      ['d:readiness', 'success'],
      ['unbuilt:readiness', 'failure'],
    ]);
    const artifact = readinessSchema.parse(JSON.parse(fs.readFileSync(path.join(root, '.monochange/readiness.json'), 'utf8')));
    const byName = Object.fromEntries(artifact.packages.map((p) => [p.package, p]));
    expect(Object.keys(byName).sort()).toEqual(names);
    expect(byName.a.status).toBe('already_published');
    expect(byName.b.status).toBe('ready');
    expect(byName.c.status).toBe('ready');
    expect(byName.unbuilt.status).toBe('blocked');
    expect(byName.unbuilt.checks.find((c) => c.id === 'npm.entry-points')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('main → dist/index.js'),
    });
    expect(byName.b.checks.find((c) => c.id === 'npm.entry-points')?.status).toBe('pass');
    // Each task's own output names its package.
    expect(outcomes.find((o) => o.id === 'unbuilt:readiness')?.terminalOutput).toContain('(@t/unbuilt) 1.0.0 → npm: blocked');

    const commands = runner.calls.map((c) => [path.basename(c.command), c.args[0]].join(' '));
    // npm's version is read from its install (PATH's npm links to npm-cli.js) or asked once.
    expect(commands.filter((c) => c === 'npm --version').length).toBe(installedNpmPackageVersion(process.env.PATH) ? 0 : 1);
    expect(byName.b.checks.find((c) => c.id === 'tools.npm')?.message).toContain(
      `npm ${execFileSync('npm', ['--version'], { encoding: 'utf8' }).trim()} found`,
    );
    // One npm process lists the packages still to publish; `a` is already on the registry (its deep checks are skipped).
    const packs = runner.calls.filter((c) => c.args[0] === 'pack');
    expect(packs).toHaveLength(1);
    expect(
      packs[0].args
        .filter((a) => !a.startsWith('--'))
        .slice(1)
        .map((d) => path.basename(d))
        .sort(),
    ).toEqual(['b', 'c', 'd', 'unbuilt']);
  });

  it('fails every task with the one config error, without a stack trace', async () => {
    const root = workspace(['a'], {});
    fs.appendFileSync(path.join(root, 'monochange.toml'), '\n[package.a.publis]\n');
    const outcomes = await collect(runReadinessBatch({ root, env: {} }, [task('a'), task('b')]));
    expect(outcomes.map((o) => o.status)).toEqual(['failure', 'failure']);
    expect(outcomes[0].terminalOutput).toContain('monochange.toml');
    expect(outcomes[0].terminalOutput).not.toMatch(/\n\s+at /);
  });
});
