import fs from 'node:fs';
import path from 'node:path';
import { startHttpStub, type HttpStub } from '../../../test-utils/http-stub';
import { isMonochangeError } from '../errors';
import { mergeReadinessEntries } from '../run/artifact-store';
import { readinessSchema } from '../run/artifact-schema';
import { tempDir, writeFiles } from '../readiness/checks/testing/context';
import type { Env } from '../types';
import { checkReadiness } from './check-readiness';

/**
 * `checkReadiness`: declared packages by id, without Nx, against a loopback npm registry with real
 * `npm`. Outside CI (no identity), so every package gets its full set of checks.
 */
describe('checkReadiness', () => {
  let stub: HttpStub;
  let root: string;
  const published = new Map<string, string[]>();

  beforeAll(async () => {
    stub = await startHttpStub();
    stub.route('GET', /^\/@t\/[^/]+$/, (req) => {
      const versions = published.get(req.path.slice(1));
      return versions ? { body: { name: req.path.slice(1), versions: Object.fromEntries(versions.map((v) => [v, {}])) } } : { status: 404, body: {} };
    });
  });
  afterAll(() => stub.close());
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  /** npm packages `@t/<name>` at packages/<name>; `unbuilt` lacks the file its `main` names (a blocking finding). */
  function workspace(names: string[]): void {
    root = tempDir('mc-api-readiness-');
    const files: Record<string, string> = {};
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
  }
  const env = (): Env => ({ PATH: process.env.PATH, HOME: process.env.HOME, MONOCHANGE_NPM_REGISTRY_URL: stub.url });
  const artifact = () => readinessSchema.parse(JSON.parse(fs.readFileSync(path.join(root, '.monochange/readiness.json'), 'utf8')));

  it("checks the named packages, returns this run's entries and merges them into the readiness artifact", async () => {
    workspace(['a', 'b', 'unbuilt', 'other']);
    published.set('@t/a', ['1.0.0']);
    // An entry an earlier run left for `other` stays in the artifact and is not part of this run's result.
    const earlier = { ...(await checkReadiness({ root, packages: ['other'], env: env(), log: () => undefined })).entries[0], message: 'from an earlier run' };
    await mergeReadinessEntries(path.join(root, '.monochange/readiness.json'), undefined, [earlier]);
    const lines: string[] = [];

    const result = await checkReadiness({ root, packages: ['a', 'b', 'unbuilt'], env: env(), log: (l) => lines.push(l) });

    expect(result.ok).toBe(false);
    expect(result.status).toBe('blocked');
    expect(result.entries.map((e) => [e.package, e.status])).toEqual([
      ['a', 'already_published'],
      ['b', 'ready'],
      ['unbuilt', 'blocked'],
    ]);
    expect(Object.fromEntries(result.outcomes.map((o) => [o.packageId, o.status]))).toEqual({ a: 'success', b: 'success', unbuilt: 'failure' });
    expect(result.outcomes.find((o) => o.packageId === 'unbuilt')?.output).toContain('(@t/unbuilt) 1.0.0 → npm: blocked');
    expect(result.artifact).toBe(path.join(root, '.monochange/readiness.json'));
    expect(artifact().packages.map((p) => [p.package, p.status, p.message === 'from an earlier run'])).toEqual([
      ['a', 'already_published', false],
      ['b', 'ready', false],
      ['other', 'ready', true],
      ['unbuilt', 'blocked', false],
    ]);
    expect(artifact().status).toBe('blocked');
    // The output names the artifact the caller gets, never the run's scratch file.
    expect(lines).toContain('   readiness: .monochange/readiness.json');
    expect(lines.filter((l) => l.includes('readiness:') && !l.endsWith('readiness: .monochange/readiness.json'))).toEqual([]);
  });

  it('failOnBlocked: false reports a blocked package without failing; `output` places the artifact', async () => {
    workspace(['b', 'unbuilt']);
    const result = await checkReadiness({ root, env: env(), failOnBlocked: false, output: 'out/ready.json', log: () => undefined });
    expect(result).toMatchObject({ ok: true, status: 'blocked', artifact: path.join(root, 'out/ready.json') });
    expect(result.entries.map((e) => e.package)).toEqual(['b', 'unbuilt']);
    expect(readinessSchema.parse(JSON.parse(fs.readFileSync(result.artifact, 'utf8'))).packages.map((p) => p.package)).toEqual(['b', 'unbuilt']);
    expect(fs.existsSync(path.join(root, '.monochange/readiness.json'))).toBe(false);
  });

  it('refuses an undeclared id before checking anything', async () => {
    workspace(['a']);
    const error = await checkReadiness({ root, packages: ['b'], env: env(), log: () => undefined }).catch((e: unknown) => e);
    expect(isMonochangeError(error)).toBe(true);
    expect((error as Error).message).toMatch(/package `b` is not declared in monochange\.toml.*\(a\)/);
    expect(fs.existsSync(path.join(root, '.monochange'))).toBe(false);
  });
});
