import { dartWorkflowFile } from './config-edits';
import type { NormalizedOptions } from './normalize-options';
import type { DeclaredPackage } from './read-declared';

/**
 * The registry-side steps that stay manual, per package: the setup page and the exact values to
 * enter there (from the monochange.toml settings), and for npm the `npm trust` command that does it
 * from a terminal.
 */
export function manualSteps(o: NormalizedOptions, targets: { placeholderPublish: string }): string[] {
  if (o.ci === 'gitlab') return gitlabSteps(o, targets.placeholderPublish);
  const env = o.environment;
  const lines: string[] = [
    `Trusted publishing is configured in monochange.toml. Finish the registry side for each package`,
    `(repository ${o.repository}, workflow ${o.workflow}, environment ${env || '(none)'}):`,
  ];
  for (const pkg of o.packages) {
    lines.push('', ...packageSteps(o, pkg, targets.placeholderPublish).map((l, i) => (i === 0 ? l : `  ${l}`)));
  }
  if (env) {
    lines.push(
      '',
      `Create the GitHub environment "${env}" (repository Settings → Environments) and protect it with required`,
      'reviewers or deployment branch/tag rules: the registries trust any run of the workflow that uses it.',
    );
  }
  return lines;
}

function packageSteps(o: NormalizedOptions, pkg: DeclaredPackage, placeholderTarget: string): string[] {
  const env = o.environment;
  const envField = (label: string) => (env ? ` · ${label}: ${env}` : '');
  const envFlag = env ? ` --env ${env}` : '';
  const placeholder = `npx nx run ${pkg.project}:${placeholderTarget}`;
  const unread = pkg.manifestFound ? '' : ` (manifest not found under ${pkg.path}; using the package id)`;
  switch (pkg.ecosystem) {
    case 'npm':
      return [
        `npm: ${pkg.name} (project ${pkg.project})${unread}`,
        `Open https://www.npmjs.com/package/${pkg.name}/access → Trusted publishing → GitHub Actions:`,
        `  Organization or user: ${o.owner} · Repository: ${o.repo} · Workflow filename: ${o.workflow}${envField('Environment name')}`,
        `Or run: npm trust github ${pkg.name} --file ${o.workflow} --repo ${o.repository}${envFlag} --allow-publish --yes`,
        `Or:     ${placeholder} --configureTrust   (publishes a 0.0.0 placeholder first when the package is new)`,
      ];
    case 'cargo':
      return [
        `crates.io: ${pkg.name} (project ${pkg.project})${unread}`,
        `Open https://crates.io/crates/${encodeURIComponent(pkg.name)} → Settings → Trusted Publishing → Add:`,
        `  Repository owner: ${o.owner} · Repository name: ${o.repo} · Workflow filename: ${o.workflow}${envField('Environment')}`,
        `The crate must exist first: ${placeholder} publishes a placeholder (that first publish needs a crates.io token).`,
      ];
    case 'deno':
      return [
        `JSR: ${pkg.name} (project ${pkg.project})${unread}`,
        `Open https://jsr.io/${pkg.name} → Settings → GitHub repository: link ${o.repository}.`,
        'JSR checks the repository only; the workflow and environment are enforced by monochange at publish time.',
      ];
    case 'dart': {
      const workflow = dartWorkflowFile(pkg);
      return [
        `pub.dev: ${pkg.name} (project ${pkg.project})${unread}`,
        `Open https://pub.dev/packages/${pkg.name}/admin → Automated publishing → Enable publishing from GitHub Actions:`,
        `  Repository: ${o.repository} · Tag pattern: ${pkg.name}-v{{version}}${env ? ` · Require GitHub Actions environment: ${env}` : ''}`,
        `Publish by pushing a tag such as ${pkg.name}-v1.2.3; it starts ${workflow} (pub.dev rejects branch and manual runs).`,
        `The package must exist first: ${placeholder} publishes a placeholder.`,
      ];
    }
    case 'python':
      return [
        `PyPI: ${pkg.name} (project ${pkg.project})${unread}`,
        `Open https://pypi.org/manage/project/${pkg.name}/settings/publishing/ → Add a new publisher → GitHub:`,
        `  Owner: ${o.owner} · Repository name: ${o.repo} · Workflow name: ${o.workflow}${envField('Environment name')}`,
        'A project that does not exist yet can use a "pending publisher" (https://pypi.org/manage/account/publishing/).',
      ];
    case 'go': {
      const prefix = pkg.path === '.' || pkg.path === '' ? '' : `${pkg.path}/`;
      return [
        `Go: ${pkg.name} (project ${pkg.project})${unread}`,
        `No registry setup: pushing a release tag such as ${prefix}v1.2.3 starts ${dartWorkflowFile(pkg)}, which checks that origin has the tag`,
        'and asks the Go proxy to fetch that version (the job only reads the repository: contents: read).',
        'Protect those tags (repository Settings → Rules → Tag rulesets): whoever can push one publishes a version.',
      ];
    }
  }
}

/** GitLab CI/CD: the registries are told the project path and the top-level pipeline file. */
function gitlabSteps(o: NormalizedOptions, placeholderTarget: string): string[] {
  const env = o.environment;
  const lines: string[] = [
    'Trusted publishing is configured in monochange.toml. Finish the registry side for each package',
    `(GitLab project ${o.repository}, pipeline file ${o.workflow}, environment ${env || '(none)'}):`,
  ];
  for (const pkg of o.packages) {
    const unread = pkg.manifestFound ? '' : ` (manifest not found under ${pkg.path}; using the package id)`;
    const envField = (label: string) => (env ? ` · ${label}: ${env}` : '');
    const step =
      pkg.ecosystem === 'npm'
        ? [
            `npm: ${pkg.name} (project ${pkg.project})${unread}`,
            `Open https://www.npmjs.com/package/${pkg.name}/access → Trusted publishing → GitLab CI/CD:`,
            `  Namespace: ${o.owner} · Project name: ${o.repo} · Top-level CI file path: ${o.workflow}${envField('Environment name')}`,
            `Or run: npm trust gitlab ${pkg.name} --file ${o.workflow} --project ${o.repository}${env ? ` --env ${env}` : ''} --allow-publish --yes`,
            `A new package needs a first version before npm accepts a trusted publisher: npx nx run ${pkg.project}:${placeholderTarget}`,
          ]
        : [
            `PyPI: ${pkg.name} (project ${pkg.project})${unread}`,
            `Open https://pypi.org/manage/project/${pkg.name}/settings/publishing/ → Add a new publisher → GitLab:`,
            `  Namespace: ${o.owner} · Project name: ${o.repo} · Top-level pipeline file path: ${o.workflow}${envField('Environment name')}`,
            'A project that does not exist yet can use a "pending publisher" (https://pypi.org/manage/account/publishing/).',
          ];
    lines.push('', ...step.map((l, i) => (i === 0 ? l : `  ${l}`)));
  }
  lines.push('', 'Protect the release tags (Settings → Repository → Protected tags): the publish job runs only for protected tags.');
  if (env) {
    lines.push(
      `Protect the environment "${env}" (Settings → CI/CD → Protected environments) with required approvals:`,
      'the registries trust any job of this project that uses it.',
    );
  }
  return lines;
}
