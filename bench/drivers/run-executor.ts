/**
 * Runs one of the plugin's executors in this process, for a list of projects, with a fake
 * ExecutorContext (what Nx hands a task: root, project name, project roots), and prints one line
 * `BENCH_RESULT {...}` with the wall time and this process's peak RSS. Used to split a task's
 * cost from Nx's (no task runner, no fork) and to read a publish task's memory.
 *
 *   node run-executor.js <request.json>
 */
import fs from 'node:fs';

export interface ExecutorRequest {
  /** Absolute path of the executor module (the installed plugin's dist). */
  executor: string;
  root: string;
  projects: Array<{ name: string; root: string }>;
  /** How many executor calls run at once (1: one after the other). */
  concurrency: number;
  options?: Record<string, unknown>;
}

export interface ExecutorRunResult {
  ms: number;
  /** Peak resident set size of this process, KiB (`process.resourceUsage().maxRSS`). */
  maxRssKib: number;
  /** RSS right after loading the executor module, before any call, KiB. */
  loadedRssKib: number;
  successes: number;
  failures: string[];
}

async function main(): Promise<void> {
  const request = JSON.parse(fs.readFileSync(process.argv[2], 'utf8')) as ExecutorRequest;
  const start = process.hrtime.bigint();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(request.executor) as { default: (options: unknown, context: unknown) => Promise<{ success: boolean }> };
  const loadedRssKib = Math.round(process.memoryUsage().rss / 1024);
  const projects = Object.fromEntries(request.projects.map((p) => [p.name, { root: p.root }]));
  const queue = [...request.projects];
  const failures: string[] = [];
  let successes = 0;
  const worker = async () => {
    for (let p = queue.shift(); p; p = queue.shift()) {
      const context = {
        root: request.root,
        cwd: request.root,
        isVerbose: false,
        projectName: p.name,
        targetName: 'bench',
        projectsConfigurations: { version: 2, projects },
        nxJsonConfiguration: {},
        projectGraph: { nodes: {}, dependencies: {} },
      };
      const result = await loaded.default(request.options ?? {}, context);
      if (result.success) successes++;
      else failures.push(p.name);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, request.concurrency) }, worker));
  const out: ExecutorRunResult = {
    ms: Number(process.hrtime.bigint() - start) / 1e6,
    maxRssKib: process.resourceUsage().maxRSS,
    loadedRssKib,
    successes,
    failures,
  };
  process.stdout.write(`\nBENCH_RESULT ${JSON.stringify(out)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
