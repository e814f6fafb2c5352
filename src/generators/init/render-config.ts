import { formatTomlKey, formatTomlValue } from '../../core/workflow/toml-edit';
import type { DetectedPackage } from './detect-packages';
import type { RemoteSource } from './git-remote';

/** The first `monochange.toml` of a workspace, commented for someone who has never seen one. */
export function renderInitialConfig(packages: readonly DetectedPackage[], source: RemoteSource | undefined): string {
  const out: string[] = [
    '# monochange.toml: which packages @monochange/nx publishes, and how.',
    '# Created by `nx add @monochange/nx`. The generators edit this file as text, so your',
    '# comments, ordering and formatting stay as you write them.',
    '#',
    '# Next: `nx g @monochange/nx:trusted-publishing` sets up trusted publishing (OIDC, no',
    '# registry tokens) for these packages and writes a hardened GitHub Actions workflow.',
    '',
  ];
  if (source) {
    out.push(
      '# The repository the packages are published from. Trusted publishing expects this',
      '# owner/repo unless `publish.trusted_publishing.repository` says otherwise.',
      '[source]',
      `provider = ${formatTomlValue(source.provider)}`,
    );
    if (source.host) out.push(`host = ${formatTomlValue(source.host)}`);
    out.push(`owner = ${formatTomlValue(source.owner)}`, `repo = ${formatTomlValue(source.repo)}`, '');
  } else {
    out.push(
      '# No `origin` git remote was found. Uncomment and fill in the repository that publishes:',
      '# [source]',
      '# provider = "github"',
      '# owner = "<owner>"',
      '# repo = "<repo>"',
      '',
    );
  }
  out.push(
    '# One [package.<id>] table per package to publish:',
    '#   path: the package directory, relative to this file',
    '#   type: npm, cargo, deno, dart, flutter, python or go',
    '# To keep a package out of publishing, add `publish.enabled = false` to its table.',
  );
  if (packages.length === 0) {
    out.push(
      '# No publishable package was found (private packages and `publish = false` crates are',
      '# skipped). Declare packages like this:',
      '#',
      '# [package.my-lib]',
      '# path = "packages/my-lib"',
      '# type = "npm"',
    );
  }
  return `${out.join('\n')}\n${renderPackageTables(packages)}`;
}

/** One commented `[package.<id>]` table per package, each after a blank line. */
export function renderPackageTables(packages: readonly DetectedPackage[]): string {
  const out: string[] = [];
  for (const pkg of packages) {
    out.push('', `# ${pkg.name} (${pkg.manifest})`, `[package.${formatTomlKey(pkg.id)}]`);
    out.push(`path = ${formatTomlValue(pkg.path)}`, `type = ${formatTomlValue(pkg.type)}`);
  }
  return out.length ? `${out.join('\n')}\n` : '';
}
