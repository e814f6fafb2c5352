import { formatKeyPath, packageTable } from '../../core/config/key-path';
import type { Tree } from '@nx/devkit';
import { CONFIG_FILE_NAME } from '../../core/config/types';
import { MonochangeError } from '../../core/errors';
import { ECOSYSTEMS, ECOSYSTEM_CONFIG_KEYS, ecosystemConfigKey, type Ecosystem, type EcosystemConfigKey } from '../../core/types';
import { detectWorkflowPackageManager, type WorkflowPackageManager } from '../../core/workflow/package-manager';
import { GITLAB_CI_FILE } from '../../core/workflow/render-gitlab';
import type { WorkflowTrigger } from '../../core/workflow/render-workflow';
import { detectSource } from '../init/git-remote';
import { readDeclaredConfig, type DeclaredConfig, type DeclaredPackage } from './read-declared';
import type { TrustedPublishingGeneratorSchema } from './schema';

export type CiProvider = 'github' | 'gitlab';

/** Ecosystems whose registries accept GitLab CI/CD OIDC tokens, as this plugin publishes them. */
export const GITLAB_ECOSYSTEMS: readonly EcosystemConfigKey[] = ['npm', 'python'];
const GITLAB_UNSUPPORTED_REASON: Partial<Record<EcosystemConfigKey, string>> = {
  cargo: 'crates.io trusted publishing from GitLab CI/CD is not supported by this plugin (its crates.io exchange works with GitHub Actions only)',
  deno: 'JSR accepts trusted publishing from GitHub Actions only',
  dart: 'pub.dev accepts trusted publishing from GitHub Actions and Google Cloud Build only',
  go: 'the Go module job is generated for GitHub Actions only so far',
};

export interface NormalizedOptions {
  config: DeclaredConfig;
  /** The CI system the publish pipeline is written for. */
  ci: CiProvider;
  /** Ecosystem keys to configure (flutter is configured under dart). */
  ecosystems: EcosystemConfigKey[];
  /** Packages to set up (enabled ones of `ecosystems`, limited by `packages`). */
  packages: DeclaredPackage[];
  /** `packages` was given: write package-level tables. */
  limited: boolean;
  repository: string;
  owner: string;
  repo: string;
  workflow: string;
  environment: string;
  provenance: boolean;
  trigger: WorkflowTrigger;
  /** Package manager of the workspace root, which the workflows install with. */
  packageManager: WorkflowPackageManager;
  skipWorkflow: boolean;
  skipFormat: boolean;
  /** Things worth telling the user (ecosystems without packages, forced triggers, ...). */
  notes: string[];
}

const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
/**
 * GitLab project path. Projects in subgroups (`group/subgroup/project`) are not accepted yet: the
 * `repository` key of monochange.toml takes one `owner/name` pair.
 */
const GITLAB_PROJECT = REPOSITORY;
const WORKFLOW = /^[A-Za-z0-9_.-]+\.ya?ml$/;
const ENVIRONMENT = /^[^\s'"`$\\]{1,255}$/;
const TRIGGERS: readonly WorkflowTrigger[] = ['release', 'tag', 'manual'];

/** `--x=a,b` arrives as a string or an array depending on how the generator is called. */
function list(value: string[] | string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(','));
  const clean = items.map((v) => v.trim()).filter(Boolean);
  return clean.length ? [...new Set(clean)] : undefined;
}

function invalid(option: string, found: string, fix: string): MonochangeError {
  return new MonochangeError(`invalid --${option}`, { code: 'generator.invalid-option', key: option, found, fix });
}

