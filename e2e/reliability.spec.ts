import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'smol-toml';
import { publishResultSchema, type PublishEntry } from '../src/core/run/artifact-schema';
import type { UploadFault } from '../test-utils/npm-oidc-proxy';
import { startRegistryWorld, type RegistryWorld } from '../test-utils/registry-world';
import { createNxWorkspace, nxEnv, type Workspace } from './support/nx-workspace';
import { packPlugin } from './support/plugin-tarball';
import type { RunResult } from './support/run';

/**
 * Fault injection at the Nx level (issue "Reliability"): one real Nx workspace of npm packages with
 * the packed plugin, published by `nx run-many -t publish` in the simulated GitHub Actions job to a
 * real Verdaccio behind the npm OIDC-exchange proxy. The proxy counts every PUT, so "published
 * exactly once" is checked where the registry sees it. Each scenario has its own packages (selected
 * with `--projects`), so the scenarios share one workspace and one registry world.
 */
jest.setTimeout(600_000);

const BULK = 100;
const bulkName = (i: number) => `bulk-${String(i).padStart(3, '0')}`;

const SCENARIOS = {
  // kill-base ← kill-mid ← kill-top, and kill-solo on its own
  kill: { 'kill-base': [], 'kill-mid': ['kill-base'], 'kill-top': ['kill-mid'], 'kill-solo': [] },
  // term-slow ← term-after, and term-other on its own
  term: { 'term-slow': [], 'term-after': ['term-slow'], 'term-other': [] },
  // fail-root ← fail-child ← fail-grandchild, and fail-ok on its own
  fail: { 'fail-root': [], 'fail-child': ['fail-root'], 'fail-grandchild': ['fail-child'], 'fail-ok': [] },
} satisfies Record<string, Record<string, string[]>>;

function workspaceFiles(): Record<string, string> {
  const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
  const files: Record<string, string> = { LICENSE: 'MIT License\n\nCopyright (c) 2026 Acme\n' };
  const add = (name: string, deps: string[]) => {
    files[`packages/${name}/package.json`] = json({
      name,
      version: '1.0.0',
      description: `${name} (reliability e2e)`,
      license: 'MIT',
      main: 'index.js',
      repository: { type: 'git', url: 'git+https://github.com/acme/widgets.git' },
      publishConfig: { access: 'public' },
      ...(deps.length ? { dependencies: Object.fromEntries(deps.map((d) => [d, '^1.0.0'])) } : {}),
    });
    files[`packages/${name}/index.js`] = `module.exports = ${JSON.stringify(name)};\n`;
  };
  for (const group of Object.values(SCENARIOS)) for (const [name, deps] of Object.entries(group)) add(name, deps);
  for (let i = 0; i < BULK; i++) add(bulkName(i), []);
  return files;
}

interface NxProcess {
  pid: number;
  done: Promise<RunResult & { signal: NodeJS.Signals | null }>;
}

