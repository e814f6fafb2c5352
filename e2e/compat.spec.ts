import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parse } from 'smol-toml';
import { startRegistryWorld, initGitRepo, type RegistryWorld } from '../test-utils/registry-world';
import { createNxWorkspace, nxEnv, type PackageManager, type Workspace } from './support/nx-workspace';
import { packPlugin } from './support/plugin-tarball';
import { installPnpm, type PnpmTool } from './support/pnpm-tool';
import { npmRegistryProblem } from './support/registry-reachable';
import { sampleWorkspaceFiles } from './support/sample-workspace';

/**
 * The compatibility matrix beside the full flow (Nx 23.2.1 + npm workspaces, publish-flow.spec.ts):
 * a compact flow (projects, readiness, publish from the simulated GitHub job, idempotent re-run)
 * of the two npm packages of the sample, in
 *   - Nx 24.0.6 with npm workspaces: the plugin keeps its own @nx/devkit 23.2.1 on top of nx 24;
 *   - Nx 23.2.1 with a pnpm 10 workspace: `@acme/web` depends on `workspace:^`, which pnpm's pack
 *     must turn into a real range before npm publishes the tarball (and does the OIDC exchange).
 * Both need installs from the npm registry (nx 24 and pnpm are not in npm's cache after `npm ci`).
 */
jest.setTimeout(600_000);

const NX24 = '24.0.6';
const NX23 = '23.2.1';
const PNPM = 'pnpm@10';

interface Case {
  title: string;
  nxVersion: string;
  packageManager: PackageManager;
  /** The range `@acme/web` declares for `@acme/core`. */
  coreRange: string;
}

const CASES: Case[] = [
  { title: `Nx ${NX24} + npm workspaces`, nxVersion: NX24, packageManager: 'npm', coreRange: '^1.0.0' },
  { title: `Nx ${NX23} + pnpm 10 workspace`, nxVersion: NX23, packageManager: 'pnpm', coreRange: 'workspace:^' },
];

const unreachable = npmRegistryProblem([`nx@${NX24}`, PNPM]);
if (unreachable) process.stdout.write(`compat e2e skipped: the npm registry cannot be reached for the extra installs: ${unreachable}\n`);

/** The sample's npm packages (@acme/core ← @acme/web) and its LICENSE. */
function npmPackagesOfSample(coreRange: string): Record<string, string> {
  const files = Object.fromEntries(Object.entries(sampleWorkspaceFiles()).filter(([rel]) => rel === 'LICENSE' || rel.startsWith('packages/')));
  const web = JSON.parse(files['packages/web/package.json']) as { dependencies: Record<string, string> };
  web.dependencies['@acme/core'] = coreRange;
  files['packages/web/package.json'] = `${JSON.stringify(web, null, 2)}\n`;
  return files;
}

function versionOf(packageJson: string): string {
  return (JSON.parse(fs.readFileSync(packageJson, 'utf8')) as { version: string }).version;
}

/** Runs a step, appending `<step> <seconds>s` to `timings` (reported at the end, never asserted). */
function timer(timings: string[]) {
  return async <T>(step: string, fn: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    try {
      return await fn();
    } finally {
      timings.push(`${step} ${((Date.now() - started) / 1000).toFixed(1)}s`);
    }
  };
}

const matrix = unreachable ? describe.skip : describe;
const matrixTitle = unreachable
  ? 'compatibility matrix (SKIPPED: npm registry unreachable for the nx 24 / pnpm installs)'
  : 'compatibility matrix';

interface Setup {
  world: RegistryWorld;
  ws: Workspace;
  timings: string[];
}