export function normalizeOptions(tree: Tree, options: TrustedPublishingGeneratorSchema): NormalizedOptions {
  const notes: string[] = [];
  const config = readDeclaredConfig(tree);

  const ci = resolveCi(tree, options.ci, config);
  if (ci === 'gitlab' && options.workflow !== undefined && options.workflow !== GITLAB_CI_FILE) {
    notes.push(`--workflow is ignored on GitLab: registries check the top-level pipeline file, ${GITLAB_CI_FILE}, which includes the publish job.`);
  }
  const workflow = ci === 'gitlab' ? GITLAB_CI_FILE : (options.workflow ?? 'publish.yml');
  if (!WORKFLOW.test(workflow)) {
    throw invalid('workflow', JSON.stringify(workflow), 'give a bare file name such as `publish.yml` (it is written to .github/workflows/)');
  }
  const environment = (options.environment ?? 'publisher').trim();
  if (environment !== '' && !ENVIRONMENT.test(environment)) {
    throw invalid('environment', JSON.stringify(environment), 'use a GitHub environment name without spaces or quotes, e.g. `publisher`, or "" for none');
  }
  const trigger = options.trigger ?? 'release';
  if (!TRIGGERS.includes(trigger)) {
    throw invalid('trigger', JSON.stringify(trigger), 'use `release` (release published), `tag` (tag push) or `manual` (workflow_dispatch)');
  }

  const repository = ci === 'gitlab' ? resolveGitlabProject(tree, options.repository, config) : resolveRepository(tree, options.repository, config);
  const owner = repository.slice(0, repository.lastIndexOf('/'));
  const repo = repository.slice(repository.lastIndexOf('/') + 1);

  const enabled = config.packages.filter((p) => p.enabled);
  const wanted = list(options.packages);
  let selected = enabled;
  if (wanted) {
    // A package may be named by its id or by its Nx project name (`@acme/core`), as everywhere else.
    const known = new Map<string, DeclaredPackage>();
    for (const p of config.packages) known.set(p.id, p).set(p.project, known.get(p.project) ?? p);
    const picked: DeclaredPackage[] = [];
    for (const name of wanted) {
      const pkg = known.get(name);
      if (!pkg) {
        throw new MonochangeError(`--packages names \`${name}\`, which is neither a package of ${CONFIG_FILE_NAME} nor the Nx project of one`, {
          code: 'generator.unknown-package',
          file: CONFIG_FILE_NAME,
          key: formatKeyPath(['package', name]),
          fix: config.packages.length
            ? `use Nx project names or the [package.<id>] keys of ${CONFIG_FILE_NAME}: ${config.packages.map((p) => (p.project === p.id ? p.id : `${p.project} (${p.id})`)).join(', ')}`
            : `declare the package as ${packageTable(name)} in ${CONFIG_FILE_NAME} first`,
        });
      }
      if (!pkg.enabled) notes.push(`Package ${pkg.project} has publish.enabled = false; it is set up anyway because --packages names it.`);
      if (!picked.includes(pkg)) picked.push(pkg);
    }
    selected = config.packages.filter((p) => picked.includes(p));
  }

  const wantedEcosystems = list(options.ecosystems);
  let ecosystems: EcosystemConfigKey[];
  if (wantedEcosystems) {
    for (const e of wantedEcosystems) {
      if (!(ECOSYSTEMS as readonly string[]).includes(e)) {
        throw invalid('ecosystems', JSON.stringify(e), `use some of ${ECOSYSTEMS.join(', ')}`);
      }
    }
    ecosystems = orderEcosystems(wantedEcosystems.map((e) => ecosystemConfigKey(e as Ecosystem)));
    selected = selected.filter((p) => ecosystems.includes(p.ecosystem));
    for (const e of ecosystems) {
      if (!selected.some((p) => p.ecosystem === e)) notes.push(`No ${e} package is declared in ${CONFIG_FILE_NAME}; its settings are written anyway.`);
    }
  } else {
    ecosystems = orderEcosystems(selected.map((p) => p.ecosystem));
  }
  if (ci === 'gitlab') {
    const unsupported = ecosystems.filter((e) => !GITLAB_ECOSYSTEMS.includes(e));
    for (const e of unsupported) {
      const names = selected.filter((p) => p.ecosystem === e).map((p) => p.id);
      notes.push(
        `${GITLAB_UNSUPPORTED_REASON[e]}: no GitLab job and no trusted-publishing settings are written for ${e}${names.length ? ` (${names.join(', ')})` : ''}.`,
      );
    }
    ecosystems = ecosystems.filter((e) => GITLAB_ECOSYSTEMS.includes(e));
    selected = selected.filter((p) => GITLAB_ECOSYSTEMS.includes(p.ecosystem));
  }
  if (ecosystems.length === 0) {
    throw new MonochangeError(`no package to set up trusted publishing for in ${CONFIG_FILE_NAME}`, {
      code: 'generator.no-packages',
      file: CONFIG_FILE_NAME,
      fix: `declare packages as [package.<id>] tables with \`path\` and \`type\` (or run \`nx g @monochange/nx:init\` in a workspace that has them), or pass --ecosystems`,
    });
  }
  if (ci === 'github' && trigger !== 'tag' && selected.some((p) => p.ecosystem === 'dart')) {
    notes.push('pub.dev only accepts tag-push triggers: Dart packages get their own tag-triggered workflows.');
  }

  const packageManager = detectWorkflowPackageManager((file) => tree.read(file, 'utf-8'));
  if (packageManager.name === 'pnpm' && (packageManager.major ?? 0) >= 11) {
    notes.push(
      `The workflow sets up pnpm ${packageManager.major} with pnpm/action-setup, whose maintainers point pnpm 11 and later to pnpm/setup: check the "Set up pnpm" step on the first run.`,
    );
  }

  return {
    config,
    ci,
    ecosystems,
    packages: selected,
    limited: !!wanted,
    repository,
    owner,
    repo,
    workflow,
    environment,
    provenance: options.provenance ?? true,
    trigger,
    packageManager,
    skipWorkflow: options.skipWorkflow ?? false,
    skipFormat: options.skipFormat ?? false,
    notes,
  };
}