describe('publishing under faults: a real Nx workspace in the simulated GitHub Actions job', () => {
  let world: RegistryWorld;
  let ws: Workspace;
  let tmp: string;
  /** Package id of each npm package name (as `nx g init` declared it). */
  let idOf: Record<string, string>;
  /** Process groups of `nx` runs still going (killed in afterAll should a test fail mid-run). */
  const groups = new Set<number>();
  const log: string[] = [];

  beforeAll(async () => {
    const tarball = packPlugin();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-reliability-tmp-'));
    world = await startRegistryWorld({ log: (l) => log.push(l) });
    ws = await createNxWorkspace({ tarball, files: workspaceFiles(), name: 'mc-reliability' });
    for (const args of [
      ['g', '@monochange/nx:init', '--no-interactive'],
      [
        'g',
        '@monochange/nx:trusted-publishing',
        '--repository=acme/widgets',
        '--environment=release',
        '--provenance=false',
        '--trigger=tag',
        '--no-interactive',
      ],
    ]) {
      const result = await ws.nx(args);
      if (result.code !== 0) throw new Error(result.output);
    }
    const text = ws.read('monochange.toml');
    ws.write('monochange.toml', /^\[source\]/m.test(text) ? `${text}\n[source.oidc]\nissuer = "${world.issuer.url}"\n` : `${world.sourceToml()}\n${text}`);
    const config = parse(ws.read('monochange.toml')) as { package: Record<string, { path: string }> };
    idOf = Object.fromEntries(Object.entries(config.package).map(([id, p]) => [JSON.parse(ws.read(`${p.path}/package.json`)).name as string, id]));
  });

  afterAll(async () => {
    for (const pgid of groups) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await world?.stop();
    ws?.remove();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** The job's environment; npm's own PUT retries keep their count but wait ms instead of 10-60 s. */
  const jobEnv = (extra: Record<string, string> = {}) =>
    nxEnv({ ...world.ciEnv(), npm_config_fetch_retry_mintimeout: '100', npm_config_fetch_retry_maxtimeout: '500', ...extra });
  const publish = (group: string) => ['run-many', '-t', 'publish', `--projects=${group}-*`, '--parallel=3'];
  const names = (group: keyof typeof SCENARIOS) => Object.keys(SCENARIOS[group]);
  /** HTTP statuses of every PUT of a package the proxy saw, in order. */
  const puts = (name: string) => world.npm.proxy.uploads.filter((u) => u.name === name).map((u) => u.status);
  const okPuts = (name: string) => puts(name).filter((s) => s >= 200 && s < 300).length;
  const artifact = () => publishResultSchema.parse(JSON.parse(ws.read('.monochange/publish-result.json')));
  const entryOf = (name: string): PublishEntry | undefined => artifact().packages.find((p) => p.package === idOf[name]);
  const note = (what: string, group: keyof typeof SCENARIOS) =>
    process.stdout.write(
      `${what}: ${names(group)
        .map((n) => `${n} PUTs [${puts(n).join(',')}] → ${entryOf(n)?.status}${entryOf(n)?.reason ? ` (${entryOf(n)?.reason})` : ''}`)
        .join('; ')}\n`,
    );

  /** `nx` in its own process group, so a test can signal it (and everything it started) like a CI runner cancelling a job. */
  function startNx(args: string[], env: NodeJS.ProcessEnv): NxProcess {
    const nxPackage = JSON.parse(ws.read('node_modules/nx/package.json')) as { bin: Record<string, string> };
    const child = spawn(process.execPath, [path.join(ws.root, 'node_modules/nx', nxPackage.bin.nx), ...args], {
      cwd: ws.root,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    groups.add(child.pid!);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const done = new Promise<RunResult & { signal: NodeJS.Signals | null }>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => {
        groups.delete(child.pid!);
        resolve({ code: code ?? 1, signal, stdout, stderr, output: `${stdout}${stderr}` });
      });
    });
    return { pid: child.pid!, done };
  }

  /** Arms a one-shot fault for the first PUT of `name`; resolves `reached` when that PUT arrives and `settled` when the proxy is done with it. */
  function faultOnce(name: string, fault: Omit<UploadFault, 'settled'>) {
    let reached!: () => void;
    let settled!: () => void;
    const promises = { reached: new Promise<void>((r) => (reached = r)), settled: new Promise<void>((r) => (settled = r)) };
    let armed = true;
    world.npm.proxy.faults.upload = (upload) => {
      if (!armed || upload.name !== name) return undefined;
      armed = false;
      reached();
      return { ...fault, settled };
    };
    return { ...promises, wasReached: () => !armed };
  }

  describe('Verdaccio killed mid-run', () => {
    it('the run fails where the registry vanished; after a restart the re-run publishes every package exactly once', async () => {
      // Verdaccio stores kill-mid and dies before its answer leaves: the upload happened, the client never hears.
      const fault = faultOnce('kill-mid', { dropAnswer: true, afterForward: () => world.npm.verdaccio.kill() });
      const first = await ws.nx(publish('kill'), jobEnv());
      if (!fault.wasReached()) throw new Error(`kill-mid was never uploaded:\n${first.output}`);
      await fault.settled;
      world.npm.proxy.faults.upload = undefined;
      note('Verdaccio killed, first run', 'kill');
      expect(first.code).not.toBe(0);
      expect(okPuts('kill-mid')).toBe(1);
      expect(entryOf('kill-mid')).toMatchObject({ status: 'failed' });
      expect(entryOf('kill-top')).toMatchObject({ status: 'blocked', reason: 'dependency_failed', blockedBy: idOf['kill-mid'] });

      await world.npm.verdaccio.restart();
      const second = await ws.nx(publish('kill'), jobEnv());
      note('Verdaccio restarted, re-run', 'kill');
      if (second.code !== 0) throw new Error(second.output);
      for (const name of names('kill')) {
        expect(okPuts(name)).toBe(1);
        expect(['published', 'skipped_existing']).toContain(entryOf(name)?.status);
      }
      expect(entryOf('kill-mid')).toMatchObject({ status: 'skipped_existing' });
      expect(entryOf('kill-top')).toMatchObject({ status: 'published' });
    });
  });

  describe('SIGTERM while an upload is in flight', () => {
    it('the interrupted package is recorded failed (interrupted) in a valid artifact; the re-run finishes without a second upload', async () => {
      // The proxy holds term-slow's PUT for a while and then forwards it anyway: the registry gets an upload whose client is gone.
      const fault = faultOnce('term-slow', { delayMs: 5000 });
      const nx = startNx(publish('term'), jobEnv());
      const early = await Promise.race([fault.reached.then(() => undefined), nx.done]);
      if (early) throw new Error(`nx ended before term-slow's upload was in flight:\n${early.output}`);
      process.kill(-nx.pid, 'SIGTERM');
      const interrupted = await nx.done;
      await fault.settled;
      world.npm.proxy.faults.upload = undefined;
      note(`SIGTERM (nx exit ${interrupted.code ?? interrupted.signal})`, 'term');
      expect(interrupted.code).not.toBe(0);
      const raw = ws.read('.monochange/publish-result.json');
      expect(publishResultSchema.safeParse(JSON.parse(raw)).success).toBe(true);
      expect(entryOf('term-slow')).toMatchObject({ status: 'failed', reason: 'interrupted' });
      // Nx never ran its dependent: recorded blocked, naming the interrupted package.
      expect(entryOf('term-after')).toMatchObject({ status: 'blocked', reason: 'dependency_failed', blockedBy: idOf['term-slow'] });

      const second = await ws.nx(publish('term'), jobEnv());
      note('after SIGTERM, re-run', 'term');
      if (second.code !== 0) throw new Error(second.output);
      for (const name of names('term')) {
        expect(okPuts(name)).toBe(1);
        expect(['published', 'skipped_existing']).toContain(entryOf(name)?.status);
      }
      // Its interrupted upload reached the registry; the re-run found it there instead of uploading it again.
      expect(puts('term-slow')).toHaveLength(1);
      expect(entryOf('term-slow')).toMatchObject({ status: 'skipped_existing' });
      expect(entryOf('term-after')).toMatchObject({ status: 'published' });
    });
  });

  describe('a package whose upload the registry refuses', () => {
    let result: RunResult;
    let summaryFile: string;

    beforeAll(async () => {
      summaryFile = path.join(tmp, 'step-summary.md');
      fs.writeFileSync(summaryFile, '');
      world.npm.proxy.faults.upload = (upload) =>
        upload.name === 'fail-root' ? { respond: { status: 400, body: { error: 'injected: this upload is refused' } } } : undefined;
      try {
        result = await ws.nx(publish('fail'), jobEnv({ GITHUB_STEP_SUMMARY: summaryFile }));
      } finally {
        world.npm.proxy.faults.upload = undefined;
      }
      note('registry refuses fail-root', 'fail');
    });

    it('fails that package, records its dependents Nx skipped as blocked naming it, and publishes the rest', () => {
      expect(result.code).not.toBe(0);
      expect(puts('fail-root')).toEqual([400]);
      expect(entryOf('fail-root')).toMatchObject({ status: 'failed', reason: 'upload_failed' });
      for (const name of ['fail-child', 'fail-grandchild']) {
        expect(puts(name)).toEqual([]);
        expect(entryOf(name)).toMatchObject({ status: 'blocked', reason: 'dependency_failed', blockedBy: idOf['fail-root'] });
      }
      expect(entryOf('fail-ok')).toMatchObject({ status: 'published' });
      expect(okPuts('fail-ok')).toBe(1);
    });

    it('writes a markdown table to $GITHUB_STEP_SUMMARY and ::error / ::warning annotations for the failed and blocked packages', () => {
      const summary = fs.readFileSync(summaryFile, 'utf8');
      expect(summary).toContain('| Package | Version | Registry | Status | Message |');
      const row = (name: string) => summary.split('\n').find((l) => l.startsWith(`| ${idOf[name]} |`));
      expect(row('fail-root')).toContain('❌ failed');
      expect(row('fail-child')).toContain('⛔ blocked');
      expect(row('fail-grandchild')).toContain('⛔ blocked');
      expect(row('fail-ok')).toContain('✅ published');
      const annotations = result.output.split('\n').filter((l) => /^::(error|warning) /.test(l));
      expect(annotations.filter((l) => l.startsWith('::error ') && l.includes(`title=${idOf['fail-root']} 1.0.0 failed`))).toHaveLength(1);
      for (const name of ['fail-child', 'fail-grandchild']) {
        expect(annotations.filter((l) => l.startsWith('::warning ') && l.includes(`title=${idOf[name]} 1.0.0 blocked`))).toHaveLength(1);
      }
      expect(annotations.some((l) => l.includes(idOf['fail-ok']))).toBe(false);
    });
  });

  describe(`${BULK} packages`, () => {
    // A real publish, not the dry run: measured on 2 cores it costs about what `--dry-run` plus
    // readiness of the same 100 cost (each task is an Nx worker either way), and it proves more.
    it(`nx run-many -t publish --parallel=8 publishes all ${BULK} (one upload each) into an artifact with ${BULK} entries`, async () => {
      const started = Date.now();
      const result = await ws.nx(['run-many', '-t', 'publish', '--projects=bulk-*', '--parallel=8'], jobEnv());
      if (result.code !== 0) throw new Error(result.output);
      const bulk = artifact().packages.filter((p) => p.package.startsWith('bulk-'));
      expect(bulk).toHaveLength(BULK);
      expect(bulk.every((p) => p.status === 'published')).toBe(true);
      const counts = Array.from({ length: BULK }, (_, i) => okPuts(bulkName(i)));
      expect(counts.every((n) => n === 1)).toBe(true);
      process.stdout.write(
        `${BULK} packages, --parallel=8: ${counts.reduce((a, b) => a + b, 0)} successful PUTs, ${bulk.length} × published, ${Date.now() - started} ms\n`,
      );
    });
  });
});
