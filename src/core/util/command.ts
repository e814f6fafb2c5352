import type { Env } from '../types';
import { redact } from './redact';
import { isSecretVariable } from './secret-env';

/** A command to run, as argv (never a shell string). */
export interface CommandSpec {
  command: string;
  args: string[];
  cwd: string;
  /** Extra variables for the child (merged over the parent's). */
  env?: Env;
  /** Parent variables the child must not see (e.g. tokens when publishing by OIDC). */
  removeEnv?: string[];
  /**
   * Credential variables (see secret-env) this child may receive, from the parent or from `env`.
   * Absent: none, so build and pack steps never see an OIDC request token or a registry token.
   */
  credentials?: readonly string[];
}

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** The program could not be started (not installed, bad cwd). */
  spawnError?: string;
  /** Stopped by SIGINT/SIGTERM or an abort signal. */
  interrupted?: boolean;
}

/** Runs commands; injectable so executors and registries can be tested with a recording runner. */
export interface CommandRunner {
  run(spec: CommandSpec, options?: { signal?: AbortSignal }): Promise<CommandResult>;
}

export function renderCommand(spec: Pick<CommandSpec, 'command' | 'args'>, env: Env = {}): string {
  const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  return redact([spec.command, ...spec.args].map(quote).join(' '), env);
}

/**
 * Environment for a child: the parent's minus removed keys and minus every credential variable the
 * spec does not grant, plus overrides. An override replaces parent variables that differ from it
 * only in case (tools such as npm read `NPM_CONFIG_X` and `npm_config_x` alike).
 */
export function childEnv(parent: Env, spec: CommandSpec): Record<string, string> {
  const granted = new Set((spec.credentials ?? []).map((name) => name.toUpperCase()));
  const withheld = (name: string) => isSecretVariable(name) && !granted.has(name.toUpperCase());
  const overridden = new Set(Object.keys(spec.env ?? {}).map((name) => name.toUpperCase()));
  const removed = new Set(spec.removeEnv ?? []);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parent)) {
    if (v !== undefined && !removed.has(k) && !withheld(k) && !overridden.has(k.toUpperCase())) out[k] = v;
  }
  for (const [k, v] of Object.entries(spec.env ?? {})) {
    if (v === undefined) continue;
    if (withheld(k)) throw new Error(`\`${spec.command}\` sets the credential variable ${k} without granting it (CommandSpec.credentials)`);
    out[k] = v;
  }
  return out;
}

const active = new Set<{ kill(signal?: NodeJS.Signals): boolean }>();

/** Stops every running child (used by the interrupt handler). */
export function killActiveCommands(signal: NodeJS.Signals = 'SIGTERM'): number {
  let n = 0;
  for (const child of active) if (child.kill(signal)) n++;
  return n;
}

/** Starts loading execa (an ES module, ~0.1 s) now, for a run that will spawn soon and is waiting on the network meanwhile. */
export function preloadCommandRunner(): void {
  void import('execa').catch(() => undefined);
}

export function createExecaRunner(parentEnv: Env = process.env): CommandRunner {
  return {
    async run(spec, options) {
      const { execa } = await import('execa');
      const child = execa(spec.command, spec.args, {
        cwd: spec.cwd,
        env: childEnv(parentEnv, spec),
        extendEnv: false,
        reject: false,
        stdin: 'ignore',
        cancelSignal: options?.signal,
        all: false,
        stripFinalNewline: true,
      });
      active.add(child);
      try {
        const r = await child;
        const interrupted = Boolean(r.isCanceled || r.isTerminated || r.signal);
        const spawnError = r.failed && r.exitCode === undefined && !interrupted ? (r.cause instanceof Error ? r.cause.message : r.shortMessage) : undefined;
        return {
          exitCode: r.exitCode ?? (interrupted ? 130 : 127),
          stdout: String(r.stdout ?? ''),
          stderr: String(r.stderr ?? ''),
          spawnError,
          interrupted: interrupted || undefined,
        };
      } finally {
        active.delete(child);
      }
    },
  };
}
