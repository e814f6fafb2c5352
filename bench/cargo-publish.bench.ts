import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { nxEnv } from '../e2e/support/nx-workspace';
import { run } from '../e2e/support/run';
import { initGitRepo, startRegistryWorld } from '../test-utils/registry-world';
import { createBenchWorkspace } from './support/bench-workspace';
import type { Benchmark } from './support/context';
import { sideBySide, type Contender } from './support/measure';
import { timingTable } from './support/report';
import { FLOOR_TARGET, floorBound, writeFloorExecutor } from './support/floor';

/**
 * Publishing N crates in three dependency layers to the loopback crates.io with real `cargo`, from
 * the simulated GitHub Actions job (CARGO_REGISTRY_TOKEN as crates-io-auth-action leaves it): the
 * plugin's publish targets against a raw `cargo publish` loop in dependency order, same crates, same
 * index. Every run publishes a new version (1.0.k) of every crate, so both really upload.
 */
export const cargoPublishBench: Benchmark = {
  name: 'cargo-publish',
  description: 'nx run-many -t publish vs a raw cargo publish loop (crates.io, real cargo)',
  async run(ctx) {
    const count = ctx.quick ? 6 : 12;
    const parallel = 4;
    const reps = ctx.reps(3);
    const toolchain = await ctx.toolchain();
    const crates = layeredCrates(count);
    const ws = createBenchWorkspace(toolchain, { name: 'mc-bench-cargo', files: crateFiles(crates, '1.0.0'), plugins: ['@monochange/nx'], workspaces: [] });
    const world = await startRegistryWorld({ workspaceRoot: ws.root });
    try {
      ws.write('monochange.toml', monochangeToml(world.sourceToml(), crates));
      execFileSync('cargo', ['generate-lockfile', '--offline'], { cwd: ws.root, stdio: 'ignore' });
      // Nx's floor target on each crate's project (project.json named as the plugin names the crate).
      writeFloorExecutor(ws.write);
      // As in any Cargo repository: cargo's build and package output (copies of each crate, project.json included) is not source.
      ws.write('.gitignore', `${ws.read('.gitignore')}target\n`);
      for (const c of crates) ws.write(`${c.dir}/project.json`, `${JSON.stringify({ name: c.name, targets: FLOOR_TARGET }, null, 2)}\n`);
      initGitRepo(ws.root, world.go.originUrl);
      let patch = 0;
      let version = '';
      let env: NodeJS.ProcessEnv = {};
      const prepare = () => {
        patch++;
        version = `1.0.${patch}`;
        for (const [rel, text] of Object.entries(crateFiles(crates, version))) ws.write(rel, text);
        execFileSync('cargo', ['generate-lockfile', '--offline'], { cwd: ws.root, stdio: 'ignore', env: { ...process.env, CARGO_HOME: world.env.CARGO_HOME } });
        const git = (...args: string[]) => execFileSync('git', args, { cwd: ws.root, stdio: 'ignore' });
        git('add', '-A');
        git('commit', '-q', '-m', `release ${version}`);
        env = nxEnv(world.ciEnv());
        // Each run starts with an empty upload log: the plugin paces crates.io uploads to its 10 per
        // minute, which the reps of a benchmark (not the loopback registry) would otherwise trip.
        fs.rmSync(path.join(ws.root, '.monochange', 'rate-limits.json'), { force: true });
      };
      const uploaded = () => {
        const got = new Set(
          world.crates
            .published()
            .filter((c) => c.vers === version)
            .map((c) => c.name),
        );
        const missing = crates.filter((c) => !got.has(c.name));
        if (missing.length) throw new Error(`${missing.length} crate(s) not uploaded at ${version}: ${missing.map((c) => c.name).join(', ')}`);
      };
      const contenders: Contender[] = [
        {
          name: `nx run-many -t publish --parallel=${parallel} (@monochange/nx)`,
          before: prepare,
          run: async () => {
            await ws.nxOk(['run-many', '-t', 'publish', `--parallel=${parallel}`, '--output-style=static'], env);
          },
          after: uploaded,
        },
        {
          name: `Nx floor: nx run-many -t floor --parallel=${parallel} (a batch executor that does nothing)`,
          before: prepare,
          run: async () => {
            await ws.nxOk(['run-many', '-t', 'floor', `--parallel=${parallel}`, '--output-style=static'], env);
          },
        },
        {
          name: 'raw cargo publish, one crate at a time in dependency order',
          before: prepare,
          run: async () => {
            const index = `sparse+${world.crates.indexUrl}/`;
            for (const c of crates) {
              const result = await run('cargo', ['publish', '--locked', '--registry', 'bench', '--manifest-path', path.join(ws.root, c.dir, 'Cargo.toml')], {
                cwd: ws.root,
                env: { ...env, CARGO_REGISTRIES_BENCH_INDEX: index, CARGO_REGISTRIES_BENCH_TOKEN: env.CARGO_REGISTRY_TOKEN },
                timeoutMs: 600_000,
              });
              if (result.code !== 0) throw new Error(`cargo publish ${c.name} failed:\n${result.output.slice(-3000)}`);
            }
          },
          after: uploaded,
        },
      ];
      ctx.log(`cargo-publish: ${count} crates in 3 layers, ${reps} repetitions…`);
      const measured = await sideBySide(contenders, reps, ctx.log);
      const raw = measured[2];
      const samples = [...measured, floorBound(measured[1], raw, 'raw cargo')];
      return {
        title: `3. Publish: ${count} crates in three dependency layers to a loopback crates.io, real cargo, simulated GitHub Actions job`,
        blocks: [
          timingTable(samples, raw.name, 'relative'),
          [
            `Side by side, ${reps} repetitions, order rotated per repetition. Before each run (untimed) every crate gets a new version 1.0.k (dependency requirements too), Cargo.lock is regenerated and committed; after each run the registry must hold all ${count} crates at that version.`,
            '`Nx floor` runs a target whose batch executor returns success for every task at once (same projects, same `dependsOn` graph, our plugin loaded for the graph): what Nx itself costs for a batch run. Added to the raw loop per repetition it is the bound no plugin running inside Nx can beat.',
            "@monochange/nx verifies all the crates of the run with one `cargo publish --dry-run -p <crate>…` (build scripts run without any token; each crate builds against the others' packaged sources), then uploads each with `cargo publish --no-verify` and the job's CARGO_REGISTRY_TOKEN in the environment; the raw loop runs `cargo publish` (verify + upload in one) per crate in dependency order.",
          ].join('\n'),
        ],
      };
    } finally {
      await world.stop();
      ws.remove();
    }
  },
};

