import path from 'node:path';
import { MonochangeError } from '../../errors';
import type { Manifest } from '../../manifests/types';

const JSR_NAME = /^@[a-z0-9][a-z0-9-]*\/[a-z0-9][a-z0-9-]*$/;

/** The `@scope/name` of a JSR package; anything else is a MonochangeError naming the manifest. */
export function jsrPackageName(manifest: Pick<Manifest, 'name' | 'file'>): string {
  if (JSR_NAME.test(manifest.name)) return manifest.name;
  const fileName = path.basename(manifest.file);
  throw new MonochangeError(`JSR package names must look like @scope/name (lower-case letters, digits and -)`, {
    code: 'jsr.bad-name',
    file: manifest.file,
    key: 'name',
    found: JSON.stringify(manifest.name),
    fix: `set "name" in ${fileName} to "@<scope>/<name>", using a scope you own on https://jsr.io`,
  });
}
