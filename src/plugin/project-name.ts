import { formatKeyPath, packageTable } from '../core/config/key-path';
import { MonochangeError } from '../core/errors';

/**
 * The Nx project name of a package no other plugin names: its id, each `:` as `-` (`rust:keystore`
 * → `rust-keystore`). Ids may carry an ecosystem prefix, but in Nx a `:` in a project name is read
 * as the project/target separator: `nx run a:b:c` is project `a`, target `b`, configuration `c`
 * wherever the project graph is not at hand (our run hooks read only the argv), and `-p a:*`
 * selects every project.
 */
export function nxProjectName(id: string): string {
  return id.replace(/:/g, '-');
}

/**
 * The Nx project name of each declared package: the name of the project Nx already infers at its
 * path (`existingName`), else {@link nxProjectName} of the first package declared there. Throws
 * when a renamed id would take the id or the project name of a package in another directory
 * (packages of one directory share a project), so one name never stands for two packages.
 * `path`s as monochange.toml's parser normalises them.
 */
export function declaredProjectNames(
  packages: readonly { id: string; path: string }[],
  existingName: (id: string) => string | undefined,
  configFile: string,
): (id: string) => string {
  // Packages of one directory are one project, named after the first of them (as the plugin does).
  const firstAt = new Map<string, string>();
  for (const { id, path } of packages) if (!firstAt.has(path)) firstAt.set(path, id);
  const dirOf = new Map(packages.map(({ id, path }) => [id, path]));
  const nameOf = new Map(packages.map(({ id, path }) => [id, existingName(id) ?? nxProjectName(firstAt.get(path)!)]));
  const holders = new Map<string, string[]>();
  for (const [id, name] of nameOf) {
    for (const key of id === name ? [id] : [id, name]) holders.set(key, [...(holders.get(key) ?? []), id]);
  }
  for (const [id, name] of nameOf) {
    if (name === id || name !== nxProjectName(id)) continue;
    const other = holders.get(name)?.find((holder) => dirOf.get(holder) !== dirOf.get(id));
    if (other === undefined) continue;
    const taken = other === name ? `the id of package \`${other}\`` : `the Nx project name of package \`${other}\``;
    throw new MonochangeError(
      `packages \`${id}\` and \`${other}\` would share the Nx project name \`${name}\` (\`${id}\` gets its id with \`:\` as \`-\`, since \`:\` separates project and target in \`nx run\`; \`${name}\` is ${taken})`,
      {
        code: 'plugin.project-name-clash',
        file: configFile,
        key: formatKeyPath(['package', id]),
        fix: `rename one of ${packageTable(id)} and ${packageTable(other)} in monochange.toml, or give \`${id}\` an Nx project name of its own: "name" in a project.json in ${dirOf.get(id) || '.'}/`,
      },
    );
  }
  return (id) => nameOf.get(id) ?? nxProjectName(id);
}
