/**
 * `npm run bench [-- <name>...] [--quick] [--reps=N]`: runs the benchmarks by hand (never in
 * `npm test`), prints their tables and saves them with the machine's description under tmp/bench/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../e2e/support/plugin-tarball';
import { cargoPublishBench } from './cargo-publish.bench';
import { graphBench } from './graph.bench';
import { memoryBench } from './memory.bench';
import { publishBench } from './publish.bench';
import { readinessBench } from './readiness.bench';
import { startupBench } from './startup.bench';
import { createBenchContext, type Benchmark } from './support/context';
import { describeMachine } from './support/machine';
import type { BenchReport } from './support/report';

export const BENCHMARKS: Benchmark[] = [startupBench, memoryBench, graphBench, readinessBench, publishBench, cargoPublishBench];

const USAGE = `usage: npm run bench [-- <name>...] [--quick] [--reps=N]

  <name>     run only these benchmarks (default: all): ${BENCHMARKS.map((b) => b.name).join(', ')}
  --quick    smoke run: fewer packages and 2 repetitions
  --reps=N   repetitions per contender (defaults: startup 10, graph 5, memory 5, readiness 3, publish 3, cargo-publish 3)
`;

export async function main(argv: string[]): Promise<number> {
  let quick = false;
  let reps: number | undefined;
  const names: string[] = [];
  for (const arg of argv) {
    if (arg === '--quick') quick = true;
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(USAGE);
      return 0;
    } else if (/^--reps=\d+$/.test(arg)) reps = Math.max(1, Number(arg.slice('--reps='.length)));
    else if (arg.startsWith('-')) {
      process.stderr.write(`unknown option ${arg}\n${USAGE}`);
      return 2;
    } else names.push(arg);
  }
  const unknown = names.filter((n) => !BENCHMARKS.some((b) => b.name === n));
  if (unknown.length) {
    process.stderr.write(`unknown benchmark ${unknown.join(', ')}\n${USAGE}`);
    return 2;
  }
  const selected = names.length ? BENCHMARKS.filter((b) => names.includes(b.name)) : BENCHMARKS;

  const started = Date.now();
  const log = (line: string) => process.stdout.write(`  · ${line}\n`);
  const ctx = createBenchContext({ quick, reps, log });
  const machine = describeMachine();
  process.stdout.write(`\n# @monochange/nx benchmarks${quick ? ' (--quick)' : ''}\n\n${machine}\n`);
  const reports: BenchReport[] = [];
  let failed = 0;
  try {
    for (const bench of selected) {
      process.stdout.write(`\n## ${bench.name}: ${bench.description}\n`);
      const t = Date.now();
      try {
        const report = await bench.run(ctx);
        reports.push(report);
        process.stdout.write(`\n${render(report)}\n(${bench.name} took ${Math.round((Date.now() - t) / 1000)} s)\n`);
      } catch (error) {
        failed++;
        const message = (error as Error)?.stack ?? String(error);
        reports.push({ title: `${bench.name}: FAILED`, blocks: ['```', message.slice(0, 4000), '```'] });
        process.stderr.write(`\n${bench.name} failed:\n${message}\n`);
      }
    }
  } finally {
    await ctx.dispose();
  }
  const text = [
    `# @monochange/nx benchmarks${quick ? ' (--quick smoke run)' : ''}`,
    '',
    machine,
    `- total time: ${Math.round((Date.now() - started) / 1000)} s`,
    '',
    ...reports.map(render),
  ].join('\n');
  const dir = path.join(REPO_ROOT, 'tmp', 'bench');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `results-${new Date().toISOString().replace(/[:.]/g, '-')}${quick ? '-quick' : ''}.md`);
  fs.writeFileSync(file, `${text}\n`);
  fs.writeFileSync(path.join(dir, 'latest.md'), `${text}\n`);
  process.stdout.write(`\nresults saved to ${path.relative(REPO_ROOT, file)} (and tmp/bench/latest.md)\n`);
  return failed ? 1 : 0;
}

function render(report: BenchReport): string {
  return [`## ${report.title}`, '', ...report.blocks.flatMap((b) => [b, ''])].join('\n');
}
