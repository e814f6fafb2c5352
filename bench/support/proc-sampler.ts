import { spawn } from 'node:child_process';
import fs from 'node:fs';

export interface ProcessPeak {
  pid: number;
  ppid: number;
  /** Command line, arguments joined by spaces. */
  command: string;
  /** Highest VmHWM (the kernel's own peak RSS of the process) seen, KiB. */
  peakKib: number;
}

/**
 * Runs a command and, every `intervalMs`, reads /proc for it and all its descendants: each
 * process's VmHWM is its peak RSS so far, so the last reading before it exits is its peak (minus
 * whatever it allocated in its final interval). Linux only.
 */
export function runSampled(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; intervalMs?: number },
): Promise<{ code: number; output: string; processes: ProcessPeak[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const peaks = new Map<number, ProcessPeak>();
    const sample = () => {
      if (child.pid === undefined) return;
      for (const p of descendants(child.pid)) {
        const hwm = readHwm(p.pid);
        if (hwm === undefined) continue;
        const known = peaks.get(p.pid);
        if (!known) peaks.set(p.pid, { ...p, peakKib: hwm });
        else known.peakKib = Math.max(known.peakKib, hwm);
      }
    };
    const timer = setInterval(sample, options.intervalMs ?? 25);
    child.on('error', (e) => {
      clearInterval(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearInterval(timer);
      resolve({ code: code ?? 1, output, processes: [...peaks.values()] });
    });
  });
}

function descendants(root: number): Array<Omit<ProcessPeak, 'peakKib'>> {
  const all: Array<{ pid: number; ppid: number }> = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name is in parentheses and may hold spaces: the ppid is the 2nd field after it.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      all.push({ pid: Number(entry), ppid });
    } catch {
      // the process ended while we looked
    }
  }
  const inTree = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of all) {
      if (!inTree.has(p.pid) && inTree.has(p.ppid)) {
        inTree.add(p.pid);
        grew = true;
      }
    }
  }
  return all.filter((p) => inTree.has(p.pid)).map((p) => ({ ...p, command: readCommand(p.pid) }));
}

function readHwm(pid: number): number | undefined {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

function readCommand(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return '';
  }
}
