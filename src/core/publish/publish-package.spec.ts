import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MonochangeError } from '../errors';
import { fakeDeps, fakeGate, fakeRegistry, fakeTarget } from '../../../test-utils/publish-fakes';
import type { PublishEntry } from '../run/artifact-schema';
import { publishPackage } from './publish-package';
import { paceUpload } from './rate-limits';
import { isTransientFailure } from './upload-attempts';

const lostAnswer = {
  status: 'failed' as const,
  message: '`npm publish` failed: npm error code ECONNRESET | network socket hang up',
  stderr: 'npm error code ECONNRESET',
};
const authFailure = {
  status: 'failed' as const,
  message: '`npm publish` failed: npm error code E401 | Unable to authenticate',
  authFailure: true,
};
const exists = { status: 'failed' as const, message: '`npm publish` failed: cannot publish over the previously published version 1.0.0', alreadyExists: true };

function earlier(status: PublishEntry['status'], extra: Partial<PublishEntry> = {}): PublishEntry {
  return {
    package: 'fake',
    project: 'fake-project',
    ecosystem: 'npm',
    registry: 'npm',
    name: 'fake-pkg',
    version: '1.0.0',
    status,
    message: `earlier ${status}`,
    placeholder: false,
    trustedPublishing: { status: 'configured', repository: null, workflow: null, environment: null, setupUrl: null, message: 'earlier' },
    ...extra,
  };
}

