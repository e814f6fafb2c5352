import fs from 'node:fs/promises';
import path from 'node:path';
import { MonochangeError } from '../../errors';
import { stripJsonc } from '../../manifests/json-text';
import type { Manifest } from '../../manifests/types';
import { COMMON_LICENSE_NAMES, findFile } from '../support/license-file';

/** What makes `deno publish` accept the placeholder's license (JSR requires one). */
export type PlaceholderLicense = { field: string } | { file: string };

/**
 * The package's `license` field, else a LICENSE file next to the manifest, else one at the
 * workspace root. JSR refuses packages without a license, so none at all is an error.
 */
export async function findPlaceholderLicense(manifest: Pick<Manifest, 'file' | 'dir' | 'name'>, root: string): Promise<PlaceholderLicense> {
  const field = await licenseField(manifest.file);
  if (field) return { field };
  const file = findFile([manifest.dir, root], COMMON_LICENSE_NAMES);
  if (file) return { file };
  throw new MonochangeError(`the JSR placeholder for ${manifest.name} needs a license, and none was found`, {
    code: 'jsr.placeholder-license',
    file: manifest.file,
    key: 'license',
    fix: `add "license": "<SPDX id>" to ${path.basename(manifest.file)}, or a LICENSE file next to it or at the workspace root (JSR rejects packages without a license)`,
  });
}

async function licenseField(file: string): Promise<string | undefined> {
  try {
    const json = JSON.parse(stripJsonc(await fs.readFile(file, 'utf8'))) as { license?: unknown };
    return typeof json.license === 'string' && json.license.trim() ? json.license.trim() : undefined;
  } catch {
    return undefined;
  }
}