matrix(matrixTitle, () => {
  let pnpm: PnpmTool | undefined;
  /** Per case; both are set up at once (the installs mostly wait on the network). */
  const setups = new Map<string, Promise<Setup>>();

  beforeAll(async () => {
    const tarball = packPlugin();
    for (const c of CASES) setups.set(c.title, setUp(c, tarball));
    // Settle every setup before any test reads one, so a failed one cannot leave the other running.
    await Promise.allSettled(setups.values());
  });

  afterAll(async () => {
    for (const [title, setup] of setups) {
      const done = await setup.catch(() => undefined);
      await done?.world.stop();
      done?.ws.remove();
      if (done) process.stdout.write(`compat e2e, ${title}: ${done.timings.join(', ')}\n`);
    }
    pnpm?.remove();
  });

  async function setUp({ nxVersion, packageManager, coreRange }: Case, tarball: string): Promise<Setup> {
    const timings: string[] = [];
    const timed = timer(timings);
    if (packageManager === 'pnpm') pnpm = await timed(`install ${PNPM}`, () => installPnpm(PNPM));
    const world = await startRegistryWorld();
    let ws: Workspace | undefined;
    try {
      ws = await timed(`${packageManager} install`, () =>
        createNxWorkspace({ tarball, files: npmPackagesOfSample(coreRange), name: `mc-compat-${packageManager}`, nxVersion, packageManager, pnpm: pnpm?.bin }),
      );
      const workspace = ws;
      const generators = await timed('init + trusted-publishing generators', async () => {
        const init = await workspace.nx(['g', '@monochange/nx:init', '--no-interactive']);
        if (init.code !== 0) return init;
        return workspace.nx(['g', '@monochange/nx:trusted-publishing', '--repository=acme/widgets', '--environment=release', '--provenance=false', '--trigger=tag', '--no-interactive']);
      });
      if (generators.code !== 0) throw new Error(generators.output);
      // The loopback issuer stands in for token.actions.githubusercontent.com.
      const text = ws.read('monochange.toml');
      ws.write('monochange.toml', /^\[source\]/m.test(text) ? `${text}\n[source.oidc]\nissuer = "${world.issuer.url}"\n` : `${world.sourceToml()}\n${text}`);
      initGitRepo(ws.root, world.go.originUrl);
      return { world, ws, timings };
    } catch (error) {
      await world.stop();
      ws?.remove();
      throw error;
    }
  }

  describe.each(CASES)('$title', ({ title, nxVersion, packageManager }) => {
    let world: RegistryWorld;
    let ws: Workspace;
    let timed: ReturnType<typeof timer>;
    const artifact = (rel: string) => JSON.parse(ws.read(rel));
    /** pnpm first on PATH (the plugin packs with it), then the world's stand-ins and the machine's PATH. */
    const withTools = (env: Record<string, string>): NodeJS.ProcessEnv =>
      nxEnv({ ...env, PATH: packageManager === 'pnpm' ? `${pnpm!.binDir}${path.delimiter}${env.PATH}` : env.PATH });

    beforeAll(async () => {
      const setup = await setups.get(title)!;
      ({ world, ws } = setup);
      timed = timer(setup.timings);
    });

    it(`installs nx ${nxVersion}; the plugin runs on it with its own @nx/devkit`, () => {
      expect(ws.nxVersion).toBe(nxVersion);
      // Resolved as Node resolves them at run time: the plugin's @nx/devkit, and the nx that devkit loads.
      const fromPlugin = createRequire(path.join(ws.root, 'node_modules', '@monochange', 'nx', 'package.json'));
      const devkitJson = fromPlugin.resolve('@nx/devkit/package.json');
      const nxFromDevkit = createRequire(devkitJson).resolve('nx/package.json');
      expect(versionOf(devkitJson)).toBe('23.2.1');
      expect(versionOf(nxFromDevkit)).toBe(nxVersion);
      if (packageManager === 'pnpm') expect(fs.existsSync(path.join(ws.root, 'pnpm-lock.yaml'))).toBe(true);
    });

    it('nx show projects lists the declared packages', async () => {
      const config = parse(ws.read('monochange.toml')) as { package: Record<string, { path: string; type: string }> };
      expect(Object.values(config.package).map((p) => `${p.type}:${p.path}`).sort()).toEqual(['npm:packages/core', 'npm:packages/web']);
      const shown = await timed('show projects', () => ws.nx(['show', 'projects', '--json']));
      if (shown.code !== 0) throw new Error(shown.output);
      expect((JSON.parse(shown.stdout) as string[]).sort()).toEqual(['@acme/core', '@acme/web']);
      const web = await ws.nx(['show', 'project', '@acme/web', '--json']);
      if (web.code !== 0) throw new Error(web.output);
      // The npm → npm edge is Nx's own (package.json): with `workspace:^` too.
      expect(JSON.parse(web.stdout).targets.publish.dependsOn).toEqual([expect.objectContaining({ target: 'publish', projects: ['@acme/core'] })]);
    });

    it('nx run-many -t readiness writes the artifact (blocked outside CI), seeing the package manager', async () => {
      const result = await timed('readiness', () => ws.nx(['run-many', '-t', 'readiness'], withTools(world.env)));
      expect(result.code).not.toBe(0);
      const readiness = artifact('.monochange/readiness.json');
      expect(readiness.status).toBe('blocked');
      expect(readiness.packages.map((p: { ecosystem: string }) => p.ecosystem)).toEqual(['npm', 'npm']);
      const check = (pkg: string, id: string) => readiness.packages.find((p: { package: string }) => p.package === pkg).checks.find((c: { id: string }) => c.id === id);
      for (const entry of readiness.packages) {
        const failing = entry.checks.filter((c: { status: string }) => c.status === 'fail').map((c: { id: string }) => c.id);
        expect(failing).toContain('identity.provider');
      }
      const protocol = check('web', 'npm.workspace-protocol');
      expect(protocol.status).toBe('pass');
      expect(protocol.message).toContain(packageManager === 'pnpm' ? 'rewritten to real versions by `pnpm pack`' : 'no `workspace:`');
      expect(await world.uploads()).toEqual([]);
    });

    it('nx run-many -t publish in the GitHub job publishes both packages, dependency first, through the OIDC exchange', async () => {
      const result = await timed('publish', () => ws.nx(['run-many', '-t', 'publish', '--parallel=3'], withTools(world.ciEnv())));
      if (result.code !== 0) throw new Error(result.output);
      const uploads = await world.uploads();
      expect(uploads.map((u) => `${u.registry}:${u.name}@${u.version}`).sort()).toEqual(['npm:@acme/core@1.0.0', 'npm:@acme/web@1.0.0']);
      const at = (name: string) => uploads.find((u) => u.name === name)!.at;
      expect(at('@acme/core')).toBeLessThan(at('@acme/web'));
      expect(world.npm.proxy.exchanges.filter((e) => e.ok).map((e) => e.name).sort()).toEqual(['@acme/core', '@acme/web']);
      const published = artifact('.monochange/publish-result.json');
      expect(published.identity).toMatchObject({ provider: 'github_actions', verified: true, repository: 'acme/widgets' });
      expect(published.packages.map((p: { status: string }) => p.status)).toEqual(['published', 'published']);
      if (packageManager === 'pnpm') {
        for (const p of published.packages) expect(p.command).toMatch(/^pnpm pack --pack-destination \S+ && npm publish \S+\.tgz /);
      }
      // What a consumer installs: the manifest Verdaccio stores for @acme/web 1.0.0.
      const res = await fetch(`${world.npm.verdaccio.url}/@acme%2fweb`);
      expect(res.status).toBe(200);
      const packument = (await res.json()) as { versions: Record<string, { dependencies?: Record<string, string> }> };
      expect(packument.versions['1.0.0'].dependencies).toEqual({ '@acme/core': '^1.0.0' });
    });

    it('re-running the publish job uploads nothing: every package is skipped_existing', async () => {
      const before = (await world.uploads()).length;
      const exchanges = world.npm.proxy.exchanges.length;
      const result = await timed('re-run', () => ws.nx(['run-many', '-t', 'publish', '--parallel=3'], withTools(world.ciEnv())));
      if (result.code !== 0) throw new Error(result.output);
      expect((await world.uploads()).length).toBe(before);
      expect(world.npm.proxy.exchanges.length).toBe(exchanges);
      const entries = artifact('.monochange/publish-result.json').packages as Array<{ status: string }>;
      expect(entries.map((e) => e.status)).toEqual(['skipped_existing', 'skipped_existing']);
    });
  });
});
