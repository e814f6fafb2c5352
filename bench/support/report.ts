import { formatMs, formatRatio, median, type Samples } from './measure';

/** What one benchmark hands back: its tables (markdown) and notes, printed and saved by main. */
export interface BenchReport {
  title: string;
  /** Markdown blocks: tables, then notes. */
  blocks: string[];
}

export function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * Medians of side-by-side samples, with each contender's ratio to `baseline`'s median, stated the
 * way round the goal reads: `speedup` = baseline / contender (bigger is faster), or `relative`
 * = contender / baseline (1.00× is equal, below is faster).
 */
export function timingTable(samples: Samples[], baseline: string, mode: 'speedup' | 'relative'): string {
  const base = samples.find((s) => s.name === baseline);
  if (!base) throw new Error(`no samples named ${baseline}`);
  const baseMedian = median(base.ms);
  const rows = samples.map((s) => {
    const m = median(s.ms);
    const ratio = s.name === baseline ? '1.00× (baseline)' : formatRatio(mode === 'speedup' ? baseMedian / m : m / baseMedian);
    return [s.name, String(s.ms.length), formatMs(m), `${formatMs(Math.min(...s.ms))} – ${formatMs(Math.max(...s.ms))}`, ratio];
  });
  return markdownTable(['contender', 'runs', 'median', 'min – max', mode === 'speedup' ? `speed-up vs ${baseline}` : `time / ${baseline}`], rows);
}
