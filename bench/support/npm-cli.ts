import path from 'node:path';
import { run } from '../../e2e/support/run';
import type { GeneratedNpmPackage } from './generate';

/**
 * The baselines that use npm's own CLI: `npm view` per package (how `nx release publish` asks
 * whether a version exists) and a small pool spawning `npm publish` per package, layer by layer.
 */
export async function npmViewLoop(packages: Array<{ name: string; version: string }>, env: NodeJS.ProcessEnv, cwd: string): Promise<{ found: number }> {
  let found = 0;
  for (const p of packages) {
    const result = await run('npm', ['view', `${p.name}@${p.version}`, 'version'], { cwd, env });
    // npm 11 exits 1 with E404 "No match found for version" when the package exists without that version.
    if (result.code !== 0 && /No match found for version/.test(result.output)) continue;
    if (result.code !== 0) throw new Error(`npm view ${p.name}@${p.version} exited ${result.code}: ${result.output.slice(0, 500)}`);
    if (result.stdout.trim() === p.version) found++;
  }
  return { found };
}

export async function npmPublishPool(
  root: string,
  packages: GeneratedNpmPackage[],
  options: { env: NodeJS.ProcessEnv; concurrency: number; registry: string },
): Promise<void> {
  const layers = [...new Set(packages.map((p) => p.layer))].sort((a, b) => a - b);
  for (const layer of layers) {
    const queue = packages.filter((p) => p.layer === layer);
    const worker = async () => {
      for (let p = queue.shift(); p; p = queue.shift()) {
        const args = ['publish', '--access', 'public', '--registry', options.registry];
        const result = await run('npm', args, { cwd: path.join(root, p.dir), env: options.env, timeoutMs: 300_000 });
        if (result.code !== 0) throw new Error(`npm publish of ${p.name} exited ${result.code}:\n${result.output.slice(-2000)}`);
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  }
}
