import { fakeRegistry, type FakeRegistry } from '../../../test-utils/publish-fakes';
import type { PreparedUploads, PublishRequest } from '../registries/types';
import { prepareBatchUploads, type BatchUpload } from './prepare-uploads';
import type { RunContext } from '../run/run-context';
import type { PackageTarget } from '../run/target';

/** The batch's shared upload preparation: which packages, in which waves, and what happens when it fails. */
describe('prepareBatchUploads', () => {
  const ctx = { root: '/w', env: {}, http: {}, runner: { run: async () => ({ exitCode: 0, stdout: '', stderr: '' }) }, config: {} } as unknown as RunContext;

  /** A registry that prepares uploads and records each call (package ids), finishing when `release` is called. */
  function preparingRegistry(options: { published?: string[]; fail?: boolean } = {}) {
    const calls: string[][] = [];
    const disposed: string[][] = [];
    const registry = fakeRegistry() as FakeRegistry & { prepareUploads: NonNullable<FakeRegistry['prepareUploads']> };
    registry.versionExists = async (manifest) => (options.published ?? []).includes(manifest.name);
    registry.prepareUploads = async (reqs: PublishRequest[]): Promise<PreparedUploads> => {
      const ids = reqs.map((r) => r.pkg.id);
      calls.push(ids);
      if (options.fail) throw new Error('pack failed');
      return { uploads: reqs.map((r) => ({ command: `pack ${r.pkg.id}`, artifact: `/tmp/${r.pkg.id}.tgz` })), dispose: async () => void disposed.push(ids) };
    };
    return { registry, calls, disposed };
  }

  function upload(id: string, adapter: FakeRegistry | undefined, after: string[] = [], extra: Partial<PackageTarget['manifest']> = {}): BatchUpload {
    const target = {
      pkg: { id, publish: { trustedPublishing: { enabled: true } } },
      project: id,
      name: id,
      version: '1.0.0',
      adapter,
      manifest: { name: id, dir: `/w/${id}`, private: false, ...extra },
    } as unknown as PackageTarget;
    return { target, after };
  }

  it('prepares the packages without a dependency in the batch first, then the rest, skipping those already published', async () => {
    const { registry, calls, disposed } = preparingRegistry({ published: ['c'] });
    const uploads = [upload('a', registry), upload('b', registry), upload('c', registry, ['a']), upload('d', registry, ['a', 'b'])];
    const prepared = prepareBatchUploads(ctx, uploads);
    expect((await prepared.preparedUpload(uploads[0].target))?.artifact).toBe('/tmp/a.tgz');
    expect((await prepared.preparedUpload(uploads[3].target))?.command).toBe('pack d');
    expect(await prepared.preparedUpload(uploads[2].target)).toBeUndefined();
    expect(calls).toEqual([['a', 'b'], ['d']]);
    await prepared.dispose();
    expect(disposed).toEqual([['a', 'b'], ['d']]);
  });

  it('a registry without prepareUploads, a private package or a failed preparation: the package prepares its own upload', async () => {
    const failing = preparingRegistry({ fail: true });
    const plain = fakeRegistry();
    const ok = preparingRegistry();
    const uploads = [upload('x', failing.registry), upload('y', plain), upload('z', ok.registry, [], { private: true }), upload('w', undefined)];
    const prepared = prepareBatchUploads(ctx, uploads);
    for (const u of uploads) expect(await prepared.preparedUpload(u.target)).toBeUndefined();
    expect(failing.calls).toEqual([['x']]);
    expect(ok.calls).toEqual([]);
    await prepared.dispose();
  });

  it('a package outside the batch gets nothing and does not wait', async () => {
    const { registry } = preparingRegistry();
    const prepared = prepareBatchUploads(ctx, []);
    expect(await prepared.preparedUpload(upload('q', registry).target)).toBeUndefined();
    await prepared.dispose();
  });
});
