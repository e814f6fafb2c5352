import fs from 'node:fs';
import path from 'node:path';
import { nxEnv } from '../e2e/support/nx-workspace';
import { createBenchWorkspace, setPlugins } from './support/bench-workspace';
import type { Benchmark } from './support/context';
import { cargoCrateFiles, monochangeToml, npmPackageFiles, npmPackages } from './support/generate';
import { formatMs, median, sideBySide, type Contender } from './support/measure';
import { markdownTable, timingTable } from './support/report';

/**
 * A plugin module that wraps `@monochange/nx` (or replays what it returned) and, when asked, writes
 * its results and its worker's CPU time. Nx runs each plugin in its own worker process, so
 * `process.cpuUsage()` at the end of createDependencies is that worker's whole CPU time: Nx's
 * worker start-up, loading the plugin, createNodes and createDependencies. The results are written
 * only in the recording run (MC_BENCH_RECORD): serialising 2,000 projects costs the worker ~60 ms,
 * which the stub does not pay.
 */
const PROBE = `'use strict';
const fs = require('node:fs');
const path = require('node:path');
const dir = process.env.MC_BENCH_OUT;
const dump = (name, value) => { if (dir && process.env.MC_BENCH_RECORD === '1') fs.writeFileSync(path.join(dir, name), JSON.stringify(value)); };
const cpu = (name) => { const u = process.cpuUsage(); if (dir) fs.writeFileSync(path.join(dir, name), JSON.stringify({ user: u.user / 1000, system: u.system / 1000 })); };
`;

const RECORDER = `${PROBE}
const real = require(process.env.MC_BENCH_PLUGIN || '@monochange/nx');
exports.createNodes = [real.createNodes[0], async (files, options, context) => {
  const result = await real.createNodes[1](files, options, context);
  dump('nodes.json', result);
  return result;
}];
exports.createNodesV2 = exports.createNodes;
exports.createDependencies = async (options, context) => {
  const result = await real.createDependencies(options, context);
  dump('deps.json', result);
  cpu('cpu-plugin.json');
  return result;
};
`;

/** Replays the recorded projects and edges: the floor of any plugin that gives Nx this graph. */
const STUB = `${PROBE}
const recorded = (root, name) => JSON.parse(fs.readFileSync(path.join(root, '.bench-stub', name), 'utf8'));
exports.createNodes = ['monochange.toml', (_files, _options, context) => recorded(context.workspaceRoot, 'nodes.json')];
exports.createNodesV2 = exports.createNodes;
exports.createDependencies = (_options, context) => {
  const deps = recorded(context.workspaceRoot, 'deps.json');
  cpu('cpu-stub.json');
  return deps;
};
`;

/**
 * Project-graph cost of the plugin: `nx show projects` in a workspace of N Cargo crates and N npm
 * packages (files only), with and without `@monochange/nx` in nx.json, and with a stub plugin that
 * returns the same projects, targets and edges instantly; cold each time (`nx reset`).
 */
