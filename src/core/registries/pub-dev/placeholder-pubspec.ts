import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { MonochangeError } from '../../errors';
import type { PlaceholderRequest } from '../types';
import { COMMON_LICENSE_NAMES, findFile } from '../support/license-file';
import { sourceRepositoryUrl } from '../support/source-url';

// pub warns about descriptions under 60 characters, and `pub publish --dry-run` fails on warnings.
const DESCRIPTION = 'Placeholder package published by monochange to reserve the name and set up trusted publishing.';

/**
 * Writes the placeholder package, with what pub's validator insists on: pubspec
 * `0.0.0` with an SDK constraint (pub rejects a pubspec without one), README.md,
 * CHANGELOG.md, the package's (or repository's) LICENSE and a library file.
 */
export async function writePubPlaceholder(dir: string, req: PlaceholderRequest): Promise<void> {
  const { manifest, pkg } = req;
  const license = findFile([manifest.dir, req.root], COMMON_LICENSE_NAMES);
  if (!license) {
    throw new MonochangeError(`\`${pkg.id}\` placeholder publishing to pub.dev needs a LICENSE file, and there is none in ${manifest.dir} or ${req.root}`, {
      file: manifest.file,
      key: pkg.id,
      code: 'placeholder.pub-license',
      fix: 'add a LICENSE file next to pubspec.yaml or at the repository root (pub.dev refuses packages without one)',
    });
  }
  const pubspec: Record<string, unknown> = { name: manifest.name, version: '0.0.0', description: DESCRIPTION };
  const repository = manifest.dart?.repository?.trim() || sourceRepositoryUrl(req.source);
  if (repository) pubspec.repository = repository;
  pubspec.environment = { sdk: '>=3.0.0 <4.0.0' };
  await writeFile(path.join(dir, 'pubspec.yaml'), stringify(pubspec));
  await writeFile(path.join(dir, 'README.md'), req.readme);
  await writeFile(path.join(dir, 'CHANGELOG.md'), '## 0.0.0\n\n- Placeholder release.\n');
  await copyFile(license, path.join(dir, 'LICENSE'));
  await mkdir(path.join(dir, 'lib'));
  await writeFile(path.join(dir, 'lib', `${manifest.name}.dart`), `/// Placeholder library for ${manifest.name}, published by monochange.\nlibrary;\n`);
}
