import fs from 'node:fs';
import path from 'node:path';
import { packPlugin } from '../../e2e/support/plugin-tarball';
import { installToolchain, toolchainAt, type Toolchain } from './bench-workspace';
import type { BenchReport } from './report';

/** What every benchmark gets from main: size knobs, a logger, and the shared toolchain install. */
export interface BenchContext {
  quick: boolean;
  /** Repetitions per contender (side by side). */
  reps(full: number): number;
  log(line: string): void;
  /** Build + pack the plugin and install it with nx and @nx/js, once per run. */
  toolchain(): Promise<Toolchain>;
}

export interface Benchmark {
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<BenchReport>;
}

export function createBenchContext(options: { quick: boolean; reps?: number; log: (line: string) => void }): BenchContext & { dispose(): Promise<void> } {
  let toolchain: Promise<Toolchain> | undefined;
  let packed: string | undefined;
  return {
    quick: options.quick,
    reps: (full) => options.reps ?? (options.quick ? Math.min(2, full) : full),
    log: options.log,
    toolchain() {
      toolchain ??= (async () => {
        const reuse = process.env.MONOCHANGE_BENCH_TOOLCHAIN;
        if (reuse) {
          options.log(`reusing the toolchain install in ${reuse} (MONOCHANGE_BENCH_TOOLCHAIN)`);
          return { ...toolchainAt(reuse), remove: () => undefined };
        }
        const handedIn = process.env.MONOCHANGE_E2E_TARBALL;
        const tarball = packPlugin(options.log);
        if (tarball !== handedIn) packed = tarball;
        options.log(`packed ${path.basename(tarball)}`);
        return installToolchain(tarball, options.log);
      })();
      return toolchain;
    },
    async dispose() {
      const installed = await toolchain?.catch(() => undefined);
      installed?.remove();
      // Only the tarball this run packed (not one handed in through MONOCHANGE_E2E_TARBALL).
      if (packed) fs.rmSync(path.dirname(packed), { recursive: true, force: true });
    },
  };
}
