import { execFileSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startRegistryWorld, initGitRepo, type RegistryWorld } from '../test-utils/registry-world';
import { createNxWorkspace, nxEnv, type Workspace } from './support/nx-workspace';
import { packPlugin } from './support/plugin-tarball';

/**
 * Nx Cloud pipelines, as far as they can run on loopback: `nx affected -t publish` gates only the
 * affected packages; a publish on an Nx Agent, or a run about to be distributed to agents, is
 * refused by name before any upload; and with a remote cache (Nx's self-hosted HTTP cache protocol,
 * served here) publish targets are never stored or replayed: the executor runs every time.
 */
jest.setTimeout(900_000);

interface CacheRequest {
  method: string;
  path: string;
}

async function startRemoteCache(): Promise<{ url: string; requests: CacheRequest[]; close(): Promise<void> }> {
  const store = new Map<string, Buffer>();
  const requests: CacheRequest[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = (req.url ?? '/').split('?')[0];
    requests.push({ method: req.method ?? 'GET', path });
    const hash = path.replace(/^\/v1\/cache\//, '');
    if (req.method === 'PUT') {
      store.set(hash, Buffer.concat(chunks));
      res.writeHead(200).end();
    } else if (req.method === 'GET' && store.has(hash)) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(store.get(hash));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('Nx Cloud pipelines: affected runs, Nx Agents and the remote cache', () => {
  let world: RegistryWorld;
  let ws: Workspace;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: ws.root, encoding: 'utf8' }).trim();
  const pkg = (name: string) =>
    `${JSON.stringify({ name, version: '1.0.0', license: 'MIT', main: 'index.js', repository: { type: 'git', url: 'git+https://github.com/acme/widgets.git' }, nx: { targets: { echo: { command: 'echo built', cache: true } } } }, null, 2)}\n`;

  beforeAll(async () => {
    const tarball = packPlugin();
    world = await startRegistryWorld();
    ws = await createNxWorkspace({
      tarball,
      name: 'mc-nx-cloud',
      files: {
        'packages/core/package.json': pkg('@acme/core'),
        'packages/core/index.js': 'exports.a = 1;\n',
        'packages/util/package.json': pkg('@acme/util'),
        'packages/util/index.js': 'exports.b = 1;\n',
        'monochange.toml': `${world.sourceToml()}\n[package.core]\npath = "packages/core"\ntype = "npm"\n\n[package.util]\npath = "packages/util"\ntype = "npm"\n`,
      },
    });
    initGitRepo(ws.root, world.go.originUrl);
  });

  afterAll(async () => {
    await world?.stop();
    ws?.remove();
  });

  it('`nx affected -t publish` gates and publishes only the affected package', async () => {
    ws.write('packages/util/index.js', 'exports.b = 2;\n');
    git('-c', 'user.name=t', '-c', 'user.email=t@localhost', 'commit', '-qam', 'change util');
    const result = await ws.nx(['affected', '-t', 'publish', '--base=HEAD~1', '--head=HEAD'], nxEnv(world.ciEnv()));
    if (result.code !== 0) throw new Error(result.output);
    expect(result.output).toContain('monochange: trust preflight passed for 1 package(s)');
    expect((await world.uploads()).map((u) => u.name)).toEqual(['@acme/util']);
  });

  it('a publish task on an Nx Agent, and a run about to be distributed to agents, are refused by name before any upload', async () => {
    const before = (await world.uploads()).length;
    const agent = await ws.nx(['run', '@acme/core:publish'], nxEnv({ ...world.ciEnv(), NX_AGENT_NAME: 'linux-medium-js-1' }));
    expect(agent.code).not.toBe(0);
    expect(agent.output).toContain('runs on an Nx Agent (NX_AGENT_NAME="linux-medium-js-1")');
    const distributed = await ws.nx(['run-many', '-t', 'publish'], nxEnv({ ...world.ciEnv(), NX_CLOUD_DISTRIBUTED_EXECUTION: 'true' }));
    expect(distributed.code).not.toBe(0);
    expect(distributed.output).toContain('would be distributed to Nx Agents');
    expect(distributed.output).toContain('NX_CLOUD_DISTRIBUTED_EXECUTION');
    expect((await world.uploads()).length).toBe(before);
  });

  it('with a remote cache, publish is never stored or replayed (the executor runs again), while a cacheable target is', async () => {
    const cache = await startRemoteCache();
    try {
      const env = nxEnv({ ...world.ciEnv(), NX_SELF_HOSTED_REMOTE_CACHE_SERVER: cache.url, NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: 'loopback-cache-token' });
      delete env.NX_SKIP_NX_CACHE;
      // The control: the cache really is in use for a cacheable target.
      const first = await ws.nx(['run', '@acme/core:echo'], env);
      if (first.code !== 0) throw new Error(first.output);
      expect(cache.requests.some((r) => r.method === 'PUT')).toBe(true);
      const requestsBefore = cache.requests.length;
      for (let i = 0; i < 2; i++) {
        const run = await ws.nx(['run', '@acme/core:publish'], env);
        if (run.code !== 0) throw new Error(run.output);
        expect(run.output).not.toMatch(/remote cache|existing outputs match the cache/i);
        expect(run.output).toMatch(/@acme\/core/);
      }
      // Not one request for the publish tasks: they are never looked up, stored or replayed.
      expect(cache.requests.length).toBe(requestsBefore);
      const entry = JSON.parse(ws.read('.monochange/publish-result.json')).packages.find(
        (p: { package: string; project?: string }) => p.package === 'core' || p.project === '@acme/core',
      );
      expect(['published', 'skipped_existing']).toContain(entry.status);
    } finally {
      await cache.close();
    }
  });
});
