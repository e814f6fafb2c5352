import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { isMonochangeError } from '../errors';
import { coalescingMerger, mergePublishEntry, mergeReadinessEntry, readArtifact, writeJsonAtomic } from './artifact-store';
import { publishResultSchema, readinessSchema, type PublishEntry, type ReadinessEntry } from './artifact-schema';
import { withFileLock } from './artifact-lock';
import { recordSkippedDependents } from '../publish/skipped-dependents';

const run = promisify(execFile);
const trust = { status: 'configured' as const, repository: 'o/r', workflow: 'publish.yml', environment: null, setupUrl: null, message: 'ok' };
const header = { mode: 'release' as const, dryRun: false };

function entry(id: string, extra: Partial<PublishEntry> = {}): PublishEntry {
  return {
    package: id,
    project: id,
    ecosystem: 'npm',
    registry: 'npm',
    name: id,
    version: '1.0.0',
    status: 'published',
    message: `published ${id} 1.0.0 to npm`,
    placeholder: false,
    trustedPublishing: trust,
    ...extra,
  };
}

describe('artifacts', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-artifacts-'));
    file = path.join(dir, '.monochange', 'publish-result.json');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('round-trips a publish result through the schema, keeping unknown fields', async () => {
    const identity = {
      provider: 'github_actions',
      verified: true,
      repository: 'o/r',
      workflow: 'publish.yml',
      environment: null,
      ref: 'refs/tags/v1',
      eventName: 'push',
      oidc: 'verified',
    };
    await mergePublishEntry(file, { ...header, identity }, entry('web', { command: 'npm publish', attempts: 1, extraField: 'kept' } as Partial<PublishEntry>));
    const read = readArtifact(file, publishResultSchema)!;
    expect(read).toEqual({
      schemaVersion: 1,
      kind: 'monochange.publishResult',
      mode: 'release',
      dryRun: false,
      identity,
      packages: [expect.objectContaining({ package: 'web', extraField: 'kept' })],
    });
    expect(publishResultSchema.parse(JSON.parse(JSON.stringify(read)))).toEqual(read);
    expect(fs.readFileSync(file, 'utf8').endsWith('}\n')).toBe(true);
  });

  it('reads an absent artifact as undefined and names the file of one that does not parse', () => {
    expect(readArtifact(file, publishResultSchema)).toBeUndefined();
    writeJsonAtomic(file, { schemaVersion: 1, kind: 'monochange.publishResult', mode: 'release', dryRun: false, packages: [{ package: 1 }] });
    const error = (() => {
      try {
        readArtifact(file, publishResultSchema);
      } catch (e) {
        return e;
      }
    })();
    expect(isMonochangeError(error)).toBe(true);
    expect((error as Error).message).toContain(`${file}: ${file} does not match the artifact schema at \`packages.0.package\``);
  });

  it('merges entries sorted by package id, replacing the earlier entry of a package', async () => {
    await mergePublishEntry(file, header, entry('web'));
    await mergePublishEntry(file, header, entry('api'));
    await mergePublishEntry(file, header, entry('Zed'));
    await mergePublishEntry(file, header, entry('web', { status: 'failed', message: 'boom' }));
    const read = readArtifact(file, publishResultSchema)!;
    expect(read.packages.map((p) => `${p.package}:${p.status}`)).toEqual(['Zed:published', 'api:published', 'web:failed']);
  });

  it('keeps one entry per package and registry', async () => {
    await mergePublishEntry(file, header, entry('core', { registry: 'crates_io' }));
    await mergePublishEntry(file, header, entry('core', { registry: 'npm' }));
    expect(readArtifact(file, publishResultSchema)!.packages.map((p) => p.registry)).toEqual(['crates_io', 'npm']);
  });

  it('moves a corrupt file aside and starts anew', async () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{"schemaVersion": 1, "packa');
    await mergePublishEntry(file, header, entry('web'));
    expect(readArtifact(file, publishResultSchema)!.packages).toHaveLength(1);
    const aside = fs.readdirSync(path.dirname(file)).filter((f) => f.startsWith('publish-result.json.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(fs.readFileSync(path.join(path.dirname(file), aside[0]), 'utf8')).toBe('{"schemaVersion": 1, "packa');
  });

  it('moves a result of the other mode aside instead of dropping it', async () => {
    await mergePublishEntry(file, { mode: 'placeholder', dryRun: false }, entry('web', { version: '0.0.0', placeholder: true }));
    await mergePublishEntry(file, header, entry('api'));
    expect(readArtifact(file, publishResultSchema)!.packages.map((p) => p.package)).toEqual(['api']);
    expect(fs.readdirSync(path.dirname(file)).some((f) => f.startsWith('publish-result.json.placeholder-'))).toBe(true);
  });

  it('sets the readiness status to blocked when any package is blocked', async () => {
    const readinessFile = path.join(dir, 'readiness.json');
    const r = (id: string, status: ReadinessEntry['status']): ReadinessEntry => ({
      package: id,
      project: id,
      ecosystem: 'npm',
      registry: 'npm',
      name: id,
      version: '1.0.0',
      status,
      message: status,
      checks: [],
      trustedPublishing: trust,
    });
    expect((await mergeReadinessEntry(readinessFile, undefined, r('web', 'ready'))).status).toBe('ready');
    expect((await mergeReadinessEntry(readinessFile, undefined, r('ext', 'unsupported'))).status).toBe('ready');
    expect((await mergeReadinessEntry(readinessFile, undefined, r('api', 'blocked'))).status).toBe('blocked');
    expect(readArtifact(readinessFile, readinessSchema)!.packages.map((p) => p.package)).toEqual(['api', 'ext', 'web']);
  });

  it('keeps 100 entries merged by 8 concurrent processes, in valid JSON', async () => {
    const child = path.join(dir, 'merge-child.js');
    fs.writeFileSync(
      child,
      `const fs = require('fs');
const [swcPath, artifactsPath, file, k, n, total] = process.argv.slice(2);
const swc = require(swcPath);
require.extensions['.ts'] = (m, filename) => {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), { filename, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } });
  m._compile(code, filename);
};
const { mergePublishEntry } = require(artifactsPath);
const trust = { status: 'disabled', repository: null, workflow: null, environment: null, setupUrl: null, message: 'x' };
(async () => {
  for (let i = Number(k); i < Number(total); i += Number(n)) {
    const id = 'pkg-' + String(i).padStart(3, '0');
    await mergePublishEntry(file, { mode: 'release', dryRun: false }, { package: id, project: id, ecosystem: 'npm', registry: 'npm', name: id, version: '1.0.0', status: 'published', message: 'p', placeholder: false, trustedPublishing: trust });
  }
})().catch((e) => { console.error(e); process.exit(1); });
`,
    );
    const swcPath = require.resolve('@swc/core');
    const artifactsPath = path.join(__dirname, 'artifact-store.ts');
    const n = 8;
    await Promise.all(Array.from({ length: n }, (_, k) => run(process.execPath, [child, swcPath, artifactsPath, file, String(k), String(n), '100'])));
    const parsed = publishResultSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
    expect(parsed.packages).toHaveLength(100);
    expect(new Set(parsed.packages.map((p) => p.package)).size).toBe(100);
    expect(parsed.packages.map((p) => p.package)).toEqual([...parsed.packages.map((p) => p.package)].sort());
    expect(fs.existsSync(`${file}.lock`)).toBe(false);
    expect(fs.readdirSync(path.dirname(file)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 60_000);

  it('breaks a lock whose owner process is dead', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(dead.stdout);
    fs.mkdirSync(`${file}.lock`, { recursive: true });
    fs.writeFileSync(path.join(`${file}.lock`, 'owner'), String(deadPid));
    await mergePublishEntry(file, header, entry('web'));
    expect(readArtifact(file, publishResultSchema)!.packages).toHaveLength(1);
    expect(fs.existsSync(`${file}.lock`)).toBe(false);
  });

  it('waits for a lock held by a live process, and times out naming the lock', async () => {
    fs.mkdirSync(`${file}.lock`, { recursive: true });
    fs.writeFileSync(path.join(`${file}.lock`, 'owner'), String(process.ppid));
    const error = await withFileLock(file, () => 'never', 50).catch((e: unknown) => e);
    expect(isMonochangeError(error)).toBe(true);
    expect((error as Error).message).toContain(`delete ${file}.lock`);
    expect(fs.existsSync(`${file}.lock`)).toBe(true);
  });

  it('releases the lock when the locked function throws', async () => {
    await expect(withFileLock(file, () => Promise.reject(new Error('inner')))).rejects.toThrow('inner');
    expect(fs.existsSync(`${file}.lock`)).toBe(false);
  });

  describe('recordSkippedDependents', () => {
    const skipped = { packageId: 'web', project: 'web-app', ecosystem: 'npm', registry: 'npm', name: '@acme/web', version: '2.0.0', blockedBy: 'core' };

    it('records packages skipped because a dependency failed as blocked, naming the dependency', async () => {
      await mergePublishEntry(file, header, entry('core', { status: 'failed', message: 'upload failed' }));
      await recordSkippedDependents({ file, mode: 'release', entries: [skipped] });
      const read = readArtifact(file, publishResultSchema)!;
      expect(read.packages.map((p) => `${p.package}:${p.status}`)).toEqual(['core:failed', 'web:blocked']);
      expect(read.packages[1]).toMatchObject({
        reason: 'dependency_failed',
        blockedBy: 'core',
        project: 'web-app',
        version: '2.0.0',
        trustedPublishing: { status: 'disabled' },
      });
      expect(read.packages[1].message).toContain('its dependency `core` failed in this run');
    });

    it('keeps a settled entry of the same version, replaces a failed one', async () => {
      await mergePublishEntry(file, header, entry('web', { version: '2.0.0', status: 'published' }));
      await mergePublishEntry(file, header, entry('api', { version: '2.0.0', status: 'failed' }));
      await recordSkippedDependents({ file, mode: 'release', entries: [skipped, { ...skipped, packageId: 'api', name: 'api' }] });
      const read = readArtifact(file, publishResultSchema)!;
      expect(read.packages.map((p) => `${p.package}:${p.status}`)).toEqual(['api:blocked', 'web:published']);
    });

    it('writes placeholder entries at 0.0.0 and does nothing for no entries', async () => {
      expect(await recordSkippedDependents({ file, mode: 'placeholder', entries: [] })).toBeUndefined();
      expect(fs.existsSync(file)).toBe(false);
      const result = await recordSkippedDependents({ file, mode: 'placeholder', dryRun: true, entries: [skipped] });
      expect(result).toMatchObject({ mode: 'placeholder', dryRun: true, packages: [{ version: '0.0.0', placeholder: true, dryRun: true }] });
    });
  });
});

describe('coalescingMerger', () => {
  it('writes entries that arrive during a write together in the next one, and resolves each add once written', async () => {
    const writes: number[][] = [];
    let release!: () => void;
    const merge = coalescingMerger(async (entries: number[]) => {
      writes.push(entries);
      if (writes.length === 1) await new Promise<void>((r) => (release = r));
    });
    const first = merge(1);
    await new Promise((r) => setImmediate(r));
    const rest = [2, 3, 4].map((n) => merge(n));
    release();
    await Promise.all([first, ...rest]);
    expect(writes).toEqual([[1], [2, 3, 4]]);
  });

  it('rejects the adds of a failed write and keeps writing later entries', async () => {
    let calls = 0;
    const merge = coalescingMerger(async () => {
      if (++calls === 1) throw new Error('disk full');
    });
    await expect(merge('a')).rejects.toThrow('disk full');
    await expect(merge('b')).resolves.toBeUndefined();
  });

  it('with minIntervalMs, 50 entries added over time go out in far fewer writes', async () => {
    const writes: string[][] = [];
    const merge = coalescingMerger(async (entries: string[]) => void writes.push(entries), { minIntervalMs: 20 });
    const adds: Promise<void>[] = [];
    for (let i = 0; i < 50; i++) {
      adds.push(merge(`e${i}`));
      await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all(adds);
    expect(writes.flat()).toEqual(Array.from({ length: 50 }, (_, i) => `e${i}`));
    expect(writes.length).toBeLessThan(25);
  });
});