function orderEcosystems(keys: EcosystemConfigKey[]): EcosystemConfigKey[] {
  return ECOSYSTEM_CONFIG_KEYS.filter((k) => keys.includes(k));
}

const CI_PROVIDERS: readonly CiProvider[] = ['github', 'gitlab'];

/** `--ci`, else GitLab when `[source]` says so or the workspace has a `.gitlab-ci.yml`, else GitHub. */
function resolveCi(tree: Tree, given: string | undefined, config: DeclaredConfig): CiProvider {
  if (given !== undefined) {
    if (!(CI_PROVIDERS as readonly string[]).includes(given))
      throw invalid('ci', JSON.stringify(given), 'use `github` (GitHub Actions) or `gitlab` (GitLab CI/CD)');
    return given as CiProvider;
  }
  if (config.source) return config.source.provider === 'gitlab' ? 'gitlab' : 'github';
  return tree.exists(GITLAB_CI_FILE) ? 'gitlab' : 'github';
}

function resolveGitlabProject(tree: Tree, given: string | undefined, config: DeclaredConfig): string {
  if (given !== undefined) {
    const project = given
      .trim()
      .replace(/^https:\/\/gitlab\.com\//, '')
      .replace(/\.git$/, '');
    if (!GITLAB_PROJECT.test(project))
      throw invalid('repository', JSON.stringify(given), 'give the GitLab project path as `group/project` (projects in subgroups are not supported yet)');
    return project;
  }
  if (config.source?.provider === 'gitlab' && GITLAB_PROJECT.test(`${config.source.owner}/${config.source.repo}`)) {
    return `${config.source.owner}/${config.source.repo}`;
  }
  const remote = detectSource(tree);
  if (remote?.provider === 'gitlab' && GITLAB_PROJECT.test(`${remote.owner}/${remote.repo}`)) return `${remote.owner}/${remote.repo}`;
  throw new MonochangeError('cannot tell which GitLab project publishes', {
    code: 'generator.no-repository',
    file: CONFIG_FILE_NAME,
    key: 'source',
    found: config.source ? `[source] provider = "${config.source.provider}"` : 'no [source] and no gitlab `origin` remote',
    fix: `pass --repository=<group>/<project>, or set provider = "gitlab", owner and repo in [source] of ${CONFIG_FILE_NAME}`,
  });
}

function resolveRepository(tree: Tree, given: string | undefined, config: DeclaredConfig): string {
  if (given !== undefined) {
    const repository = given
      .trim()
      .replace(/^https:\/\/github\.com\//, '')
      .replace(/\.git$/, '');
    if (!REPOSITORY.test(repository)) {
      throw invalid('repository', JSON.stringify(given), 'give the GitHub repository as `owner/repo`');
    }
    return repository;
  }
  if (config.source && config.source.provider === 'github' && REPOSITORY.test(`${config.source.owner}/${config.source.repo}`)) {
    return `${config.source.owner}/${config.source.repo}`;
  }
  const remote = detectSource(tree);
  if (remote?.provider === 'github' && !remote.host) return `${remote.owner}/${remote.repo}`;
  throw new MonochangeError('cannot tell which GitHub repository publishes', {
    code: 'generator.no-repository',
    file: CONFIG_FILE_NAME,
    key: 'source',
    found: config.source ? `[source] provider = "${config.source.provider}"` : 'no [source] and no github.com `origin` remote',
    fix: `pass --repository=<owner>/<repo>, or set provider = "github", owner and repo in [source] of ${CONFIG_FILE_NAME}`,
  });
}