interface LayeredCrate {
  name: string;
  dir: string;
  deps: string[];
}

/** `count` crates in three layers: each crate of a layer depends on one crate of the layer before. */
function layeredCrates(count: number): LayeredCrate[] {
  const perLayer = Math.ceil(count / 3);
  const crates: LayeredCrate[] = [];
  for (let i = 0; i < count; i++) {
    const layer = Math.floor(i / perLayer);
    const name = `bench-cargo-${String(i + 1).padStart(2, '0')}`;
    const deps = layer === 0 ? [] : [crates[(layer - 1) * perLayer + (i % perLayer)]?.name ?? crates[0].name];
    crates.push({ name, dir: `crates/${name}`, deps });
  }
  return crates;
}

function crateFiles(crates: LayeredCrate[], version: string): Record<string, string> {
  const files: Record<string, string> = {
    'Cargo.toml':
      '[workspace]\nresolver = "2"\nmembers = ["crates/*"]\n\n[workspace.package]\nlicense = "MIT"\nedition = "2021"\nrepository = "https://github.com/acme/widgets"\n',
  };
  for (const c of crates) {
    const deps = c.deps.map((d) => `${d} = { path = "../${d}", version = "${version}" }`).join('\n');
    files[`${c.dir}/Cargo.toml`] =
      `[package]\nname = "${c.name}"\nversion = "${version}"\ndescription = "benchmark crate"\nlicense.workspace = true\nedition.workspace = true\nrepository.workspace = true\n${deps ? `\n[dependencies]\n${deps}\n` : ''}`;
    files[`${c.dir}/src/lib.rs`] = 'pub fn answer() -> u32 {\n    42\n}\n';
  }
  return files;
}

function monochangeToml(source: string, crates: LayeredCrate[]): string {
  const parts = [source, ...crates.map((c) => `[package.${c.name}]\npath = "${c.dir}"\ntype = "cargo"\n`)];
  parts.push('[ecosystems.cargo.publish.trusted_publishing]\nenabled = true\nrepository = "acme/widgets"\nworkflow = "publish.yml"\nenvironment = "release"\n');
  return parts.join('\n');
}
