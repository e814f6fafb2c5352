import { spawnSync } from 'node:child_process';
import { nxEnv } from './nx-workspace';

/**
 * Why the npm registry cannot serve `specs` (e.g. `nx@24.0.6`), or undefined when it can. Synchronous,
 * so a spec file can decide at collection time whether (and under which name) its tests run.
 */
export function npmRegistryProblem(specs: string[], timeoutMs = 30_000): string | undefined {
  for (const spec of specs) {
    // --prefer-online: a cached packument must not pass for a reachable registry.
    const r = spawnSync('npm', ['view', spec, 'version', '--prefer-online', '--fetch-retries=1', '--loglevel=error'], {
      env: nxEnv(),
      encoding: 'utf8',
      timeout: timeoutMs,
    });
    if (r.error) return `\`npm view ${spec}\` could not run: ${r.error.message}`;
    if (r.status !== 0) return `\`npm view ${spec}\` failed: ${firstErrorLines(r.stderr || r.stdout)}`;
    if (!r.stdout.trim()) return `the registry has no ${spec}`;
  }
  return undefined;
}

/** npm's error lines without its boilerplate (log file, proxy hint). */
function firstErrorLines(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.replace(/^npm (error|ERR!)\s*/, '').trim())
    .filter((l) => l && !/complete log of this run|behind a proxy|npm help config/i.test(l));
  return lines.slice(0, 2).join(' ') || 'no output';
}
