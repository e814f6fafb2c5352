import type { PackageConfig } from '../config/types';
import type { BatchTask } from '../run/batch';

/**
 * The batch tasks of declared packages outside Nx: task `<id>:<target>`, project name = package
 * id, project root = package path, and `dependsOn` the packages each one must wait for (by id).
 */
export function packageTasks<O>(
  packages: readonly PackageConfig[],
  target: string,
  options: (pkg: PackageConfig) => O,
  waitsFor: (id: string) => readonly string[] = () => [],
): BatchTask<O>[] {
  return packages.map((pkg) => ({
    id: taskId(pkg.id, target),
    projectName: pkg.id,
    projectRoot: pkg.path,
    options: options(pkg),
    dependsOn: waitsFor(pkg.id).map((id) => taskId(id, target)),
  }));
}

function taskId(packageId: string, target: string): string {
  return `${packageId}:${target}`;
}
