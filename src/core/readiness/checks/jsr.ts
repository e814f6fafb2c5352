import path from 'node:path';
import { isMonochangeError } from '../../errors';
import { resolveDenoBinary } from '../../registries/jsr/deno-binary';
import { jsrPackageName } from '../../registries/jsr/name';
import type { Check } from '../../types';
import type { ReadinessCheck, ReadinessContext } from '../types';
import { exportedFiles, findSlowTypes } from './jsr-slow-types';
import { commandFailure } from '../../registries/command-attempt';
import { fail, pass, warn, willPublish } from './support';
import { toolVersionOutput } from './tools';

/** Set to `off` to skip `deno publish --dry-run` and use the static slow-type check. */
export const JSR_DENO_ENV = 'MONOCHANGE_READINESS_DENO';

export const DENO_DRY_RUN_ARGS = ['publish', '--dry-run', '--allow-dirty', '--no-lock', '--no-check'];

export interface JsrCheckOptions {
  /** `false`: never run deno (the static check answers for slow types). */
  useDeno?: boolean;
}

/** What `deno publish` (and JSR) refuse: metadata, slow types, and any other dry-run problem. */
export function createJsrChecks(options: JsrCheckOptions = {}): ReadinessCheck {
  return async (ctx) => {
    if (!willPublish(ctx)) return [];
    const checks = metadataChecks(ctx);
    if (checks.some((c) => c.status === 'fail')) return checks;
    const useDeno = options.useDeno !== false && ctx.env[JSR_DENO_ENV] !== 'off';
    const dryRun = useDeno ? await denoDryRun(ctx) : undefined;
    if (dryRun?.checks) return [...checks, ...dryRun.checks];
    if (dryRun?.note) checks.push(dryRun.note);
    checks.push(...(await staticSlowTypes(ctx, dryRun ? 'deno could not finish the dry run' : useDeno ? 'deno is not installed' : 'deno is turned off')));
    return checks;
  };
}

export const jsrChecks: ReadinessCheck = createJsrChecks();

function metadataChecks(ctx: ReadinessContext): Check[] {
  const m = ctx.target.manifest;
  const file = path.basename(m.file);
  const problems: Check[] = [];
  try {
    jsrPackageName(m);
  } catch (error) {
    problems.push(
      fail(
        'jsr.metadata',
        isMonochangeError(error) ? error.problem + ` (found ${JSON.stringify(m.name)})` : String(error),
        `set "name" in ${file} to "@<scope>/<name>"`,
      ),
    );
  }
  if (!m.version) problems.push(fail('jsr.metadata', `${file} has no "version"`, `set "version" in ${file} to the version being released`));
  const exp = m.deno?.exports;
  const hasExports = typeof exp === 'string' ? exp.trim() !== '' : !!exp && typeof exp === 'object' && Object.keys(exp).length > 0;
  if (!hasExports)
    problems.push(
      fail('jsr.metadata', `${file} has no "exports"; JSR needs at least one entry module`, `add \`"exports": "./mod.ts"\` (or a map of subpaths) to ${file}`),
    );
  return problems.length ? problems : [pass('jsr.metadata', `${m.name} ${m.version} has name, version and exports`)];
}

interface DenoProblem {
  code: string;
  message: string;
  location?: string;
  slow: boolean;
}

