import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run } from '../../e2e/support/run';
import type { ExecutorRequest, ExecutorRunResult } from '../drivers/run-executor';

const DRIVER = path.join(__dirname, '..', 'drivers', 'run-executor.js');

/** Runs bench/drivers/run-executor in a fresh Node process with `env` (an executor reads process.env). */
export async function runExecutorDriver(
  request: ExecutorRequest,
  env: NodeJS.ProcessEnv,
  options: { underTime?: boolean } = {},
): Promise<ExecutorRunResult & { timeMaxRssKib?: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-bench-driver-'));
  try {
    const file = path.join(dir, 'request.json');
    fs.writeFileSync(file, JSON.stringify(request));
    const timeFile = path.join(dir, 'time.txt');
    const command = options.underTime ? '/usr/bin/time' : process.execPath;
    const args = options.underTime ? ['-v', '-o', timeFile, process.execPath, DRIVER, file] : [DRIVER, file];
    const result = await run(command, args, { cwd: request.root, env, timeoutMs: 1_800_000 });
    const line = result.stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
    if (result.code !== 0 || !line) throw new Error(`executor driver exited ${result.code}:\n${result.output.slice(-3000)}`);
    const parsed = JSON.parse(line.slice('BENCH_RESULT '.length)) as ExecutorRunResult;
    if (options.underTime && fs.existsSync(timeFile)) {
      const kib = /Maximum resident set size \(kbytes\):\s*(\d+)/.exec(fs.readFileSync(timeFile, 'utf8'))?.[1];
      return { ...parsed, timeMaxRssKib: kib ? Number(kib) : undefined };
    }
    return parsed;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Is GNU time (`/usr/bin/time -v`) usable here? */
export function hasGnuTime(): boolean {
  return fs.existsSync('/usr/bin/time');
}
