import semver from 'semver';
import { MonochangeError } from '../../errors';
import type { Manifest } from '../../manifests/types';

/** Go module proxy case encoding: each upper-case letter → `!` + lower-case (`Repo` → `!repo`). */
export function escapeModulePath(modulePath: string): string {
  return modulePath.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
}

/** `1.2.3` → `v1.2.3`; `v2.0.0` stays. */
export function goVersion(version: string): string {
  return version.startsWith('v') ? version : `v${version}`;
}

export function modulePathOf(manifest: Manifest): string {
  return manifest.go?.modulePath ?? manifest.name;
}

/** Module dir relative to the repository root, `/`-trimmed; `""` for the root module. */
export function tagPrefixOf(manifest: Manifest): string {
  if (!manifest.go) {
    throw new MonochangeError(`Go module ${manifest.name} has no module data (module path, relative path)`, {
      file: manifest.file,
      code: 'go.missing-module-data',
      fix: 'read the module with the Go manifest reader so its path relative to the repository is known',
    });
  }
  const prefix = manifest.go.relativePath.replace(/^\/+|\/+$/g, '');
  return prefix === '.' ? '' : prefix;
}

/** Release tag of a module version: `v1.2.3` for the root module, `sub/dir/v1.2.3` nested. */
export function goTagFor(manifest: Manifest, version: string): string {
  const prefix = tagPrefixOf(manifest);
  const v = goVersion(version);
  return prefix ? `${prefix}/${v}` : v;
}

/**
 * Go only accepts semantic versions, and major versions from 2 on need a `/vN` suffix on the
 * module path (`gopkg.in/x.vN` for gopkg.in). Catching this before tagging matters: tags are forever.
 */
export function assertPublishableGoVersion(manifest: Manifest, version: string): void {
  const v = goVersion(version);
  const parsed = semver.parse(v.slice(1));
  if (!parsed || `v${parsed.version}` !== v.replace(/\+.*$/, '')) {
    throw new MonochangeError(`${v} is not a valid Go module version for ${modulePathOf(manifest)}`, {
      file: manifest.file,
      code: 'go.invalid-version',
      found: version,
      fix: 'use a semantic version such as 1.2.3 or 1.2.3-rc.1',
    });
  }
  if (parsed.major >= 2) {
    const modulePath = modulePathOf(manifest);
    const suffixOk = modulePath.startsWith('gopkg.in/') ? modulePath.endsWith(`.v${parsed.major}`) : modulePath.endsWith(`/v${parsed.major}`);
    if (!suffixOk) {
      throw new MonochangeError(`${v} of ${modulePath} needs the module path to end in /v${parsed.major}`, {
        file: manifest.file,
        key: 'module',
        code: 'go.major-version-suffix',
        fix: `change the module line of go.mod to \`module ${modulePath}/v${parsed.major}\` (and update imports), or publish a v0/v1 version`,
      });
    }
  }
}
