import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { nxEnv } from '../e2e/support/nx-workspace';
import { loadConfig } from '../src/core/config';
import { registryStateCheck } from '../src/core/readiness/core-checks';
import type { ReadinessContext } from '../src/core/readiness/types';
import { npmRegistry } from '../src/core/registries/npm';
import { resolveTarget, type PackageTarget } from '../src/core/run/target';
import { HttpClient } from '../src/core/util/http';
import type { Benchmark } from './support/context';
import { npmPackages } from './support/generate';
import { formatMs, median, sideBySide, type Contender } from './support/measure';
import { startNpmBenchWorld } from './support/npm-bench-world';
import { npmViewLoop } from './support/npm-cli';
import { markdownTable, timingTable } from './support/report';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The core API for scripts (`checkReadiness`) exists in this install of the plugin (not in builds before it). */
function hasCoreApi(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'node_modules', '@monochange', 'nx', 'dist', 'core', 'api'));
}

interface ReadinessArtifact {
  packages: Array<{ status: string; checks: Array<{ id: string; status: string }> }>;
}

/**
 * Readiness lookups over N npm packages in Verdaccio (half already published at their version,
 * half published only at an older one): the plugin through Nx, the plugin's executors in one
 * process without Nx, the core registry-state check with one shared HttpClient, and `npm view`
 * per package as `nx release publish` checks.
 */
