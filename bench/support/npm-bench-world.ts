import { execFileSync } from 'node:child_process';
import { initGitRepo, startRegistryWorld, type RegistryWorld } from '../../test-utils/registry-world';
import { createBenchWorkspace, type BenchWorkspace, type Toolchain } from './bench-workspace';
import { monochangeToml, npmPackageFiles, npmPackageJson, type GeneratedNpmPackage } from './generate';
import { seedNpmVersions } from './npm-seed';

export interface NpmBenchWorld {
  ws: BenchWorkspace;
  world: RegistryWorld;
  /** Stops the registry world and removes the workspace. */
  stop(): Promise<void>;
}

/**
 * The npm benchmarks' common set-up: a workspace of `packages` with the plugin, a registry world,
 * monochange.toml with trusted publishing, the generated workflow, a git repo, and every package
 * seeded on Verdaccio at the version `seedVersion` gives it. Cleans up after itself if it fails.
 */
export async function startNpmBenchWorld(
  toolchain: Toolchain,
  options: { name: string; packages: GeneratedNpmPackage[]; seedVersion: (p: GeneratedNpmPackage, index: number) => string },
): Promise<NpmBenchWorld> {
  const ws = createBenchWorkspace(toolchain, { name: options.name, files: npmPackageFiles(options.packages), plugins: ['@monochange/nx'] });
  const world = await startRegistryWorld({ workspaceRoot: ws.root });
  const stop = async () => {
    await world.stop();
    ws.remove();
  };
  try {
    ws.write('monochange.toml', monochangeToml({ source: world.sourceToml(), npm: options.packages, trustedPublishing: true }));
    await ws.nxOk([
      'g',
      '@monochange/nx:trusted-publishing',
      '--repository=acme/widgets',
      '--environment=release',
      '--provenance=false',
      '--trigger=tag',
      '--no-interactive',
    ]);
    initGitRepo(ws.root, world.go.originUrl);
    await seedNpmVersions(
      world.npm.verdaccio.url,
      options.packages.map((p, i) => ({ name: p.name, version: options.seedVersion(p, i) })),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { ws, world, stop };
}

/** Writes `version` into each package's package.json and commits it. */
export function bumpVersions(ws: BenchWorkspace, packages: GeneratedNpmPackage[], version: string): void {
  for (const p of packages) ws.write(`${p.dir}/package.json`, npmPackageJson(p, version));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: ws.root, stdio: 'ignore' });
  git('add', '-A');
  git('commit', '-q', '-m', `release ${version}`);
}
