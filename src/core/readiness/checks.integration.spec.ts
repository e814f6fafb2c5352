import fs from 'node:fs';
import path from 'node:path';
import { startHttpStub, type HttpStub } from '../../../test-utils/http-stub';
import { npmRegistry } from '../registries/npm';
import { githubEnv } from '../trust/testing/fixtures';
import { READINESS_CHECKS } from './checks';
import { clearToolVersionCache } from './checks/tools';
import { makeContext, manifest, pkgConfig, recordingRunner, tempDir, writeFiles } from './checks/testing/context';
import { runReadiness } from './run-readiness';

let stub: HttpStub;
const root = tempDir();
beforeAll(async () => {
  stub = await startHttpStub();
  stub.route('GET', '/@acme/web', { body: { versions: { '1.0.0': {} } } });
  writeFiles(root, { 'packages/web/package.json': '{"name":"@acme/web","version":"1.2.3"}' });
});
afterAll(async () => {
  await stub.close();
  fs.rmSync(root, { recursive: true, force: true });
});
beforeEach(() => clearToolVersionCache());

function ctx(env: Record<string, string | undefined>, exists = false) {
  const pkg = pkgConfig({ id: 'web', type: 'npm', path: 'packages/web' });
  const json = { name: '@acme/web', version: exists ? '1.0.0' : '1.2.3', repository: 'github:acme/widgets' };
  const m = manifest(path.join(root, 'packages/web'), {
    ecosystem: 'npm',
    name: '@acme/web',
    version: json.version,
    npm: { manager: 'npm', json, repositoryUrl: json.repository },
  });
  return makeContext({
    root,
    pkg,
    manifest: m,
    adapter: npmRegistry,
    runner: recordingRunner({ 'npm --version': { stdout: '11.6.0' } }),
    env: githubEnv({ MONOCHANGE_NPM_REGISTRY_URL: stub.url, HOME: root, ...env }),
  });
}

describe('READINESS_CHECKS', () => {
  it('runs the deep checks after the core ones and blocks on the first failure', async () => {
    const entry = await runReadiness(ctx({ NODE_AUTH_TOKEN: '' }), READINESS_CHECKS);
    const areas = [...new Set(entry.checks.map((c) => c.id.split('.')[0]))];
    expect(areas).toEqual(['registry', 'trust', 'identity', 'workflow', 'credentials', 'tools', 'npm', 'rate-limits']);
    expect(entry.status).toBe('blocked');
    expect(entry.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(['workflow.exists', 'credentials.env-token']);
  });

  it('skips the deep checks for a version that is already published', async () => {
    const entry = await runReadiness(ctx({}, true), READINESS_CHECKS);
    expect(entry.status).toBe('already_published');
    expect(entry.checks.map((c) => c.id)).toEqual(['registry.version', 'trust.context']);
  });
});