/** `error[code]: message`, ` --> file:line:col`, `docs: https://jsr.io/go/slow-type-…` blocks of deno's output. */
export function parseDenoProblems(output: string): DenoProblem[] {
  const text = output.replace(/\x1b\[[0-9;]*m/g, '');
  const blocks = text.split(/^(?=error\[)/m).filter((b) => b.startsWith('error['));
  return blocks.map((block) => {
    const head = /^error\[([^\]]+)\]:\s*(.*)$/m.exec(block);
    const location = /-->\s+(\S+)/.exec(block)?.[1];
    const docs = /docs:\s+(\S+)/.exec(block)?.[1] ?? '';
    const code = head?.[1] ?? 'unknown';
    return { code, message: head?.[2]?.trim() ?? '', location, slow: docs.includes('/slow-type') || code.startsWith('missing-explicit') };
  });
}

async function denoDryRun(ctx: ReadinessContext): Promise<{ checks?: Check[]; note?: Check } | undefined> {
  const root = ctx.config.root;
  const deno = resolveDenoBinary(root);
  const version = await toolVersionOutput(ctx.runner, deno, root, ctx.env.PATH);
  if (version.spawnError || version.exitCode !== 0) return undefined;
  const dir = ctx.target.manifest.dir;
  // --no-lock: a dry run must not write deno.lock. --no-check: type errors are the build's job, and
  // type-checking costs seconds per package; slow types and publish rules are still checked.
  const result = await ctx.runner.run({ command: deno, args: DENO_DRY_RUN_ARGS, cwd: dir, env: { NO_COLOR: '1' } });
  const output = `${result.stdout}\n${result.stderr}`;
  if (!result.spawnError && result.exitCode === 0) {
    return {
      checks: [pass('jsr.slow-types', 'no slow types in the public API (`deno publish --dry-run`)'), pass('jsr.dry-run', '`deno publish --dry-run` passed')],
    };
  }
  const problems = parseDenoProblems(output);
  if (result.spawnError || problems.length === 0) {
    return {
      note: warn(
        'jsr.dry-run',
        `the dry run did not finish: ${commandFailure('deno publish --dry-run', result)}`,
        'run `deno publish --dry-run --allow-dirty` in the package directory and fix what it reports',
      ),
    };
  }
  const where = (p: DenoProblem) => (p.location ? `${relative(dir, p.location)}: ` : '');
  const slow = problems.filter((p) => p.slow);
  const other = problems.filter((p) => !p.slow);
  const checks: Check[] = [];
  checks.push(
    ...(slow.length
      ? slow.map((p) =>
          fail('jsr.slow-types', `${where(p)}${p.message} (${p.code})`, 'add explicit types to the exported API (https://jsr.io/docs/about-slow-types)'),
        )
      : [pass('jsr.slow-types', 'no slow types in the public API (`deno publish --dry-run`)')]),
  );
  checks.push(
    ...(other.length
      ? other.map((p) => fail('jsr.dry-run', `${where(p)}${p.message} (${p.code})`, `fix it in the package; \`deno publish --dry-run\` reports the details`))
      : [pass('jsr.dry-run', '`deno publish --dry-run` found only slow types')]),
  );
  return { checks };
}

function relative(dir: string, location: string): string {
  const file = location.replace(/^file:\/\//, '');
  return path.isAbsolute(file) ? path.relative(dir, file) : file;
}

async function staticSlowTypes(ctx: ReadinessContext, why: string): Promise<Check[]> {
  const m = ctx.target.manifest;
  const files = exportedFiles(m.dir, m.deno?.exports);
  if (files.length === 0)
    return [
      warn(
        'jsr.slow-types',
        `${why}, and no TypeScript entry file named by "exports" exists to check statically`,
        'install deno (or the `deno` npm package) so readiness can run `deno publish --dry-run`',
      ),
    ];
  const found = await findSlowTypes(m.dir, files);
  if (found.length === 0) return [pass('jsr.slow-types', `no slow types found by the static check of ${files.length} entry file(s) (${why})`)];
  return found.map((s) =>
    s.unsure
      ? warn(
          'jsr.slow-types',
          `${s.file}:${s.line}: ${s.message} (static check; ${why})`,
          'add the explicit type, or run `deno publish --dry-run` to see whether JSR infers it (https://jsr.io/docs/about-slow-types)',
        )
      : fail('jsr.slow-types', `${s.file}:${s.line}: ${s.message} (static check; ${why})`, 'add the explicit type (https://jsr.io/docs/about-slow-types)'),
  );
}
