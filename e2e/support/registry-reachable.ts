import { spawnSync } from 'node:child_process';
import { nxEnv } from './nx-workspace';

/**
 * Why the npm registry cannot serve `specs` (e.g. `nx@24.0.6`), or undefined when it can. Synchronous,
 * so a spec file can decide at collection time whether (and under which name) its tests run.
 */
export function npmRegistryProblem(specs: string[], timeoutMs = 30_000): string | undefined {
  for (const spec of specs) {
    // --prefer-online: a cached packument must not pass for a reachable registry.
    const r = spawnSync('npm', ['view', spec, 'version', '--prefer-online', '--loglevel=error'], { env: nxEnv(), encoding: 'utf8', timeout: timeoutMs });
    if (r.error) return `\`npm view ${spec}\` could not run: ${r.error.message}`;
    if (r.status !== 0) return `\`npm view ${spec}\` failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ')}`;
    if (!r.stdout.trim()) return `the registry has no ${spec}`;
  }
  return undefined;
}
