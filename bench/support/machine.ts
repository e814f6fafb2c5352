import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

/** The machine a run measured, as a markdown list for RESULTS.md. */
export function describeMachine(): string {
  const cpuinfo = readOr('/proc/cpuinfo', '');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  const npm = commandOr('npm', ['--version'], 'unknown');
  const gb = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  return [
    `- date: ${new Date().toISOString()}`,
    `- CPU: ${model}, nproc ${commandOr('nproc', [], String(os.availableParallelism()))}`,
    `- memory: ${gb(os.totalmem())} total, ${gb(os.freemem())} free at start; load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
    `- OS: ${os.type()} ${os.release()} (${os.arch()})`,
    `- node ${process.version}, npm ${npm}`,
  ].join('\n');
}

function readOr(file: string, fallback: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

function commandOr(command: string, args: string[], fallback: string): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return fallback;
  }
}
