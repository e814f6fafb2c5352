import { killActiveCommands } from '../util/command';

/**
 * While a package is being published, SIGINT/SIGTERM stop the running command and let the task
 * record the package as `failed` (reason `interrupted`) before exiting, so the artifact stays
 * valid and a re-run finishes the job.
 *
 * One listener serves every task running in this process: the first signal aborts every task's
 * signal (no new upload starts), stops running commands, waits for every task's record (at most
 * `graceMs`), then exits 130 (SIGINT) / 143 (SIGTERM). A second signal exits at once.
 */
export interface InterruptHost {
  on(event: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(event: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

export interface InterruptHandlerOptions {
  host?: InterruptHost;
  exit?: (code: number) => void;
  kill?: (signal: NodeJS.Signals) => number;
  /** Longest wait for the tasks' records before exiting anyway (default 10 s). */
  graceMs?: number;
}

interface Registration {
  controller: AbortController;
  onInterrupt: (signal: NodeJS.Signals) => Promise<void>;
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

export function createInterruptHandler(options: InterruptHandlerOptions = {}) {
  const host = options.host ?? process;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const kill = options.kill ?? killActiveCommands;
  const graceMs = options.graceMs ?? 10_000;
  const active = new Set<Registration>();
  let handling = false;

  const listener = (signal: NodeJS.Signals) => {
    const code = signal === 'SIGINT' ? 130 : 143;
    if (handling) {
      kill('SIGKILL');
      exit(code);
      return;
    }
    handling = true;
    const registrations = [...active];
    for (const r of registrations) r.controller.abort(new Error(`interrupted by ${signal}`));
    kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
      timer.unref?.();
    });
    const records = Promise.allSettled(registrations.map((r) => r.onInterrupt(signal)));
    void Promise.race([records, grace]).then(() => {
      clearTimeout(timer);
      exit(code);
    });
  };

  return {
    /** Runs `run` with a signal that aborts on SIGINT/SIGTERM; `onInterrupt` records the interruption. */
    async withInterruptHandling<T>(run: (signal: AbortSignal) => Promise<T>, onInterrupt: (signal: NodeJS.Signals) => Promise<void>): Promise<T> {
      const registration: Registration = { controller: new AbortController(), onInterrupt };
      if (active.size === 0) for (const s of SIGNALS) host.on(s, listener);
      active.add(registration);
      try {
        return await run(registration.controller.signal);
      } finally {
        active.delete(registration);
        if (active.size === 0) for (const s of SIGNALS) host.off(s, listener);
      }
    },
    /** Tasks currently protected (for tests). */
    activeCount: () => active.size,
  };
}

const processHandler = createInterruptHandler();

/** See `createInterruptHandler`; `run` may take the abort signal to pass as `PublishDeps.signal`. */
export function withInterruptHandling<T>(run: (signal: AbortSignal) => Promise<T>, onInterrupt: (signal: NodeJS.Signals) => Promise<void>): Promise<T> {
  return processHandler.withInterruptHandling(run, onInterrupt);
}
