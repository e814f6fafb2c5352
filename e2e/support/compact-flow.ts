import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parse } from 'smol-toml';
import { initGitRepo, startRegistryWorld, type RegistryWorld, type WorldUpload } from '../../test-utils/registry-world';
import { createNxWorkspace, nxEnv, type PackageManager, type Workspace } from './nx-workspace';
import type { PnpmTool } from './pnpm-tool';
import type { RunResult } from './run';
import { sampleWorkspaceFiles } from './sample-workspace';

/**
 * The compact publish flow of the compatibility matrix, for the sample's two npm packages
 * (@acme/core ← @acme/web) in one Nx version + package manager: generators, `nx show projects`,
 * readiness in a plain shell, publish in the simulated GitHub job, and the re-run. The steps run
 * one after the other in the background as soon as the flow starts (so two flows overlap) and
 * record what they observed; the spec asserts on the records.
 */
export interface CompactCase {
  title: string;
  nxVersion: string;
  packageManager: PackageManager;
  /** The range `@acme/web` declares for `@acme/core` (`workspace:^` in the pnpm workspace). */
  coreRange: string;
}

export interface Installed {
  /** node_modules/nx. */
  nx: string;
  /** The @nx/devkit the installed plugin resolves, and the nx that devkit resolves in turn. */
  devkit: string;
  nxFromDevkit: string;
  lockfiles: string[];
}

export interface Readiness {
  result: RunResult;
  artifact: ArtifactOf<{ package: string; ecosystem: string; checks: Array<{ id: string; status: string; message: string }> }>;
  uploads: WorldUpload[];
}

export interface Published {
  result: RunResult;
  artifact: ArtifactOf<{ package: string; status: string; command?: string }>;
  uploads: WorldUpload[];
  exchanges: Array<{ name: string; ok: boolean }>;
  /** Verdaccio's packument of @acme/web: what a consumer installs. */
  webPackument: { status: number; body: { versions?: Record<string, { dependencies?: Record<string, string> }> } };
}

interface ArtifactOf<Entry> {
  status?: string;
  identity?: Record<string, unknown>;
  packages: Entry[];
}

export interface CompactFlow {
  installed: Promise<Installed>;
  /** The package types/paths monochange.toml declares, `nx show projects --json`, `nx show project @acme/web --json`. */
  projects: Promise<{ declared: string[]; shown: RunResult; web: RunResult }>;
  readiness: Promise<Readiness>;
  publish: Promise<Published>;
  rerun: Promise<Published>;
  /** `<step> <seconds>s` per step so far. */
  timings: string[];
  /** Waits for every step, stops the registry world, removes the workspace. */
  close(): Promise<void>;
}

