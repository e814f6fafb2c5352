import { nxEnv } from '../e2e/support/nx-workspace';
import type { RegistryWorld } from '../test-utils/registry-world';
import { setPlugins, type PluginEntry } from './support/bench-workspace';
import type { Benchmark } from './support/context';
import { npmPackages, type GeneratedNpmPackage } from './support/generate';
import { sideBySide, type Contender } from './support/measure';
import { bumpVersions, startNpmBenchWorld } from './support/npm-bench-world';
import { npmPublishPool } from './support/npm-cli';
import { timingTable } from './support/report';
import { FLOOR_TARGET, floorBound, writeFloorExecutor } from './support/floor';

/**
 * Publishing N npm packages in three dependency layers from the simulated GitHub Actions job
 * (npm's OIDC exchange through the world's proxy, trusted publishing): the plugin's publish
 * targets, `nx release publish` (Nx's own @nx/js executor), and a 4-way pool of raw `npm publish`.
 * Every run publishes a new version (1.0.k) of every package, so every contender really uploads.
 */
export const publishBench: Benchmark = {
  name: 'publish',
  description: 'nx run-many -t publish vs nx release publish vs raw npm publish',
  async run(ctx) {
    const count = ctx.quick ? 12 : 60;
    const parallel = 4;
    const reps = ctx.reps(3);
    const toolchain = await ctx.toolchain();
    const packages = npmPackages(count, { prefix: 'p', layers: 3 });
    // Every package exists already (as trusted publishing on npm requires); runs add versions.
    const { ws, world, stop } = await startNpmBenchWorld(toolchain, { name: 'mc-bench-publish', packages, seedVersion: () => '0.0.1' });
    try {
      let patch = 0;
      let version = '';
      let env: NodeJS.ProcessEnv = {};
      const prepare = (plugins: PluginEntry[]) => () => {
        patch++;
        version = `1.0.${patch}`;
        setPlugins(ws.write, plugins, { release: { projects: ['*'] } });
        bumpVersions(ws, packages, version);
        env = nxEnv(world.ciEnv());
      };
      const uploaded = () => expectUploads(world, packages, version);
      writeFloorExecutor(ws.write);
      const contenders: Contender[] = [
        {
          name: `nx run-many -t publish --parallel=${parallel} (@monochange/nx, one batch process)`,
          before: prepare(['@monochange/nx']),
          run: async () => {
            await ws.nxOk(['run-many', '-t', 'publish', `--parallel=${parallel}`, '--output-style=static'], env);
          },
          after: uploaded,
        },
        {
          name: `nx run-many -t publish --batch=false --parallel=${parallel} (@monochange/nx, a process per task)`,
          before: prepare(['@monochange/nx']),
          run: async () => {
            await ws.nxOk(['run-many', '-t', 'publish', '--batch=false', `--parallel=${parallel}`, '--output-style=static'], env);
          },
          after: uploaded,
        },
        {
          name: `nx release publish --parallel=${parallel} (@nx/js:release-publish)`,
          before: prepare([{ plugin: '@monochange/nx', options: { releasePublishTargetName: false } }]),
          run: async () => {
            await ws.nxOk(['release', 'publish', `--parallel=${parallel}`, '--output-style=static'], env);
          },
          after: uploaded,
        },
        {
          name: `Nx floor: nx run-many -t floor --parallel=${parallel} (a batch executor that does nothing)`,
          before: () => {
            prepare(['@monochange/nx'])();
            for (const p of packages) {
              const json = JSON.parse(ws.read(`${p.dir}/package.json`)) as Record<string, unknown>;
              ws.write(`${p.dir}/package.json`, `${JSON.stringify({ ...json, nx: { targets: FLOOR_TARGET } }, null, 2)}\n`);
            }
          },
          run: async () => {
            await ws.nxOk(['run-many', '-t', 'floor', `--parallel=${parallel}`, '--output-style=static'], env);
          },
        },
        {
          name: `raw npm publish, ${parallel} at a time, layer by layer`,
          before: prepare(['@monochange/nx']),
          run: () => npmPublishPool(ws.root, packages, { env, concurrency: parallel, registry: world.npm.url }),
          after: uploaded,
        },
      ];
      ctx.log(`publish: ${count} packages in 3 layers, ${reps} repetitions (no warm-up: each run takes minutes)…`);
      const measured = await sideBySide(contenders, reps, ctx.log);
      const raw = measured[4];
      const samples = [...measured, floorBound(measured[3], raw, 'raw npm')];
      return {
        title: `2. Publish: ${count} npm packages in three dependency layers, simulated GitHub Actions job, trusted publishing`,
        blocks: [
          timingTable(samples, raw.name, 'relative'),
          [
            `Side by side, ${reps} repetitions, order rotated per repetition (no warm-up run). Before each run (untimed) every package.json gets a new version 1.0.k and is committed, so each contender really uploads all ${count} packages; after each run the OIDC proxy's log must show ${count} accepted uploads of that version.`,
            '@monochange/nx runs as an Nx batch executor by default: one process publishes every package of the run, dependencies first, `--parallel` at a time (the identity is verified once and the HTTP pool shared). Package code never runs beside the OIDC variables: the batch packs the packages not yet on the registry with one `npm pack <dir>…` run per wave (first the packages with no dependency in the run, then the rest while the first upload), without those variables, then each package runs `npm publish <tarball> --ignore-scripts` with them. `--batch=false` is the same executor with a process per task (an `npm pack` of its own each).',
            "All contenders run in the same simulated job (`world.ciEnv()`): npm itself exchanges the job's OIDC token at the proxy in front of Verdaccio (no token anywhere), one OIDC exchange per package.",
            '`Nx floor` runs a target whose batch executor returns success for every task at once (same projects, same `dependsOn: ["^floor"]` graph, our plugin loaded for the graph): Nx start-up, graph, task graph, hooks and the batch process. Added to the raw pool per repetition it is the bound no plugin running inside Nx can beat.',
            "`nx release publish` uses Nx's own `@nx/js:release-publish` executor (nx.json: `releasePublishTargetName: false` for our plugin), which runs `npm view` and then `npm publish` per package; the raw pool publishes layer by layer so dependencies go first.",
          ].join('\n'),
        ],
      };
    } finally {
      await stop();
    }
  },
};

function expectUploads(world: RegistryWorld, packages: GeneratedNpmPackage[], version: string): void {
  const ok = new Set(
    world.npm.proxy.uploads.filter((u) => u.status >= 200 && u.status < 300 && (u.version ?? '').split(',').includes(version)).map((u) => u.name),
  );
  const missing = packages.filter((p) => !ok.has(p.name)).map((p) => p.name);
  if (missing.length) throw new Error(`${missing.length} package(s) not uploaded at ${version}: ${missing.slice(0, 5).join(', ')}`);
}
