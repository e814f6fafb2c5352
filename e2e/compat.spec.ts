import { startCompactFlow, type CompactCase, type CompactFlow } from './support/compact-flow';
import { packPlugin } from './support/plugin-tarball';
import { installPnpm, type PnpmTool } from './support/pnpm-tool';
import { npmRegistryProblem } from './support/registry-reachable';

/**
 * The compatibility matrix beside the full flow (Nx 23.2.1 + npm workspaces, publish-flow.spec.ts):
 * the compact flow of support/compact-flow.ts in
 *   - Nx 24.0.6 with npm workspaces: the plugin keeps its own @nx/devkit 23.2.1 on top of nx 24;
 *   - Nx 23.2.1 with a pnpm 10 workspace: `@acme/web` depends on `workspace:^`, which pnpm's pack
 *     must turn into a real range before npm publishes the tarball (and does the OIDC exchange).
 * Both flows run at once, each against its own registry world. Both need installs from the npm
 * registry (nx 24 and pnpm are not in npm's cache after `npm ci`): without it the file is skipped.
 */
jest.setTimeout(600_000);

const NX24 = '24.0.6';
const NX23 = '23.2.1';
const PNPM = 'pnpm@10';

const CASES: CompactCase[] = [
  { title: `Nx ${NX24} + npm workspaces`, nxVersion: NX24, packageManager: 'npm', coreRange: '^1.0.0' },
  { title: `Nx ${NX23} + pnpm 10 workspace`, nxVersion: NX23, packageManager: 'pnpm', coreRange: 'workspace:^' },
];

const unreachable = npmRegistryProblem([`nx@${NX24}`, PNPM]);
if (unreachable) process.stderr.write(`compat e2e SKIPPED: the npm registry cannot be reached for the nx ${NX24} / ${PNPM} installs: ${unreachable}\n`);
const matrix = unreachable ? describe.skip : describe;
const matrixTitle = unreachable ? `compatibility matrix (SKIPPED: npm registry unreachable for the nx ${NX24} / ${PNPM} installs)` : 'compatibility matrix';

matrix(matrixTitle, () => {
  let pnpm: Promise<PnpmTool> | undefined;
  const flows = new Map<string, CompactFlow>();

  beforeAll(() => {
    // npm installs pnpm in its own process while the plugin builds.
    pnpm = installPnpm(PNPM);
    pnpm.catch(() => undefined); // awaited by the pnpm flow
    const started = Date.now();
    const tarball = packPlugin();
    process.stderr.write(`compat e2e: plugin tarball ready in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
    for (const c of CASES) flows.set(c.title, startCompactFlow(c, { tarball, pnpm }));
  });

  afterAll(async () => {
    for (const [title, flow] of flows) {
      await flow.close();
      process.stderr.write(`compat e2e, ${title}: ${flow.timings.join(', ')}\n`);
    }
    (await pnpm?.catch(() => undefined))?.remove();
  });

  describe.each(CASES)('$title', ({ title, nxVersion, packageManager }) => {
    const flow = () => flows.get(title)!;

    it(`installs nx ${nxVersion}; the plugin runs on it with its own @nx/devkit 23.2.1`, async () => {
      const installed = await flow().installed;
      expect(installed).toEqual({
        nx: nxVersion,
        devkit: '23.2.1',
        nxFromDevkit: nxVersion,
        lockfiles: [packageManager === 'pnpm' ? 'pnpm-lock.yaml' : 'package-lock.json'],
      });
    });

    it('nx show projects lists the declared packages; @acme/web publishes after @acme/core', async () => {
      const { declared, shown, web } = await flow().projects;
      expect(declared).toEqual(['npm:packages/core', 'npm:packages/web']);
      if (shown.code !== 0) throw new Error(shown.output);
      expect((JSON.parse(shown.stdout) as string[]).sort()).toEqual(['@acme/core', '@acme/web']);
      if (web.code !== 0) throw new Error(web.output);
      // The npm → npm edge is Nx's own (from package.json), `workspace:^` included.
      expect(JSON.parse(web.stdout).targets.publish.dependsOn).toEqual([expect.objectContaining({ target: 'publish', projects: ['@acme/core'] })]);
    });

    it('nx run-many -t readiness writes the artifact (blocked outside CI) and sees the package manager', async () => {
      const { result, artifact, uploads } = await flow().readiness;
      expect(result.code).not.toBe(0);
      expect(artifact.status).toBe('blocked');
      expect(artifact.packages.map((p) => `${p.ecosystem}:${p.package}`).sort()).toEqual(['npm:core', 'npm:web']);
      const check = (pkg: string, id: string) => artifact.packages.find((p) => p.package === pkg)!.checks.find((c) => c.id === id);
      for (const pkg of ['core', 'web']) expect(check(pkg, 'identity.provider')?.status).toBe('fail');
      expect(check('web', 'npm.workspace-protocol')).toMatchObject({
        status: 'pass',
        message: packageManager === 'pnpm' ? expect.stringContaining('rewritten to real versions by `pnpm pack`') : 'no `workspace:` or `catalog:` ranges',
      });
      // A pnpm workspace also needs pnpm itself (it packs); an npm one does not.
      if (packageManager === 'pnpm')
        expect(check('core', 'tools.pnpm')).toMatchObject({ status: 'pass', message: expect.stringMatching(/^pnpm 10\.\d+\.\d+ found$/) });
      else expect(check('core', 'tools.pnpm')).toBeUndefined();
      expect(uploads).toEqual([]);
    });

    it('nx run-many -t publish in the GitHub job publishes both, dependency first, through the OIDC exchange', async () => {
      const { result, artifact, uploads, exchanges, webPackument } = await flow().publish;
      if (result.code !== 0) throw new Error(result.output);
      expect(uploads.map((u) => `${u.registry}:${u.name}@${u.version}`).sort()).toEqual(['npm:@acme/core@1.0.0', 'npm:@acme/web@1.0.0']);
      const at = (name: string) => uploads.find((u) => u.name === name)!.at;
      expect(at('@acme/core')).toBeLessThan(at('@acme/web'));
      expect(
        exchanges
          .filter((e) => e.ok)
          .map((e) => e.name)
          .sort(),
      ).toEqual(['@acme/core', '@acme/web']);
      expect(artifact.identity).toMatchObject({ provider: 'github_actions', verified: true, repository: 'acme/widgets' });
      expect(artifact.packages.map((p) => p.status)).toEqual(['published', 'published']);
      if (packageManager === 'pnpm') {
        for (const p of artifact.packages)
          expect(p.command).toMatch(/^pnpm pack --pack-destination \S+ && npm publish \S+\.tgz --ignore-scripts --access public /);
      }
      // What a consumer installs: a real range, never `workspace:^`.
      expect(webPackument.status).toBe(200);
      expect(webPackument.body.versions?.['1.0.0']?.dependencies).toEqual({ '@acme/core': '^1.0.0' });
    });

    it('re-running the publish job uploads nothing: every package is skipped_existing', async () => {
      const first = await flow().publish;
      const { result, artifact, uploads, exchanges } = await flow().rerun;
      if (result.code !== 0) throw new Error(result.output);
      expect(uploads).toEqual(first.uploads);
      expect(exchanges).toEqual(first.exchanges);
      expect(artifact.packages.map((p) => p.status)).toEqual(['skipped_existing', 'skipped_existing']);
    });
  });
});
