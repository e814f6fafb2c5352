import { fakeDeps, fakeGate, fakeRegistry, fakeTarget } from '../../../test-utils/publish-fakes';
import { publishPlaceholder } from './placeholder-package';

const lostAnswer = { status: 'failed' as const, message: '`npm publish` failed: ETIMEDOUT' };

describe('publishPlaceholder', () => {
  it('skips an external package without a lookup or an upload', async () => {
    const entry = await publishPlaceholder(fakeTarget(undefined), { dryRun: false }, fakeDeps(fakeGate()));
    expect(entry).toMatchObject({ status: 'skipped_external', placeholder: true, version: '0.0.0' });
  });

  it('skips a package with any version on the registry (lookup with version null), no upload', async () => {
    const registry = fakeRegistry({ lookups: [true] });
    const entry = await publishPlaceholder(fakeTarget(registry), { dryRun: false }, fakeDeps(fakeGate()));
    expect(entry).toMatchObject({ status: 'skipped_existing', message: 'fake-pkg already exists on Fake; no placeholder needed' });
    expect(registry.lookups).toEqual([null]);
    expect(registry.uploads).toHaveLength(0);
  });

  it('plans in a dry run: the dry-run upload only, never the trust gate or trust setup', async () => {
    const registry = fakeRegistry();
    const gate = fakeGate();
    const configureTrust = jest.fn();
    const entry = await publishPlaceholder(fakeTarget(registry), { dryRun: true, configureTrust }, fakeDeps(gate));
    expect(entry).toMatchObject({ status: 'planned', dryRun: true, message: 'would publish placeholder fake-pkg 0.0.0 to Fake' });
    expect(registry.uploads).toHaveLength(1);
    expect(registry.uploads[0]).toMatchObject({ dryRun: true, trustedPublishing: false });
    expect(gate.checks).toEqual([]);
    expect(configureTrust).not.toHaveBeenCalled();
  });

  it('publishes 0.0.0 with the default README, never trust-enforced', async () => {
    const registry = fakeRegistry();
    const gate = fakeGate({ allowed: false, code: 'x', reason: 'never asked for placeholders' });
    const entry = await publishPlaceholder(fakeTarget(registry), { dryRun: false }, fakeDeps(gate));
    expect(entry).toMatchObject({ status: 'published', attempts: 1, placeholder: true });
    expect(registry.uploads).toHaveLength(1);
    expect((registry.uploads[0] as { readme: string }).readme).toContain('# fake-pkg');
    expect(gate.checks).toEqual([]);
  });

  it('never uploads twice when the answer to a placeholder upload was lost', async () => {
    const registry = fakeRegistry({ lookups: [false, true], uploads: [lostAnswer, { status: 'published', message: 'SECOND' }] });
    const entry = await publishPlaceholder(fakeTarget(registry), { dryRun: false }, fakeDeps(fakeGate()));
    expect(entry).toMatchObject({ status: 'skipped_existing', attempts: 1 });
    expect(entry.message).toContain('answer was lost; not uploaded again');
    expect(registry.uploads).toHaveLength(1);
  });

  it('reads a confirmed "already exists" answer as skipped_existing', async () => {
    const registry = fakeRegistry({ lookups: [false, true], uploads: [{ status: 'failed', message: 'E409 conflict', alreadyExists: true }] });
    const entry = await publishPlaceholder(fakeTarget(registry), { dryRun: false }, fakeDeps(fakeGate()));
    expect(entry.status).toBe('skipped_existing');
    expect(registry.uploads).toHaveLength(1);
  });

  it('fails an authentication failure at once with what to fix', async () => {
    const registry = fakeRegistry({ uploads: [{ status: 'failed', message: '`npm publish` failed: E401', authFailure: true }] });
    const entry = await publishPlaceholder(fakeTarget(registry), { dryRun: false }, fakeDeps(fakeGate()));
    expect(entry).toMatchObject({ status: 'failed', reason: 'auth' });
    expect(entry.message).toContain('Fix:');
    expect(registry.uploads).toHaveLength(1);
  });

  it('fails with reason lookup_failed and no upload when the lookup fails', async () => {
    const registry = fakeRegistry({ lookups: [new Error('registry down')] });
    const entry = await publishPlaceholder(fakeTarget(registry), { dryRun: false }, fakeDeps(fakeGate()));
    expect(entry).toMatchObject({ status: 'failed', reason: 'lookup_failed' });
    expect(registry.uploads).toHaveLength(0);
  });

  it('fails with reason readme when the README file is missing, before any upload', async () => {
    const registry = fakeRegistry();
    const target = fakeTarget(registry);
    target.pkg.publish.placeholder = { readmeFile: 'does/not/exist.md' };
    const entry = await publishPlaceholder(target, { dryRun: false }, fakeDeps(fakeGate(), { root: '/nonexistent-root' }));
    expect(entry).toMatchObject({ status: 'failed', reason: 'readme' });
    expect(entry.message).toContain('failed to read placeholder README does/not/exist.md');
    expect(registry.uploads).toHaveLength(0);
  });

  it('configures trust after the placeholder exists, and fails the entry when that fails', async () => {
    const ok = await publishPlaceholder(
      fakeTarget(fakeRegistry()),
      { dryRun: false, configureTrust: async () => ({ ok: true, message: 'trust configured' }) },
      fakeDeps(fakeGate()),
    );
    expect(ok).toMatchObject({ status: 'published', trustedPublishing: { status: 'configured', message: 'trust configured' } });
    const bad = await publishPlaceholder(
      fakeTarget(fakeRegistry()),
      { dryRun: false, configureTrust: async () => ({ ok: false, message: 'npm trust github failed' }) },
      fakeDeps(fakeGate()),
    );
    expect(bad).toMatchObject({ status: 'failed', reason: 'trust_setup', trustedPublishing: { status: 'manual_action_required' } });
    expect(bad.message).toContain('npm trust github failed');
  });

  it('blocks (reason rate_limit) without uploading or configuring trust when the window is full; a published placeholder has no publishedAt', async () => {
    const configureTrust = jest.fn(async () => ({ ok: true, message: 'trust configured' }));
    const full = async () => {
      throw new Error('crates.io window full');
    };
    const registry = fakeRegistry();
    const blocked = await publishPlaceholder(fakeTarget(registry), { dryRun: false, configureTrust }, fakeDeps(fakeGate(), { beforeUpload: full }));
    expect(blocked).toMatchObject({ status: 'blocked', reason: 'rate_limit', attempts: 0 });
    expect(registry.uploads).toHaveLength(0);
    expect(configureTrust).not.toHaveBeenCalled();
    const published = await publishPlaceholder(fakeTarget(fakeRegistry()), { dryRun: false }, fakeDeps(fakeGate()));
    expect(published.status).toBe('published');
    expect(published).not.toHaveProperty('publishedAt');
  });
});