export const graphBench: Benchmark = {
  name: 'graph',
  description: '`nx show projects` with and without the plugin, and with a stub giving the same graph (cold)',
  async run(ctx) {
    const count = ctx.quick ? 100 : 1000;
    const reps = ctx.reps(5);
    const toolchain = await ctx.toolchain();
    const npm = npmPackages(count, { prefix: 'g', layers: 10 });
    const cargo = cargoCrateFiles(count);
    const ws = createBenchWorkspace(toolchain, {
      name: 'mc-bench-graph',
      files: {
        ...npmPackageFiles(npm),
        ...cargo.files,
        'monochange.toml': monochangeToml({ npm, cargo: cargo.ids }),
      },
      plugins: [],
    });
    // Installed beside the plugin, as packages: Nx compiles a workspace-local plugin path with its
    // TypeScript transpiler first, which would cost the stub more than the plugin itself.
    const RECORDER_PKG = `mc-bench-recorder-${process.pid}`;
    const STUB_PKG = `mc-bench-stub-${process.pid}`;
    const installed = [RECORDER_PKG, STUB_PKG].map((name) => path.join(toolchain.dir, 'node_modules', name));
    // Another build of the plugin (an installed @monochange/nx package directory), timed in the same
    // rounds: before/after figures from one run.
    const baselineSource = process.env.MONOCHANGE_BENCH_BASELINE;
    const BASELINE_PKG = `mc-bench-baseline-${process.pid}`;
    if (baselineSource) {
      if (!fs.existsSync(path.join(baselineSource, 'package.json'))) throw new Error(`MONOCHANGE_BENCH_BASELINE: no package.json in ${baselineSource}`);
      const dir = path.join(toolchain.dir, 'node_modules', BASELINE_PKG);
      fs.cpSync(baselineSource, dir, { recursive: true, dereference: true });
      installed.push(dir);
    }
    for (const [dir, main] of [
      [installed[0], RECORDER],
      [installed[1], STUB],
    ] as const) {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name: path.basename(dir), version: '0.0.0', main: 'index.js' })}\n`);
      fs.writeFileSync(path.join(dir, 'index.js'), main);
    }
    const out = path.join(ws.root, '.bench-out');
    fs.mkdirSync(out, { recursive: true });
    const probeEnv = nxEnv({ MC_BENCH_OUT: out });
    try {
      const projectCounts: Record<string, number> = {};
      const fullToml = monochangeToml({ npm, cargo: cargo.ids });
      const emptyToml = monochangeToml({});

      // Untimed: record what the plugin gives Nx, for the stub to replay.
      setPlugins(ws.write, [RECORDER_PKG]);
      await ws.nxOk(['reset']);
      await ws.nxOk(['show', 'projects', '--json'], nxEnv({ MC_BENCH_OUT: out, MC_BENCH_RECORD: '1' }));
      fs.mkdirSync(path.join(ws.root, '.bench-stub'), { recursive: true });
      for (const file of ['nodes.json', 'deps.json']) fs.copyFileSync(path.join(out, file), path.join(ws.root, '.bench-stub', file));
      const recordedEdges = (JSON.parse(fs.readFileSync(path.join(out, 'deps.json'), 'utf8')) as unknown[]).length;

      // Cold: `nx reset` first (Nx's caches and the plugin's graph cache gone). Warm: after `nx reset`,
      // one untimed run, so the timed one is the next command in an unchanged workspace.
      const contender = (name: string, plugins: string[], options: { toml?: string; warm?: boolean } = {}): Contender => ({
        name,
        before: async () => {
          setPlugins(ws.write, plugins);
          ws.write('monochange.toml', options.toml ?? fullToml);
          await ws.nxOk(['reset']);
          if (options.warm) await ws.nxOk(['show', 'projects', '--json']);
        },
        run: async () => {
          const result = await ws.nxOk(['show', 'projects', '--json']);
          projectCounts[name] = (JSON.parse(result.stdout) as string[]).length;
        },
      });
      const WITH = 'with @monochange/nx';
      const STUBBED = 'with a stub plugin returning the same projects and edges';
      const WITH_WARM = 'with @monochange/nx, warm (second run: graph cache hit)';
      const STUBBED_WARM = 'with the stub, warm (second run)';
      const BASELINE = 'with the baseline build of @monochange/nx (MONOCHANGE_BENCH_BASELINE)';
      const BASELINE_WARM = 'with the baseline build, warm (second run)';
      const contenders = [
        contender('without the plugin', []),
        contender(WITH, ['@monochange/nx']),
        contender(STUBBED, [STUB_PKG]),
        contender('with @monochange/nx, no package declared (plugin load only)', ['@monochange/nx'], { toml: emptyToml }),
        contender(WITH_WARM, ['@monochange/nx'], { warm: true }),
        contender(STUBBED_WARM, [STUB_PKG], { warm: true }),
        ...(baselineSource ? [contender(BASELINE, [BASELINE_PKG]), contender(BASELINE_WARM, [BASELINE_PKG], { warm: true })] : []),
      ];
      ctx.log(`graph: ${count} crates + ${count} npm packages (${recordedEdges} plugin edges), warm-up run of each…`);
      await sideBySide(contenders, 1, ctx.log);
      const withPlugin = [WITH, STUBBED, WITH_WARM, STUBBED_WARM, ...(baselineSource ? [BASELINE, BASELINE_WARM] : [])];
      if (withPlugin.some((name) => projectCounts[name] !== 2 * count) || projectCounts['without the plugin'] !== count) {
        throw new Error(`unexpected project counts ${JSON.stringify(projectCounts)} (expected ${count} without and ${2 * count} with the plugin or the stub)`);
      }
      const samples = await sideBySide(contenders, reps, ctx.log);

      // CPU of the plugin worker process: the real plugin (through the recorder) and the stub, alternating.
      const cpuOf = async (plugin: string, file: string, warm = false, real?: string) => {
        setPlugins(ws.write, [plugin]);
        ws.write('monochange.toml', fullToml);
        const env = real ? nxEnv({ MC_BENCH_OUT: out, MC_BENCH_PLUGIN: real }) : probeEnv;
        await ws.nxOk(['reset']);
        if (warm) await ws.nxOk(['show', 'projects', '--json'], env);
        fs.rmSync(path.join(out, file), { force: true });
        const shown = await ws.nxOk(['show', 'projects', '--json'], env);
        if ((JSON.parse(shown.stdout) as string[]).length !== 2 * count) throw new Error(`${plugin}: expected ${2 * count} projects`);
        const u = JSON.parse(fs.readFileSync(path.join(out, file), 'utf8')) as { user: number; system: number };
        return u.user + u.system;
      };
      const cpu = {
        plugin: [] as number[],
        stub: [] as number[],
        pluginWarm: [] as number[],
        stubWarm: [] as number[],
        baseline: [] as number[],
        baselineWarm: [] as number[],
      };
      for (let rep = 0; rep < reps; rep++) {
        cpu.plugin.push(await cpuOf(RECORDER_PKG, 'cpu-plugin.json'));
        cpu.stub.push(await cpuOf(STUB_PKG, 'cpu-stub.json'));
        cpu.pluginWarm.push(await cpuOf(RECORDER_PKG, 'cpu-plugin.json', true));
        cpu.stubWarm.push(await cpuOf(STUB_PKG, 'cpu-stub.json', true));
        if (baselineSource) {
          cpu.baseline.push(await cpuOf(RECORDER_PKG, 'cpu-plugin.json', false, BASELINE_PKG));
          cpu.baselineWarm.push(await cpuOf(RECORDER_PKG, 'cpu-plugin.json', true, BASELINE_PKG));
        }
        const last = (values: number[]) => formatMs(values.at(-1)!);
        ctx.log(
          `cpu rep ${rep + 1}/${reps}: plugin worker ${last(cpu.plugin)} cold, ${last(cpu.pluginWarm)} warm; stub worker ${last(cpu.stub)} cold, ${last(cpu.stubWarm)} warm` +
            (baselineSource ? `; baseline worker ${last(cpu.baseline)} cold, ${last(cpu.baselineWarm)} warm` : ''),
        );
      }
      const medianOf = (name: string) => median(samples.find((s) => s.name === name)!.ms);
      const cpuRow = (name: string, values: number[]) => [
        name,
        String(values.length),
        formatMs(median(values)),
        `${formatMs(Math.min(...values))} – ${formatMs(Math.max(...values))}`,
      ];
      return {
        title: `3. Project graph: ${count} Cargo crates + ${count} npm packages, \`nx show projects\`, cold`,
        blocks: [
          timingTable(samples, 'without the plugin', 'relative'),
          `With the plugin / with the stub: **${(medianOf(WITH) / medianOf(STUBBED)).toFixed(2)}×** cold, **${(medianOf(WITH_WARM) / medianOf(STUBBED_WARM)).toFixed(2)}×** warm` +
            (baselineSource
              ? `; the baseline build / the stub: **${(medianOf(BASELINE) / medianOf(STUBBED)).toFixed(2)}×** cold, **${(medianOf(BASELINE_WARM) / medianOf(STUBBED_WARM)).toFixed(2)}×** warm`
              : ''),
          markdownTable(
            ['plugin worker process (user + system CPU at the end of createDependencies)', 'runs', 'median', 'min – max'],
            [
              cpuRow('@monochange/nx, cold (graph cache miss, written)', cpu.plugin),
              cpuRow('stub (same projects and edges), cold', cpu.stub),
              cpuRow('@monochange/nx, warm (graph cache hit)', cpu.pluginWarm),
              cpuRow('stub, warm', cpu.stubWarm),
              ...(baselineSource ? [cpuRow('baseline build, cold', cpu.baseline), cpuRow('baseline build, warm', cpu.baselineWarm)] : []),
            ],
          ),
          [
            `Each run follows \`nx reset\` (untimed) with NX_DAEMON=false, so Nx computes the graph from scratch every time. Without the plugin Nx infers ${count} projects (the npm workspaces); with it ${2 * count} (the crates are projects only through monochange.toml), each with publish, placeholder-publish, readiness and nx-release-publish targets and the publish-order edges (${count} crates in chains of ten, npm packages in ten layers).`,
            `The stub (a package installed beside the plugin) replays the projects and the ${recordedEdges} edges the plugin returned in an untimed recording run: what Nx itself costs for this graph. The last row registers the plugin with a monochange.toml that declares no package: what loading the plugin (in Nx's plugin worker process) costs by itself.`,
            'The CPU table: a wrapper package calls the real plugin and reads `process.cpuUsage()` of its worker process at the end of createDependencies (Nx worker start-up, loading the plugin, createNodes, createDependencies); the stub rows are the same for the stub.',
            "Warm rows: after `nx reset`, one untimed `nx show projects`, then the measured one; the plugin then reuses its graph cache (in Nx's workspace data directory) after checking that nothing it asked the file system has changed (each file read by size, inode and times, or by contents when modified in the last 3 s; each existence check, stat, listing and realpath asked again).",
          ].join('\n'),
        ],
      };
    } finally {
      ws.remove();
      for (const dir of installed) fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
