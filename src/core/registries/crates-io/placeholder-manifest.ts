import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'smol-toml';
import { MonochangeError } from '../../errors';
import type { PlaceholderRequest } from '../types';
import { findFile } from '../support/license-file';
import { sourceRepositoryUrl } from '../support/source-url';

const DEFAULT_DESCRIPTION = 'Placeholder crate published by monochange';

/**
 * Writes the placeholder crate: Cargo.toml `0.0.0`, README.md, src/lib.rs and the
 * declared license file copied to LICENSE. An empty `[workspace]` keeps cargo from looking for a
 * workspace above the temp dir.
 */
export async function writeCargoPlaceholder(dir: string, req: PlaceholderRequest): Promise<void> {
  const { manifest, pkg } = req;
  const cargo = manifest.cargo;
  const license = cargo?.license?.trim();
  const declaredFile = cargo?.licenseFile?.trim();
  if (!license && !declaredFile) {
    throw new MonochangeError(`\`${pkg.id}\` placeholder publishing requires \`package.license\` or \`package.license-file\``, {
      file: manifest.file,
      key: 'package.license',
      code: 'placeholder.cargo-license',
      fix: 'add `license = "MIT OR Apache-2.0"` (an SPDX expression) or `license-file = "LICENSE"` to [package] (or to [workspace.package] with `license.workspace = true`)',
    });
  }
  const pkgTable: Record<string, string> = {
    name: manifest.name,
    version: '0.0.0',
    edition: cargo?.edition?.trim() || '2021',
    description: cargo?.description?.trim() || DEFAULT_DESCRIPTION,
    readme: 'README.md',
  };
  if (license) pkgTable.license = license;
  if (declaredFile) {
    const source = findFile([manifest.dir, req.root], [declaredFile]);
    if (!source) {
      throw new MonochangeError(`\`${pkg.id}\` declares \`license-file = "${declaredFile}"\` but no such file exists in ${manifest.dir} or ${req.root}`, {
        file: manifest.file,
        key: 'package.license-file',
        code: 'placeholder.cargo-license-file',
        fix: `create ${declaredFile} next to Cargo.toml, or fix the \`license-file\` path`,
      });
    }
    await copyFile(source, path.join(dir, 'LICENSE'));
    pkgTable['license-file'] = 'LICENSE';
  }
  const repository = cargo?.repository?.trim() || sourceRepositoryUrl(req.source);
  if (repository) pkgTable.repository = repository;
  await writeFile(path.join(dir, 'Cargo.toml'), `${stringify({ package: pkgTable, workspace: {} })}\n`);
  await writeFile(path.join(dir, 'README.md'), req.readme);
  await mkdir(path.join(dir, 'src'));
  await writeFile(path.join(dir, 'src', 'lib.rs'), '//! Placeholder crate published by monochange.\n');
}
