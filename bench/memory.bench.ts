import path from 'node:path';
import { nxEnv } from '../e2e/support/nx-workspace';
import { tail } from './support/bench-workspace';
import type { Benchmark } from './support/context';
import { hasGnuTime, runExecutorDriver } from './support/executor-driver';
import { npmPackages } from './support/generate';
import { median } from './support/measure';
import { bumpVersions, startNpmBenchWorld } from './support/npm-bench-world';
import { runSampled, type ProcessPeak } from './support/proc-sampler';
import { markdownTable } from './support/report';

const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;

/**
 * Peak memory of one publish task in the simulated CI job, read two ways: the executor run in a
 * driver process with a fake ExecutorContext (`process.resourceUsage().maxRSS`, and GNU time for
 * the driver plus its children), and a real `nx run <pkg>:publish` whose processes are sampled
 * through /proc (VmHWM of the Nx process, the forked task process and npm).
 */
export const memoryBench: Benchmark = {
  name: 'memory',
  description: 'peak RSS of one publish task (simulated CI job)',
  async run(ctx) {
    const count = ctx.quick ? 12 : 60;
    const reps = ctx.reps(5);
    const toolchain = await ctx.toolchain();
    const packages = npmPackages(count, { prefix: 'm', layers: 3 });
    const target = packages[0];
    const { ws, world, stop } = await startNpmBenchWorld(toolchain, { name: 'mc-bench-memory', packages, seedVersion: () => '0.0.1' });
    try {
      const executor = path.join(toolchain.dir, 'node_modules', '@monochange', 'nx', 'dist', 'executors', 'publish', 'executor.js');
      let patch = 0;
      const bump = () => {
        const version = `1.0.${++patch}`;
        bumpVersions(ws, [target], version);
        return version;
      };
      const expectUploaded = (version: string) => {
        if (!world.npm.proxy.uploads.some((u) => u.name === target.name && u.status < 300 && (u.version ?? '').split(',').includes(version))) {
          throw new Error(`${target.name}@${version} was not uploaded`);
        }
      };

      const driver: Array<{ self: number; loaded: number; tree?: number; ms: number }> = [];
      const nx: Array<{ task?: number; nx?: number; npm?: number; workers?: number; ms: number }> = [];
      const gnuTime = hasGnuTime();
      for (let rep = 0; rep < reps; rep++) {
        const order = rep % 2 === 0 ? ['driver', 'nx'] : ['nx', 'driver'];
        for (const which of order) {
          const version = bump();
          const env = nxEnv(world.ciEnv());
          if (which === 'driver') {
            const r = await runExecutorDriver({ executor, root: ws.root, projects: [{ name: target.name, root: target.dir }], concurrency: 1 }, env, {
              underTime: gnuTime,
            });
            if (r.successes !== 1) throw new Error('publish executor (driver) failed');
            driver.push({ self: r.maxRssKib, loaded: r.loadedRssKib, tree: r.timeMaxRssKib, ms: r.ms });
            ctx.log(`rep ${rep + 1}/${reps} driver: task process peak ${mib(r.maxRssKib)} (after load ${mib(r.loadedRssKib)})`);
          } else {
            const start = Date.now();
            const r = await runSampled(process.execPath, [toolchain.nxBin, 'run', `${target.name}:publish`, '--output-style=static'], { cwd: ws.root, env });
            if (r.code !== 0) throw new Error(`nx run ${target.name}:publish exited ${r.code}:\n${tail(r.output, 40)}`);
            const peaks = classify(r.processes);
            nx.push({ ...peaks, ms: Date.now() - start });
            ctx.log(
              `rep ${rep + 1}/${reps} nx run: task process ${peaks.task ? mib(peaks.task) : 'n/a'}, nx ${peaks.nx ? mib(peaks.nx) : 'n/a'}, npm ${peaks.npm ? mib(peaks.npm) : 'n/a'}`,
            );
          }
          expectUploaded(version);
        }
      }
      // The whole run in one batch process: every package of the workspace, 4 uploads at a time.
      const batch: Array<{ task?: number; npm?: number; ms: number }> = [];
      for (let rep = 0; rep < Math.min(reps, 2); rep++) {
        const version = `2.0.${rep}`;
        bumpVersions(ws, packages, version);
        const start = Date.now();
        const r = await runSampled(process.execPath, [toolchain.nxBin, 'run-many', '-t', 'publish', '--parallel=4', '--output-style=static'], {
          cwd: ws.root,
          env: nxEnv(world.ciEnv()),
        });
        if (r.code !== 0) throw new Error(`nx run-many -t publish exited ${r.code}:\n${tail(r.output, 40)}`);
        const peaks = classify(r.processes);
        batch.push({ task: peaks.task, npm: peaks.npm, ms: Date.now() - start });
        ctx.log(
          `rep ${rep + 1} nx run-many (${count} packages): batch process ${peaks.task ? mib(peaks.task) : 'n/a'}, npm ${peaks.npm ? mib(peaks.npm) : 'n/a'}`,
        );
      }
      const med = (values: Array<number | undefined>) => {
        const v = values.filter((x): x is number => typeof x === 'number');
        return v.length ? mib(median(v)) : 'n/a';
      };
      const rows = [
        [
          'driver: publish executor, fake ExecutorContext — the task process (`process.resourceUsage().maxRSS`)',
          String(driver.length),
          med(driver.map((d) => d.self)),
        ],
        ['driver: same process right after `require()` of the executor (`rss`)', String(driver.length), med(driver.map((d) => d.loaded))],
        ...(gnuTime
          ? [['driver under `/usr/bin/time -v`: largest process of driver + children (npm publish)', String(driver.length), med(driver.map((d) => d.tree))]]
          : []),
        ['`nx run <pkg>:publish`: forked task process (/proc VmHWM, sampled every 25 ms)', String(nx.length), med(nx.map((n) => n.task))],
        ['`nx run <pkg>:publish`: the nx process itself', String(nx.length), med(nx.map((n) => n.nx))],
        ['`nx run <pkg>:publish`: largest `npm publish` child', String(nx.length), med(nx.map((n) => n.npm))],
        ['`nx run <pkg>:publish`: largest Nx plugin worker (project graph)', String(nx.length), med(nx.map((n) => n.workers))],
        [`\`nx run-many -t publish --parallel=4\`, all ${count} packages: the one batch process`, String(batch.length), med(batch.map((b) => b.task))],
        [`\`nx run-many -t publish --parallel=4\`, all ${count} packages: largest \`npm publish\` child`, String(batch.length), med(batch.map((b) => b.npm))],
      ];
      return {
        title: `5. Peak memory of one publish task (simulated GitHub Actions job, ${count}-package workspace)`,
        blocks: [
          markdownTable(['what', 'runs', 'median peak RSS'], rows),
          [
            `Each repetition publishes a new version of ${target.name} (really uploaded through the OIDC proxy) once through the driver and once through Nx, alternating which goes first.`,
            "The driver (bench/drivers/run-executor.ts) requires the installed plugin's dist/executors/publish/executor.js and calls it with a fake ExecutorContext (root, project name, project roots) in its own Node process: its maxRSS is the task process's peak, without Nx's task-runner code.",
            `The run-many rows publish a new version of all ${count} packages in one \`nx run-many\` (Nx batch mode, the default: one process runs every publish task, 4 uploads at a time); the batch process is the parent of the \`npm publish\` processes.`,
            'Under Nx the task runs in a process Nx forks (recognised as the parent of `npm publish`); its peak is read from /proc/<pid>/status VmHWM of every process in the `nx` tree, sampled every 25 ms (the last sample before exit is the peak up to then). npm publish runs as a child of the task process and is counted separately.',
          ].join('\n'),
        ],
      };
    } finally {
      await stop();
    }
  },
};

/**
 * The nx process is the root of the tree; the task process is the one that spawned `npm publish`
 * (Nx forks it with the same command line as nx itself); plugin workers load the project graph.
 */
function classify(processes: ProcessPeak[]): { task?: number; nx?: number; npm?: number; workers?: number } {
  const max = (list: ProcessPeak[]) => (list.length ? Math.max(...list.map((p) => p.peakKib)) : undefined);
  const root = processes.find((p) => !processes.some((q) => q.pid === p.ppid));
  const npm = processes.filter((p) => /\bnpm(-cli\.js)? publish\b/.test(p.command));
  const taskPids = new Set(npm.map((p) => p.ppid));
  return {
    nx: root?.peakKib,
    task: max(processes.filter((p) => taskPids.has(p.pid))),
    npm: max(npm),
    workers: max(processes.filter((p) => p.command.includes('plugin-worker'))),
  };
}