describe('publishPackage', () => {
  it('skips an external package without a lookup, a trust check or an upload', async () => {
    const gate = fakeGate();
    const deps = fakeDeps(gate);
    const entry = await publishPackage(fakeTarget(undefined), { dryRun: false }, deps);
    expect(entry.status).toBe('skipped_external');
    expect(entry.message).toContain('opted out of built-in publishing');
    expect(entry.trustedPublishing.status).toBe('disabled');
    expect(gate.checks).toEqual([]);
  });

  it('re-run after an earlier run published it: looks it up, reports skipped_existing and remembers when it was published', async () => {
    const registry = fakeRegistry({ lookups: [true] });
    const previous = earlier('published', { finishedAt: '2026-11-25T10:00:00.000Z' });
    const entry = await publishPackage(fakeTarget(registry), { dryRun: false, previous: [previous] }, fakeDeps(fakeGate()));
    expect(entry).toMatchObject({ status: 'skipped_existing', publishedAt: '2026-11-25T10:00:00.000Z' });
    expect(entry.message).toContain('published by an earlier run at 2026-11-25T10:00:00.000Z');
    expect(registry.lookups).toEqual(['1.0.0']);
    expect(registry.uploads).toHaveLength(0);
  });

  it('an earlier skipped_existing entry keeps its publishedAt on the next re-run', async () => {
    const registry = fakeRegistry({ lookups: [true] });
    const previous = earlier('skipped_existing', { publishedAt: '2026-11-25T10:00:00.000Z' });
    const entry = await publishPackage(fakeTarget(registry), { dryRun: false, previous: [previous] }, fakeDeps(fakeGate()));
    expect(entry).toMatchObject({ status: 'skipped_existing', publishedAt: '2026-11-25T10:00:00.000Z' });
    expect(registry.uploads).toHaveLength(0);
  });

  it('an earlier "published" that the registry no longer has is not trusted over the registry: it is uploaded', async () => {
    const registry = fakeRegistry({ lookups: [false] });
    const entry = await publishPackage(fakeTarget(registry), { dryRun: false, previous: [earlier('published')] }, fakeDeps(fakeGate()));
    expect(entry.status).toBe('published');
    expect(entry.publishedAt).toEqual(expect.any(String));
    expect(registry.uploads).toHaveLength(1);
  });

  it('retries a package an earlier run failed: looks it up and uploads it', async () => {
    const registry = fakeRegistry();
    const entry = await publishPackage(fakeTarget(registry), { dryRun: false, previous: [earlier('failed')] }, fakeDeps(fakeGate()));
    expect(entry.status).toBe('published');
    expect(registry.lookups).toEqual(['1.0.0']);
    expect(registry.uploads).toHaveLength(1);
  });

  it('does not keep earlier entries of another version, of a dry run or of a placeholder', async () => {
    const registry = fakeRegistry();
    const previous = [earlier('published', { version: '0.9.0' }), earlier('published', { dryRun: true }), earlier('published', { placeholder: true })];
    const entry = await publishPackage(fakeTarget(registry), { dryRun: false, previous }, fakeDeps(fakeGate()));
    expect(entry.status).toBe('published');
    expect(registry.uploads).toHaveLength(1);
  });

  it('reports a version already on the registry as skipped_existing, without a trust check or an upload', async () => {
    const registry = fakeRegistry({ lookups: [true] });
    const gate = fakeGate();
    const entry = await publishPackage(fakeTarget(registry), { dryRun: false }, fakeDeps(gate));
    expect(entry).toMatchObject({ status: 'skipped_existing', message: 'fake-pkg 1.0.0 already exists on Fake' });
    expect(entry.trustedPublishing.status).toBe('configured');
    expect(gate.checks).toEqual([]);
    expect(registry.uploads).toHaveLength(0);
  });

  it('blocks a package with readiness blockers before any upload', async () => {
    const registry = fakeRegistry();
    const gate = fakeGate();
    const entry = await publishPackage(fakeTarget(registry), { dryRun: false }, fakeDeps(gate, { blockers: () => ['no license', 'no description'] }));
    expect(entry).toMatchObject({
      status: 'blocked',
      reason: 'readiness',
      message: 'fake-pkg 1.0.0 is not ready to publish to Fake: no license; no description',
    });
    expect(gate.checks).toEqual([]);
    expect(registry.uploads).toHaveLength(0);
  });

  it('blocks on a trust gate refusal and attempts NO upload', async () => {
    const registry = fakeRegistry();
    const gate = fakeGate({ allowed: false, code: 'trust.workflow-mismatch', reason: '`fake` refused: workflow release.yml is not publish.yml' });
    const entry = await publishPackage(fakeTarget(registry), { dryRun: false }, fakeDeps(gate));
    expect(entry).toMatchObject({ status: 'blocked', reason: 'trust.workflow-mismatch', message: '`fake` refused: workflow release.yml is not publish.yml' });
    expect(entry.trustedPublishing.status).toBe('planned');
    expect(gate.checks).toEqual(['fake']);
    expect(registry.uploads).toHaveLength(0);
  });

  it('blocks when the trust gate cannot decide (throws), attempting no upload', async () => {
    const registry = fakeRegistry();
    const entry = await publishPackage(fakeTarget(registry), { dryRun: false }, fakeDeps(fakeGate(new Error('JWKS unreachable'))));
    expect(entry).toMatchObject({ status: 'blocked', reason: 'trust.check-failed' });
    expect(entry.message).toContain('JWKS unreachable');
    expect(registry.uploads).toHaveLength(0);
  });

  it('a dry run asks the trust gate as the real run does: refused → blocked, nothing uploaded', async () => {
    const registry = fakeRegistry();
    const gate = fakeGate({ allowed: false, code: 'trust.identity-unverifiable', reason: 'no verified identity' });
    const entry = await publishPackage(fakeTarget(registry), { dryRun: true }, fakeDeps(gate));
    expect(entry).toMatchObject({ status: 'blocked', dryRun: true, reason: 'trust.identity-unverifiable', message: 'no verified identity' });
    expect(gate.checks).toHaveLength(1);
    expect(registry.uploads).toHaveLength(0);
  });

  it('plans in a dry run the gate allows, without provenance or upload', async () => {
    // 1.0.0 is not there; an earlier version is, so trusted publishing can publish this one.
    const registry = fakeRegistry({ lookups: [false, true] });
    const gate = fakeGate({ allowed: true, provenance: true, warnings: [] });
    const entry = await publishPackage(fakeTarget(registry), { dryRun: true }, fakeDeps(gate));
    expect(entry).toMatchObject({ status: 'planned', dryRun: true, message: 'would publish fake-pkg 1.0.0 to Fake' });
    expect(entry.trustedPublishing.status).toBe('planned');
    expect(registry.uploads).toHaveLength(1);
    expect(registry.uploads[0].dryRun).toBe(true);
    expect((registry.uploads[0] as { provenance?: boolean }).provenance).toBe(false);
  });

  it('a dry run of a package the registry does not have yet is blocked, as its real trusted publish would fail', async () => {
    const registry = fakeRegistry({ lookups: [false, false] });
    const entry = await publishPackage(fakeTarget(registry), { dryRun: true }, fakeDeps(fakeGate({ allowed: true, provenance: false, warnings: [] })));
    expect(entry).toMatchObject({ status: 'blocked', dryRun: true, reason: 'registry.package-missing' });
    expect(entry.message).toContain('placeholder-publish');
    expect(registry.lookups).toEqual(['1.0.0', null]);
    expect(registry.uploads).toHaveLength(0);
  });

  it('publishes: one upload, attempts 1, command recorded, provenance from the gate', async () => {
    const registry = fakeRegistry();
    const gate = fakeGate({ allowed: true, provenance: true, warnings: ['token expires soon'] });
    const deps = fakeDeps(gate);
    const entry = await publishPackage(fakeTarget(registry), { dryRun: false }, deps);
    expect(entry).toMatchObject({ status: 'published', attempts: 1, command: 'fake publish', trustedPublishing: { status: 'configured' } });
    expect(registry.uploads).toHaveLength(1);
    expect((registry.uploads[0] as { provenance: boolean }).provenance).toBe(true);
    expect(deps.lines.some((l) => l.includes('token expires soon'))).toBe(true);
  });

  it('reads an "already exists" answer confirmed by a lookup as skipped_existing', async () => {
    const registry = fakeRegistry({ lookups: [false, true], uploads: [exists] });
    const entry = await publishPackage(fakeTarget(registry), { dryRun: false }, fakeDeps(fakeGate()));
    expect(entry).toMatchObject({ status: 'skipped_existing', attempts: 1 });
    expect(entry.message).toContain('refused a re-upload');
    expect(registry.uploads).toHaveLength(1);
    expect(registry.lookups).toHaveLength(2);
  });

  it('fails an "already exists" answer a lookup does not confirm, without retrying', async () => {
    const registry = fakeRegistry({ lookups: [false], uploads: [exists] });
    const entry = await publishPackage(fakeTarget(registry), { dryRun: false }, fakeDeps(fakeGate()));
    expect(entry).toMatchObject({ status: 'failed', reason: 'conflict' });
    expect(entry.message).toMatch(/Fix: re-run in a few minutes/);
    expect(registry.uploads).toHaveLength(1);
  });

  it('never uploads twice when an upload went through but its answer was lost', async () => {
    const registry = fakeRegistry({ lookups: [false, true], uploads: [lostAnswer, { status: 'published', message: 'SECOND UPLOAD' }] });
    const deps = fakeDeps(fakeGate());
    const entry = await publishPackage(fakeTarget(registry), { dryRun: false }, deps);
    expect(entry).toMatchObject({ status: 'skipped_existing', attempts: 1 });
    expect(entry.message).toBe('fake-pkg 1.0.0 is on Fake after an upload whose answer was lost; not uploaded again');
    expect(registry.uploads).toHaveLength(1);
    expect(deps.waits).toEqual([]);
  });

  it('retries a transient failure once the lookup shows the version is still absent', async () => {
    const registry = fakeRegistry({ lookups: [false, false], uploads: [lostAnswer, { status: 'published', message: 'published fake-pkg 1.0.0 to Fake' }] });
    const deps = fakeDeps(fakeGate(), { retryDelayMs: 1000 });
    const entry = await publishPackage(fakeTarget(registry), { dryRun: false }, deps);
    expect(entry).toMatchObject({ status: 'published', attempts: 2 });
    expect(registry.uploads).toHaveLength(2);
    expect(registry.lookups).toHaveLength(2);
    expect(deps.waits).toEqual([1000]);
    expect(deps.lines.some((l) => l.startsWith('↻') && l.includes('attempt 2 of 2'))).toBe(true);
  });

  it('fails after maxAttempts transient failures, each retry preceded by a lookup', async () => {
    const registry = fakeRegistry({ lookups: [false], uploads: [lostAnswer] });
    const deps = fakeDeps(fakeGate(), { maxAttempts: 3, retryDelayMs: 100 });
    const entry = await publishPackage(fakeTarget(registry), { dryRun: false }, deps);
    expect(entry).toMatchObject({ status: 'failed', reason: 'upload_failed', attempts: 3 });
    expect(registry.uploads).toHaveLength(3);
    expect(registry.lookups).toHaveLength(3);
    expect(deps.waits).toEqual([100, 200]);
  });

  it('fails an authentication failure at once, never retried, saying what to fix', async () => {
    const registry = fakeRegistry({ uploads: [authFailure] });
    const entry = await publishPackage(fakeTarget(registry), { dryRun: false }, fakeDeps(fakeGate()));
    expect(entry).toMatchObject({ status: 'failed', reason: 'auth', attempts: 1 });
    expect(entry.message).toContain('Unable to authenticate');
    expect(entry.message).toContain(
      'Fix: Fake refused the credentials of this job; check that the trusted publisher configured at https://fake.example/fake-pkg/settings',
    );
    expect(registry.uploads).toHaveLength(1);
    expect(registry.lookups).toHaveLength(1);
  });

  it("keeps the adapter's own fix for an authentication failure", async () => {
    const registry = fakeRegistry({ uploads: [{ ...authFailure, message: `${authFailure.message}. Fix: run npm trust github fake-pkg` }] });
    const entry = await publishPackage(fakeTarget(registry), { dryRun: false }, fakeDeps(fakeGate()));
    expect(entry.message.match(/Fix:/g)).toHaveLength(1);
    expect(entry.message).toContain('run npm trust github fake-pkg');
  });

  it('does not retry a failure that is about the package, not the network', async () => {
    const registry = fakeRegistry({ uploads: [{ status: 'failed', message: '`npm publish` failed: npm error code E400 | invalid package name' }] });
    const entry = await publishPackage(fakeTarget(registry), { dryRun: false }, fakeDeps(fakeGate()));
    expect(entry).toMatchObject({ status: 'failed', reason: 'upload_failed', attempts: 1 });
    expect(registry.uploads).toHaveLength(1);
    expect(registry.lookups).toHaveLength(1);
  });

  it('fails with reason lookup_failed and no upload when the first lookup fails', async () => {
    const registry = fakeRegistry({
      lookups: [new MonochangeError('npm registry lookup failed: GET http://127.0.0.1:9/fake-pkg answered HTTP 500', { fix: 'retry later' })],
    });
    const gate = fakeGate();
    const entry = await publishPackage(fakeTarget(registry), { dryRun: false }, fakeDeps(gate));
    expect(entry).toMatchObject({ status: 'failed', reason: 'lookup_failed' });
    expect(entry.message).toContain('answered HTTP 500. Fix: retry later');
    expect(gate.checks).toEqual([]);
    expect(registry.uploads).toHaveLength(0);
  });

  it('does not retry when the lookup before a retry fails', async () => {
    const registry = fakeRegistry({ lookups: [false, new Error('registry down')], uploads: [lostAnswer] });
    const entry = await publishPackage(fakeTarget(registry), { dryRun: false }, fakeDeps(fakeGate()));
    expect(entry).toMatchObject({ status: 'failed', reason: 'lookup_failed', attempts: 1 });
    expect(entry.message).toContain('not retried because the lookup before a retry failed');
    expect(registry.uploads).toHaveLength(1);
  });

  it('starts no retry once interrupted', async () => {
    const controller = new AbortController();
    const registry = fakeRegistry({ lookups: [false], uploads: [lostAnswer] });
    const publish = registry.publish;
    registry.publish = async (req, runner) => {
      controller.abort();
      return publish(req, runner);
    };
    const entry = await publishPackage(fakeTarget(registry), { dryRun: false }, fakeDeps(fakeGate(), { signal: controller.signal }));
    expect(entry).toMatchObject({ status: 'failed', reason: 'interrupted', attempts: 1 });
    expect(registry.uploads).toHaveLength(1);
  });

  it('uploads nothing when interrupted before the upload', async () => {
    const controller = new AbortController();
    controller.abort();
    const registry = fakeRegistry();
    const entry = await publishPackage(fakeTarget(registry), { dryRun: false }, fakeDeps(fakeGate(), { signal: controller.signal }));
    expect(entry).toMatchObject({ status: 'failed', reason: 'interrupted', attempts: 0 });
    expect(registry.uploads).toHaveLength(0);
  });

  it('paces every real upload (retries too) through beforeUpload, never a dry run', async () => {
    const registry = fakeRegistry({ lookups: [false], uploads: [lostAnswer, { status: 'published', message: 'ok' }] });
    const paced: string[] = [];
    const deps = fakeDeps(fakeGate(), { beforeUpload: async (t) => void paced.push(t.pkg.id) });
    expect((await publishPackage(fakeTarget(registry), { dryRun: false }, deps)).status).toBe('published');
    expect(paced).toEqual(['fake', 'fake']);
    expect(registry.uploads).toHaveLength(2);
    await publishPackage(fakeTarget(fakeRegistry()), { dryRun: true }, deps);
    expect(paced).toHaveLength(2);
  });

  it('blocks (reason rate_limit) without uploading when the rate-limit window is full', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-pace-'));
    try {
      const now = () => 1_700_000_000_000;
      const sleep = async () => undefined;
      for (let i = 0; i < 20; i++) await paceUpload({ root, registry: 'jsr', now, sleep });
      const registry = fakeRegistry({ id: 'jsr' });
      const target = fakeTarget(registry);
      target.pkg.publish.registry = 'jsr';
      const deps = fakeDeps(fakeGate(), {
        beforeUpload: (t) => paceUpload({ root, registry: t.pkg.publish.registry, packageId: t.pkg.id, now, sleep }).then(() => undefined),
      });
      const entry = await publishPackage(target, { dryRun: false }, deps);
      expect(entry).toMatchObject({ status: 'blocked', reason: 'rate_limit', attempts: 0 });
      expect(entry.message).toContain('jsr allows 20 uploads per 24h and the window is full');
      expect(registry.uploads).toHaveLength(0);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('fails (not crashes) when the adapter throws', async () => {
    const registry = fakeRegistry({ uploads: [new TypeError('boom')] });
    const entry = await publishPackage(fakeTarget(registry), { dryRun: false }, fakeDeps(fakeGate()));
    expect(entry).toMatchObject({ status: 'failed', reason: 'error' });
    expect(entry.message).toContain('unexpected error: TypeError: boom');
    expect(registry.uploads).toHaveLength(1);
  });
});

describe('isTransientFailure', () => {
  it.each([
    ['npm error code ECONNRESET'],
    ['error: failed to publish to registry at https://crates.io: the remote server responded with an error (status 503 Service Unavailable)'],
    ['HTTP 429 Too Many Requests'],
    ['operation timed out'],
    ['socket hang up'],
  ])('reads %j as transient', (message) => expect(isTransientFailure({ message })).toBe(true));

  it.each([['npm error code E403 forbidden'], ['missing field `license`'], ['version 1.503.0 is invalid']])('reads %j as permanent', (message) =>
    expect(isTransientFailure({ message })).toBe(false),
  );
});
