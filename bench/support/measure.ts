/**
 * Side-by-side timing: every repetition runs each contender once, in an order that rotates per
 * repetition, so drift of the machine (other jobs, a warming disk cache) lands on all of them alike.
 */
export interface Contender {
  name: string;
  /** Untimed work before each timed run (reset a cache, bump versions). */
  before?: () => Promise<void> | void;
  /** The timed work. Throwing aborts the benchmark: a failed run is not a sample. */
  run: () => Promise<void> | void;
  /** Untimed check after each run (e.g. that every package was really uploaded). */
  after?: () => Promise<void> | void;
}

export interface Samples {
  name: string;
  /** Wall-clock ms of each repetition, in run order. */
  ms: number[];
}

export async function sideBySide(contenders: Contender[], reps: number, log: (line: string) => void): Promise<Samples[]> {
  const samples = contenders.map((c) => ({ name: c.name, ms: [] as number[] }));
  for (let rep = 0; rep < reps; rep++) {
    for (let k = 0; k < contenders.length; k++) {
      const i = (rep + k) % contenders.length;
      const c = contenders[i];
      await c.before?.();
      const ms = await time(c.run);
      await c.after?.();
      samples[i].ms.push(ms);
      log(`rep ${rep + 1}/${reps}  ${c.name}: ${formatMs(ms)}`);
    }
  }
  return samples;
}

export async function time(fn: () => Promise<void> | void): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return `${ms.toFixed(ms >= 100 ? 0 : 1)} ms`;
}

/** `a / b` as `12.3×`. */
export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return 'n/a';
  return `${ratio >= 10 ? ratio.toFixed(1) : ratio.toFixed(2)}×`;
}