export const readinessBench: Benchmark = {
  name: 'readiness',
  description: 'readiness lookups for N npm packages vs a loop of `npm view`',
  async run(ctx) {
    const count = ctx.quick ? 20 : 200;
    const parallel = 4;
    const reps = ctx.reps(3);
    const toolchain = await ctx.toolchain();
    const packages = npmPackages(count, { prefix: 'r' });
    // Even-numbered packages are on the registry at their version; the others only at 0.9.0.
    const { ws, world, stop } = await startNpmBenchWorld(toolchain, {
      name: 'mc-bench-readiness',
      packages,
      seedVersion: (p, i) => (i % 2 === 0 ? p.version : '0.9.0'),
    });
    try {
      const published = Math.ceil(count / 2);
      const ci = nxEnv(world.ciEnv());
      const artifact = path.join(ws.root, '.monochange', 'readiness.json');
      const expectStatuses = () => {
        const read = JSON.parse(fs.readFileSync(artifact, 'utf8')) as ReadinessArtifact;
        const byStatus = countBy(read.packages.map((p) => p.status));
        if (read.packages.length !== count || byStatus.already_published !== published || byStatus.ready !== count - published) {
          const failing = countBy(read.packages.flatMap((p) => p.checks.filter((c) => c.status === 'fail').map((c) => c.id)));
          throw new Error(
            `readiness.json: expected ${published} already_published and ${count - published} ready of ${count}, got ${JSON.stringify(byStatus)}; failing checks ${JSON.stringify(failing)}`,
          );
        }
      };
      const clearArtifact = () => fs.rmSync(artifact, { force: true });

      // Core path: targets resolved once (untimed), then the lookups with one shared HttpClient.
      const config = loadConfig(ws.root);
      const targets: PackageTarget[] = config.packages.map((pkg) => resolveTarget(config, pkg, pkg.id));
      const lookupEnv = { MONOCHANGE_NPM_REGISTRY_URL: world.npm.url };
      const newHttp = () => new HttpClient({ timeoutMs: config.lookup.timeoutMs, retries: config.lookup.retries, concurrency: config.lookup.concurrency });
      let corePublished = 0;

      const contenders: Contender[] = [
        {
          name: 'nx run-many -t readiness (CI job; default: one batch process)',
          before: clearArtifact,
          run: async () => {
            await ws.nxOk(['run-many', '-t', 'readiness', '--output-style=static'], ci);
          },
          after: expectStatuses,
        },
        {
          name: `nx run-many -t readiness --batch=false --parallel=${parallel} (CI job; a process per task)`,
          before: clearArtifact,
          run: async () => {
            await ws.nxOk(['run-many', '-t', 'readiness', '--batch=false', `--parallel=${parallel}`, '--output-style=static'], ci);
          },
          after: expectStatuses,
        },
        ...(hasCoreApi(toolchain.dir)
          ? [
              {
                name: 'a script: node + @monochange/nx/core checkReadiness (CI job; no Nx)',
                before: clearArtifact,
                run: async () => {
                  const script =
                    "require('@monochange/nx/core').checkReadiness({ root: process.cwd(), log: () => {} }).then(() => process.exit(0), (e) => { console.error(e.message); process.exit(1); })";
                  await execFileAsync(process.execPath, ['-e', script], { cwd: ws.root, env: ci });
                },
                after: expectStatuses,
              },
            ]
          : []),
        {
          name: 'nx show projects (graph only, for scale)',
          run: async () => {
            await ws.nxOk(['show', 'projects'], ci);
          },
        },
        {
          name: `core: registryStateCheck ×${count}, shared HttpClient`,
          run: async () => {
            const http = newHttp();
            const states = await Promise.all(
              targets.map(async (target) => {
                const state: ReadinessContext['state'] = {};
                await registryStateCheck({ config, target, env: lookupEnv, http, state } as unknown as ReadinessContext);
                return state;
              }),
            );
            corePublished = states.filter((s) => s.exists).length;
          },
          after: () => expectCount('registryStateCheck', corePublished, published),
        },
        {
          name: `core: npmRegistry.versionExists ×${count}, shared HttpClient`,
          run: async () => {
            const http = newHttp();
            const exists = await Promise.all(targets.map((t) => npmRegistry.versionExists(t.manifest, t.version, { env: lookupEnv, http })));
            corePublished = exists.filter(Boolean).length;
          },
          after: () => expectCount('versionExists', corePublished, published),
        },
        {
          name: `npm view <name>@<version> version ×${count} (loop)`,
          run: async () => {
            const { found } = await npmViewLoop(packages, ci, ws.root);
            expectCount('npm view', found, published);
          },
        },
      ];

      ctx.log(`readiness: ${count} packages (${published} already published); warm-up of the in-process contenders…`);
      await sideBySide(
        contenders.filter((c) => c.name.startsWith('core:')),
        1,
        ctx.log,
      );
      const samples = await sideBySide(contenders, reps, ctx.log);
      const loop = samples[samples.length - 1].name;
      const perPackage = markdownTable(
        ['contender', 'median per package'],
        samples.map((s) => [s.name, formatMs(median(s.ms) / count)]),
      );
      return {
        title: `1. Readiness lookups: ${count} npm packages in Verdaccio (${published} already published at their version)`,
        blocks: [
          timingTable(samples, loop, 'speedup'),
          perPackage,
          [
            `Side by side, ${reps} repetitions, order rotated per repetition (one untimed warm-up of the in-process core rows only: the slow rows take minutes each). Registry: Verdaccio behind the world's npm OIDC proxy on 127.0.0.1.`,
            `The Nx run and the in-process executor run are in the simulated GitHub Actions job (\`world.ciEnv()\`: verified OIDC identity, ${count - published} packages \`ready\`, ${published} \`already_published\`; each run checks readiness.json says so).`,
            `\`npm view\` runs with the job's npm config (same registry URL, the world's npm cache) one package after the other, as \`nx release publish\` asks per package.`,
            'The readiness executor runs in Nx batch mode by default (`preferBatch`): one process checks every package of the run, sharing the config, the verified OIDC identity, the HTTP pool, tool versions (the npm version read from its install, not by starting npm) and one `npm pack --dry-run` for all npm packages; in CI `npm whoami` runs only when npm has a credential configured. `--batch=false` makes Nx fork a process per task (node start, loading the executor, OIDC token + verification, `npm --version`, `npm pack --dry-run`, config and artifact merge each time). The `nx show projects` row is the graph alone.',
            'The core rows time only the lookups: config and targets are resolved once, untimed; `registryStateCheck` asks twice for a version not yet published (the version, then any version).',
          ].join('\n'),
        ],
      };
    } finally {
      await stop();
    }
  },
};

function countBy(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

function expectCount(what: string, got: number, expected: number): void {
  if (got !== expected) throw new Error(`${what}: found ${got} published versions, expected ${expected}`);
}