export function startCompactFlow(c: CompactCase, tools: { tarball: string; pnpm?: Promise<PnpmTool> }): CompactFlow {
  const timings: string[] = [];
  const timed = async <T>(step: string, fn: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    try {
      return await fn();
    } finally {
      timings.push(`${step} ${((Date.now() - started) / 1000).toFixed(1)}s`);
    }
  };
  let world: RegistryWorld | undefined;
  let ws: Workspace | undefined;
  let pnpm: PnpmTool | undefined;

  const ready = (async () => {
    if (c.packageManager === 'pnpm') pnpm = await tools.pnpm;
    world = await timed('registry world', () => startRegistryWorld());
    ws = await timed(`${c.packageManager} install`, () =>
      createNxWorkspace({
        tarball: tools.tarball,
        files: npmPackagesOfSample(c.coreRange),
        name: `mc-compat-${c.packageManager}`,
        nxVersion: c.nxVersion,
        packageManager: c.packageManager,
        pnpm: pnpm?.bin,
      }),
    );
    const workspace = ws;
    const generators = await timed('init + trusted-publishing generators', async () => {
      const init = await workspace.nx(['g', '@monochange/nx:init', '--no-interactive']);
      if (init.code !== 0) return init;
      return workspace.nx([
        'g',
        '@monochange/nx:trusted-publishing',
        '--repository=acme/widgets',
        '--environment=release',
        '--provenance=false',
        '--trigger=tag',
        '--no-interactive',
      ]);
    });
    if (generators.code !== 0) throw new Error(`generators failed in ${c.title}:\n${generators.output}`);
    // The loopback issuer stands in for token.actions.githubusercontent.com.
    const text = ws.read('monochange.toml');
    ws.write('monochange.toml', /^\[source\]/m.test(text) ? `${text}\n[source.oidc]\nissuer = "${world.issuer.url}"\n` : `${world.sourceToml()}\n${text}`);
    initGitRepo(ws.root, world.go.originUrl);
    return { world, ws };
  })();

  /** pnpm first on PATH (the plugin packs with it), then the world's stand-ins and the machine's PATH. */
  const withTools = (env: Record<string, string>): NodeJS.ProcessEnv => nxEnv({ ...env, PATH: pnpm ? `${pnpm.binDir}${path.delimiter}${env.PATH}` : env.PATH });
  const artifact = <T>(w: Workspace, rel: string): T => JSON.parse(w.read(rel)) as T;

  const installed = ready.then(({ ws: w }) => {
    // Resolved as Node resolves them at run time.
    const fromPlugin = createRequire(path.join(w.root, 'node_modules', '@monochange', 'nx', 'package.json'));
    const devkitJson = fromPlugin.resolve('@nx/devkit/package.json');
    return {
      nx: w.nxVersion,
      devkit: versionOf(devkitJson),
      nxFromDevkit: versionOf(createRequire(devkitJson).resolve('nx/package.json')),
      lockfiles: ['package-lock.json', 'pnpm-lock.yaml'].filter((f) => fs.existsSync(path.join(w.root, f))),
    };
  });

  const projects = ready.then(({ ws: w }) =>
    timed('show projects', async () => {
      const config = parse(w.read('monochange.toml')) as { package: Record<string, { path: string; type: string }> };
      const declared = Object.values(config.package)
        .map((p) => `${p.type}:${p.path}`)
        .sort();
      const shown = await w.nx(['show', 'projects', '--json']);
      const web = await w.nx(['show', 'project', '@acme/web', '--json']);
      return { declared, shown, web };
    }),
  );

  const readiness = projects.then(async () => {
    const { ws: w, world: wd } = await ready;
    const result = await timed('readiness', () => w.nx(['run-many', '-t', 'readiness'], withTools(wd.env)));
    return { result, artifact: artifact<Readiness['artifact']>(w, '.monochange/readiness.json'), uploads: await wd.uploads() };
  });

  const publishStep = (step: string) => async (): Promise<Published> => {
    const { ws: w, world: wd } = await ready;
    const result = await timed(step, () => w.nx(['run-many', '-t', 'publish', '--parallel=3'], withTools(wd.ciEnv())));
    const res = await fetch(`${wd.npm.verdaccio.url}/@acme%2fweb`);
    return {
      result,
      artifact: artifact<Published['artifact']>(w, '.monochange/publish-result.json'),
      uploads: await wd.uploads(),
      exchanges: wd.npm.proxy.exchanges.map((e) => ({ name: e.name, ok: e.ok })),
      webPackument: { status: res.status, body: (await res.json()) as Published['webPackument']['body'] },
    };
  };
  const publish = readiness.then(publishStep('publish'));
  const rerun = publish.then(publishStep('re-run'));

  const steps = [ready, installed, projects, readiness, publish, rerun];
  // The spec awaits each step; a failed one must not also surface as an unhandled rejection.
  for (const step of steps) step.catch(() => undefined);

  return {
    installed,
    projects,
    readiness,
    publish,
    rerun,
    timings,
    async close() {
      await Promise.allSettled(steps);
      await world?.stop();
      ws?.remove();
    },
  };
}

/** The sample's npm packages and its LICENSE, with `@acme/web` → `@acme/core` at `coreRange`. */
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
