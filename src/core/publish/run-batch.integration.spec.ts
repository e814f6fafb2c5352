import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startHttpStub, type HttpStub } from '../../../test-utils/http-stub';
import { jsrRegistry } from '../registries/jsr';
import type { PublishRequest } from '../registries/types';
import { publishResultSchema } from '../run/artifact-schema';
import type { BatchTask, BatchTaskOutcome } from '../run/batch';
import { batchConcurrency, runPublishBatch, type PublishBatchOptions } from './run-batch';

/**
 * Batch publish: a run's publish tasks in one process. Real JSR adapter lookups against a loopback
 * registry stub; the upload itself is a counted stand-in (spy on the adapter's `publish`) that
 * stores the version on the stub, so re-runs and lookups see it.
 */
describe('runPublishBatch', () => {
  let stub: HttpStub;
  let root: string;
  const stored = new Set<string>();
  let uploads: string[];
  let running = 0;
  let peak = 0;
  let refuse: Set<string>;

  beforeAll(async () => {
    stub = await startHttpStub();
    stub.route('GET', /^\/@acme\/[^/]+\/meta\.json$/, (req) => {
      const name = req.path.split('/')[2];
      return stored.has(name) ? { body: { versions: { '1.0.0': {} } } } : { status: 404, body: {} };
    });
  });
  afterAll(() => stub.close());

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-publish-batch-'));
    stored.clear();
    uploads = [];
    refuse = new Set();
    running = peak = 0;
    jest.spyOn(jsrRegistry, 'publish').mockImplementation(async (req: PublishRequest) => {
      const name = req.manifest.dir.split(path.sep).pop()!;
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 20));
      running--;
      if (refuse.has(name)) return { status: 'failed', message: `registry refused ${name}`, command: 'deno publish' };
      uploads.push(name);
      stored.add(name);
      return { status: 'published', message: `published @acme/${name} 1.0.0 to JSR`, command: 'deno publish' };
    });
  });
  afterEach(() => {
    jest.restoreAllMocks();
    fs.rmSync(root, { recursive: true, force: true });
  });

  /** `deps`: package → its dependencies (the Nx task graph's edges for the batch). */
  function setup(deps: Record<string, string[]>): BatchTask<PublishBatchOptions>[] {
    const toml = ['[ecosystems.deno.publish]\ntrusted_publishing = false\n'];
    for (const id of Object.keys(deps)) {
      const dir = path.join(root, 'deno', id);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'deno.json'), JSON.stringify({ name: `@acme/${id}`, version: '1.0.0', exports: './mod.ts' }));
      toml.push(`[package.${id}]\npath = "deno/${id}"\ntype = "deno"\n`);
    }
    fs.writeFileSync(path.join(root, 'monochange.toml'), toml.join('\n'));
    return Object.entries(deps).map(([id, on]) => ({
      id: `${id}:publish`,
      projectName: id,
      projectRoot: `deno/${id}`,
      options: { dryRun: false },
      dependsOn: on.map((d) => `${d}:publish`),
    }));
  }

  const env = () => ({ PATH: process.env.PATH, MONOCHANGE_JSR_BASE_URL: stub.url });
  async function run(tasks: BatchTask<PublishBatchOptions>[], concurrency = 3): Promise<BatchTaskOutcome[]> {
    const out: BatchTaskOutcome[] = [];
    for await (const o of runPublishBatch({ root, env: env(), concurrency, mode: 'release' }, tasks)) out.push(o);
    return out;
  }
  const artifact = () => publishResultSchema.parse(JSON.parse(fs.readFileSync(path.join(root, '.monochange/publish-result.json'), 'utf8')));

  it('publishes dependencies first, at most `concurrency` at once, each once; the re-run uploads nothing', async () => {
    const tasks = setup({ core: [], util: [], web: ['core'], cli: ['web', 'util'], docs: [] });
    const first = await run(tasks, 2);
    expect(first.map((o) => o.status)).toEqual(['success', 'success', 'success', 'success', 'success']);
    expect(uploads.indexOf('core')).toBeLessThan(uploads.indexOf('web'));
    expect(uploads.indexOf('web')).toBeLessThan(uploads.indexOf('cli'));
    expect(uploads.indexOf('util')).toBeLessThan(uploads.indexOf('cli'));
    expect(peak).toBe(2);
    expect(artifact().packages.map((p) => [p.package, p.status])).toEqual([
      ['cli', 'published'],
      ['core', 'published'],
      ['docs', 'published'],
      ['util', 'published'],
      ['web', 'published'],
    ]);
    expect(first.find((o) => o.id === 'web:publish')?.terminalOutput).toContain('@acme/web');

    uploads = [];
    const again = await run(tasks);
    expect(uploads).toEqual([]);
    expect(again.every((o) => o.status === 'success')).toBe(true);
    expect(artifact().packages.every((p) => p.status === 'skipped_existing')).toBe(true);
  });

  it("a lookup retried on the shared HTTP pool is reported in that package's own block, not the run's", async () => {
    const tasks = setup({ core: [], util: [] });
    let failures = 1;
    stub.route('GET', /^\/@acme\/util\/meta\.json$/, () => (failures-- > 0 ? { status: 503, body: {} } : { status: 404, body: {} }));
    const printed: string[] = [];
    const spy = jest.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(String(line)));
    const outcomes = await run(tasks).finally(() => spy.mockRestore());
    const block = (id: string) => outcomes.find((o) => o.id === id)?.terminalOutput ?? '';
    expect(block('util:publish')).toMatch(/↻ lookup .*@acme\/util\/meta\.json answered HTTP 503; retry 1/);
    expect(block('core:publish')).not.toContain('↻');
    expect(printed.filter((l) => l.includes('↻'))).toEqual([]);
  });

  it('does not attempt the dependents of a failed package and names the failed dependency; the rest publish', async () => {
    const tasks = setup({ core: [], web: ['core'], cli: ['web'], docs: [] });
    refuse.add('core');
    const outcomes = await run(tasks);
    const status = Object.fromEntries(outcomes.map((o) => [o.id, o.status]));
    expect(status).toEqual({ 'core:publish': 'failure', 'web:publish': 'skipped', 'cli:publish': 'skipped', 'docs:publish': 'success' });
    expect(uploads).toEqual(['docs']);
    expect(outcomes.find((o) => o.id === 'cli:publish')?.terminalOutput).toContain('its dependency web did not succeed');
    expect(artifact().packages.find((p) => p.package === 'core')).toMatchObject({ status: 'failed' });
  });

  it('a dry run uploads nothing and writes only the dry-run artifact', async () => {
    const tasks = setup({ core: [], web: ['core'] }).map((t) => ({ ...t, options: { dryRun: true } }));
    jest.mocked(jsrRegistry.publish).mockImplementation(async (req) => {
      expect(req.dryRun).toBe(true);
      return { status: 'planned', message: 'would publish', command: 'deno publish --dry-run' };
    });
    const outcomes = await run(tasks);
    expect(outcomes.map((o) => o.status)).toEqual(['success', 'success']);
    expect(fs.readdirSync(path.join(root, '.monochange'))).toEqual(['publish-result.dry-run.json']);
  });

  it('concurrency: the run’s --parallel, else nx.json, else 3', () => {
    expect(batchConcurrency({ MONOCHANGE_NX_PARALLEL: '8' }, 2)).toBe(8);
    expect(batchConcurrency({}, 5)).toBe(5);
    expect(batchConcurrency({ MONOCHANGE_NX_PARALLEL: 'x' }, undefined)).toBe(3);
  });
});
