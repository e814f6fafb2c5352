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
const real = require('@monochange/nx');
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

      const contender = (name: string, plugins: string[], toml = fullToml, env?: NodeJS.ProcessEnv): Contender => ({
        name,
        before: async () => {
          setPlugins(ws.write, plugins);
          ws.write('monochange.toml', toml);
          await ws.nxOk(['reset']);
        },
        run: async () => {
          const result = await ws.nxOk(['show', 'projects', '--json'], env);
          projectCounts[name] = (JSON.parse(result.stdout) as string[]).length;
        },
      });
      const WITH = 'with @monochange/nx';
      const STUBBED = 'with a stub plugin returning the same projects and edges';
      const contenders = [
        contender('without the plugin', []),
        contender(WITH, ['@monochange/nx']),
        contender(STUBBED, [STUB_PKG]),
        contender('with @monochange/nx, no package declared (plugin load only)', ['@monochange/nx'], emptyToml),
      ];
      ctx.log(`graph: ${count} crates + ${count} npm packages (${recordedEdges} plugin edges), warm-up run of each…`);
      await sideBySide(contenders, 1, ctx.log);
      if (projectCounts[WITH] !== 2 * count || projectCounts[STUBBED] !== 2 * count || projectCounts['without the plugin'] !== count) {
        throw new Error(`unexpected project counts ${JSON.stringify(projectCounts)} (expected ${count} without and ${2 * count} with the plugin or the stub)`);
      }
      const samples = await sideBySide(contenders, reps, ctx.log);

      // CPU of the plugin worker process: the real plugin (through the recorder) and the stub, alternating.
      const cpuOf = async (plugin: string, file: string) => {
        setPlugins(ws.write, [plugin]);
        ws.write('monochange.toml', fullToml);
        await ws.nxOk(['reset']);
        fs.rmSync(path.join(out, file), { force: true });
        const shown = await ws.nxOk(['show', 'projects', '--json'], probeEnv);
        if ((JSON.parse(shown.stdout) as string[]).length !== 2 * count) throw new Error(`${plugin}: expected ${2 * count} projects`);
        const u = JSON.parse(fs.readFileSync(path.join(out, file), 'utf8')) as { user: number; system: number };
        return u.user + u.system;
      };
      const cpu = { plugin: [] as number[], stub: [] as number[] };
      for (let rep = 0; rep < reps; rep++) {
        cpu.plugin.push(await cpuOf(RECORDER_PKG, 'cpu-plugin.json'));
        cpu.stub.push(await cpuOf(STUB_PKG, 'cpu-stub.json'));
        ctx.log(`cpu rep ${rep + 1}/${reps}: plugin worker ${formatMs(cpu.plugin.at(-1)!)}, stub worker ${formatMs(cpu.stub.at(-1)!)}`);
      }
      const withMs = median(samples.find((s) => s.name === WITH)!.ms);
      const stubMs = median(samples.find((s) => s.name === STUBBED)!.ms);
      return {
        title: `3. Project graph: ${count} Cargo crates + ${count} npm packages, \`nx show projects\`, cold`,
        blocks: [
          timingTable(samples, 'without the plugin', 'relative'),
          `With the plugin / with the stub: **${(withMs / stubMs).toFixed(2)}×**`,
          markdownTable(
            ['plugin worker process (user + system CPU at the end of createDependencies)', 'runs', 'median', 'min – max'],
            [
              ['@monochange/nx', String(reps), formatMs(median(cpu.plugin)), `${formatMs(Math.min(...cpu.plugin))} – ${formatMs(Math.max(...cpu.plugin))}`],
              [
                'stub (same projects and edges)',
                String(reps),
                formatMs(median(cpu.stub)),
                `${formatMs(Math.min(...cpu.stub))} – ${formatMs(Math.max(...cpu.stub))}`,
              ],
            ],
          ),
          [
            `Each run follows \`nx reset\` (untimed) with NX_DAEMON=false, so Nx computes the graph from scratch every time. Without the plugin Nx infers ${count} projects (the npm workspaces); with it ${2 * count} (the crates are projects only through monochange.toml), each with publish, placeholder-publish, readiness and nx-release-publish targets and the publish-order edges (${count} crates in chains of ten, npm packages in ten layers).`,
            `The stub (a package installed beside the plugin) replays the projects and the ${recordedEdges} edges the plugin returned in an untimed recording run: what Nx itself costs for this graph. The last row registers the plugin with a monochange.toml that declares no package: what loading the plugin (in Nx's plugin worker process) costs by itself.`,
            'The CPU table: a wrapper package calls the real plugin and reads `process.cpuUsage()` of its worker process at the end of createDependencies (Nx worker start-up, loading the plugin, createNodes, createDependencies); the stub row is the same for the stub.',
          ].join('\n'),
        ],
      };
    } finally {
      ws.remove();
      for (const dir of installed) fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
