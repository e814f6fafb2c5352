import { Document, isMap, isScalar, parseDocument, type Scalar } from 'yaml';
import { MonochangeError } from '../errors';
import type { EcosystemConfigKey } from '../types';
import { ACTION_PINS, usesRef, versionComment, type ActionPin } from './action-pins';
import type { WorkflowPackageManager } from './package-manager';
import { mergeDocuments, type MergeRules } from './yaml-merge';

/**
 * Builds hardened GitHub Actions publish workflows: `permissions: {}`
 * at the top, `id-token: write` only on the publish job, every action pinned to a commit SHA, no
 * caches, no `${{ }}` inside `run:`, credentials not persisted by checkout, no Nx Agents.
 */

export type WorkflowTrigger = 'release' | 'tag' | 'manual';

/** The npm CLI that performs the OIDC token exchange itself. */
export const MIN_NPM_FOR_TRUSTED_PUBLISHING = '11.5.1';
export const NODE_VERSION = '24';
export const DEFAULT_TAG_PATTERNS = ['v[0-9]+.[0-9]+.[0-9]+*'];
/** The readiness and publish result files; `.monochange` is a dot-folder. */
export const RESULTS_GLOB = '.monochange/*.json';

export interface PublishWorkflowSpec {
  /** Workflow display name (`name:`). */
  name: string;
  trigger: WorkflowTrigger;
  /** `on.push.tags` patterns for the `tag` trigger. */
  tagPatterns?: string[];
  /** GitHub environment of the publish job; `''` for none. */
  environment: string;
  /** Ecosystems whose toolchains and registry steps the publish job needs. */
  ecosystems: readonly EcosystemConfigKey[];
  /** What to run: `run-many` over the given projects (all when absent), or one project. */
  target: { kind: 'run-many'; projects?: string[] } | { kind: 'project'; project: string };
  /** Nx target names (the plugin's `readinessTargetName` / `publishTargetName`). */
  targets?: { readiness: string; publish: string };
  /** Prefix of the concurrency group. */
  concurrencyGroup: string;
  /** Name of the uploaded `.monochange/*.json` artifact. */
  artifactName: string;
  /** Dart packages built with Flutter (no pinned Flutter setup action is shipped). */
  flutter?: boolean;
  /** Package manager that installs the workspace (npm when absent). */
  packageManager?: WorkflowPackageManager;
}

const NPM_VERSION_CHECK = [
  `required="${MIN_NPM_FOR_TRUSTED_PUBLISHING}"`,
  'current="$(npm --version)"',
  'if [ "$(printf \'%s\\n%s\\n\' "$required" "$current" | sort -V | head -n 1)" != "$required" ]; then',
  '  echo "::error::npm $current cannot publish with trusted publishing (OIDC); npm >= $required is needed"',
  '  exit 1',
  'fi',
  'echo "npm $current"',
  '',
].join('\n');

/** Names of every step this module can generate: such steps are dropped when no longer wanted. */
export const GENERATED_STEP_NAMES = new Set([
  'Check out',
  'Set up pnpm',
  'Set up Node.js',
  'Enable Corepack',
  'Set up Bun',
  'Check npm supports trusted publishing',
  'Install dependencies',
  'Set up Rust',
  'Set up Deno',
  'Set up uv',
  'Set up Go',
  'Set up Dart',
  'Check publish readiness',
  'Get a crates.io token (OIDC)',
  'Publish',
  'Upload publish results',
]);

const GENERATED_ACTIONS: ReadonlySet<string> = new Set(Object.values(ACTION_PINS).map((p) => p.action));

type Step = Record<string, unknown>;
interface Comments {
  /** Trailing comments by path (scalar values). */
  trailing: { path: (string | number)[]; text: string }[];
  /** Comments above a key, by path of the key. */
  above: { path: (string | number)[]; text: string }[];
}

function pinned(name: string, pin: ActionPin, extra: Step = {}): Step {
  const { with: withInputs, ...rest } = extra;
  return { name, ...rest, uses: usesRef(pin), ...(withInputs ? { with: withInputs } : {}) };
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

function nxCommand(spec: PublishWorkflowSpec, which: 'readiness' | 'publish'): string {
  const { target } = spec;
  const task = spec.targets?.[which] ?? which;
  if (target.kind === 'project') return `npx nx run ${shellQuote(`${target.project}:${task}`)}`;
  const projects = target.projects?.length ? ` --projects=${shellQuote(target.projects.join(','))}` : '';
  return `npx nx run-many -t ${shellQuote(task)}${projects}`;
}

/** The lockfile install, without lifecycle scripts, for each package manager. */
export function installCommand(pm: WorkflowPackageManager): string {
  switch (pm.name) {
    case 'npm':
      return 'npm ci --ignore-scripts';
    case 'pnpm':
      return 'pnpm install --frozen-lockfile --ignore-scripts';
    case 'yarn':
      return pm.berry ? 'yarn install --immutable --mode=skip-build' : 'yarn install --frozen-lockfile --ignore-scripts';
    case 'bun':
      return 'bun install --frozen-lockfile --ignore-scripts';
  }
}

function buildSteps(spec: PublishWorkflowSpec): Step[] {
  const has = (e: EcosystemConfigKey) => spec.ecosystems.includes(e);
  const pm = spec.packageManager ?? { name: 'npm' };
  const steps: Step[] = [];
  steps.push(
    pinned('Check out', ACTION_PINS.checkout, {
      with: { 'persist-credentials': false, ...(has('go') ? { 'fetch-depth': 0 } : {}) },
    }),
  );
  // pnpm/action-setup reads `packageManager` itself, and fails when `version` is given as well.
  if (pm.name === 'pnpm') steps.push(pinned('Set up pnpm', ACTION_PINS.setupPnpm, pm.version ? { with: { version: pm.version } } : {}));
  steps.push(
    pinned('Set up Node.js', ACTION_PINS.setupNode, {
      with: { 'node-version': NODE_VERSION, 'package-manager-cache': false },
    }),
  );
  // Node 24 ships Corepack, which runs the Yarn named by `packageManager` (Yarn 1 without it).
  if (pm.name === 'yarn') steps.push({ name: 'Enable Corepack', run: 'corepack enable' });
  if (pm.name === 'bun') {
    steps.push(
      pinned('Set up Bun', ACTION_PINS.setupBun, {
        with: { ...(pm.versionFromPackageJson ? { 'bun-version-file': 'package.json' } : {}), 'no-cache': true },
      }),
    );
  }
  // npm still performs the OIDC exchange and the upload, whichever package manager installs.
  if (has('npm')) steps.push({ name: 'Check npm supports trusted publishing', run: NPM_VERSION_CHECK });
  steps.push({ name: 'Install dependencies', run: installCommand(pm) });
  if (has('cargo')) {
    steps.push({ name: 'Set up Rust', run: 'rustup toolchain install stable --profile minimal --no-self-update\nrustup default stable\n' });
  }
  if (has('deno')) steps.push(pinned('Set up Deno', ACTION_PINS.setupDeno, { with: { 'deno-version': 'v2.x' } }));
  if (has('python')) steps.push(pinned('Set up uv', ACTION_PINS.setupUv, { with: { 'enable-cache': false } }));
  if (has('go')) steps.push(pinned('Set up Go', ACTION_PINS.setupGo, { with: { 'go-version': 'stable', cache: false } }));
  if (has('dart')) steps.push(pinned('Set up Dart', ACTION_PINS.setupDart, { with: { sdk: 'stable' } }));
  steps.push({ name: 'Check publish readiness', run: nxCommand(spec, 'readiness') });
  if (has('cargo')) steps.push(pinned('Get a crates.io token (OIDC)', ACTION_PINS.cratesIoAuth, { id: 'crates-io-auth' }));
  const env: Record<string, string> = {};
  if (has('cargo')) env.CARGO_REGISTRY_TOKEN = '${{ steps.crates-io-auth.outputs.token }}';
  steps.push({ name: 'Publish', run: nxCommand(spec, 'publish'), ...(Object.keys(env).length ? { env } : {}) });
  steps.push(
    pinned('Upload publish results', ACTION_PINS.uploadArtifact, {
      if: 'always()',
      with: { name: spec.artifactName, path: RESULTS_GLOB, 'include-hidden-files': true, 'if-no-files-found': 'error' },
    }),
  );
  return steps;
}

function buildTrigger(spec: PublishWorkflowSpec): Record<string, unknown> {
  if (spec.trigger === 'release') return { release: { types: ['published'] } };
  if (spec.trigger === 'manual') return { workflow_dispatch: {} };
  return { push: { tags: spec.tagPatterns?.length ? spec.tagPatterns : DEFAULT_TAG_PATTERNS } };
}

/** The generated workflow as a YAML document (with its comments). */
export function buildPublishWorkflow(spec: PublishWorkflowSpec): Document {
  const has = (e: EcosystemConfigKey) => spec.ecosystems.includes(e);
  const steps = buildSteps(spec);
  const job: Record<string, unknown> = { name: 'Publish', 'runs-on': 'ubuntu-24.04', 'timeout-minutes': 30 };
  if (spec.environment) job.environment = spec.environment;
  job.permissions = { contents: 'read', 'id-token': 'write' };
  job.env = { NX_CLOUD_DISTRIBUTED_EXECUTION: 'false' };
  job.steps = steps;
  const doc = new Document({
    name: spec.name,
    on: buildTrigger(spec),
    permissions: {},
    concurrency: { group: `${spec.concurrencyGroup}-\${{ github.ref }}`, 'cancel-in-progress': false },
    jobs: { publish: job },
  });

  const comments: Comments = { trailing: [], above: [] };
  const jobPath = ['jobs', 'publish'];
  comments.above.push({ path: ['permissions'], text: ' No token permissions by default; the publish job asks for what it needs.' });
  comments.above.push({
    path: ['concurrency'],
    text: ' One publish per ref at a time, and never cancel one half-way through a multi-package publish.',
  });
  comments.above.push({
    path: [...jobPath, 'runs-on'],
    text: ' GitHub-hosted runner: npm provenance and the registries trust its OIDC identity.',
  });
  if (spec.environment) {
    comments.above.push({
      path: [...jobPath, 'environment'],
      text: ' Must match the environment configured on each registry (and in monochange.toml).',
    });
  }
  comments.trailing.push({
    path: [...jobPath, 'permissions', 'contents'],
    text:
      has('go') && spec.trigger === 'tag'
        ? ' read is enough for Go: the tag that started this run is already on origin; publishing checks that and asks the Go proxy to fetch it'
        : ' check out the repository',
  });
  comments.trailing.push({ path: [...jobPath, 'permissions', 'id-token'], text: ' OIDC token for trusted publishing' });
  comments.above.push({
    path: [...jobPath, 'env', 'NX_CLOUD_DISTRIBUTED_EXECUTION'],
    text: ' Never run these tasks on Nx Agents: only this job holds the OIDC token (Nx Cloud caching is fine).',
  });
  steps.forEach((step, i) => {
    if (typeof step.uses !== 'string') return;
    const pin = Object.values(ACTION_PINS).find((p) => step.uses === usesRef(p));
    if (pin) comments.trailing.push({ path: [...jobPath, 'steps', i, 'uses'], text: versionComment(pin) });
  });
  const stepIndex = (name: string) => steps.findIndex((s) => s.name === name);
  comments.above.push({
    path: [...jobPath, 'steps', stepIndex('Install dependencies'), 'run'],
    text: ' Lockfile install without lifecycle scripts; no dependency cache in a publish job.',
  });
  const pm = spec.packageManager;
  if (pm?.name === 'pnpm') {
    comments.above.push({
      path: [...jobPath, 'steps', stepIndex('Set up pnpm'), 'uses'],
      text: ' Installs the pnpm that `packageManager` in package.json names; `version` is given only without that field.',
    });
    if (pm.version && pm.versionReason) {
      comments.trailing.push({ path: [...jobPath, 'steps', stepIndex('Set up pnpm'), 'with', 'version'], text: ` ${pm.versionReason}` });
    }
  }
  if (pm?.name === 'bun') {
    comments.trailing.push({
      path: [...jobPath, 'steps', stepIndex('Set up Bun'), 'with', 'no-cache'],
      text: ' no cached Bun binary in a publish job',
    });
  }
  if (has('cargo')) {
    comments.above.push({
      path: [...jobPath, 'steps', stepIndex('Publish'), 'env', 'CARGO_REGISTRY_TOKEN'],
      text: ' Short-lived crates.io token from the OIDC exchange above (revoked when the job ends).',
    });
  }
  comments.above.push({
    path: [...jobPath, 'steps', stepIndex('Upload publish results'), 'with', 'include-hidden-files'],
    text: ' `.monochange` is a dot-folder, which upload-artifact skips unless told; a missing result fails the job.',
  });
  if (spec.flutter) {
    comments.above.push({
      path: [...jobPath, 'steps', stepIndex('Set up Dart'), 'uses'],
      text: ' Flutter package: add a Flutter SDK setup step here, pinned to a commit SHA.',
    });
  }
  applyComments(doc, comments);
  const types = doc.getIn(['on', 'release', 'types'], true);
  if (types && typeof types === 'object') (types as { flow?: boolean }).flow = true;
  doc.commentBefore = [
    ' Publishes packages with trusted publishing (OIDC): no registry tokens are stored in GitHub.',
    ' Generated by `nx g @monochange/nx:trusted-publishing`. Running the generator again updates',
    ' this file in place and keeps your comments and added steps.',
  ].join('\n');
  return doc;
}

function applyComments(doc: Document, comments: Comments): void {
  for (const { path, text } of comments.trailing) {
    const node = doc.getIn(path, true) as Scalar | undefined;
    if (node && isScalar(node)) node.comment = text;
  }
  for (const { path, text } of comments.above) {
    const parent = doc.getIn(path.slice(0, -1), true);
    if (!isMap(parent)) continue;
    const key = path[path.length - 1];
    const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === key);
    if (pair && isScalar(pair.key)) pair.key.commentBefore = text;
  }
}

const TO_STRING = { lineWidth: 0, flowCollectionPadding: false } as const;

const MERGE_RULES: MergeRules = {
  isExact(path) {
    const p = path.map(String);
    if (p.length === 1) return p[0] === 'on' || p[0] === 'permissions' || p[0] === 'concurrency';
    if (p.length === 3 && p[0] === 'jobs') return p[2] === 'permissions';
    if (p.length === 5 && p[0] === 'jobs' && p[2] === 'steps') return p[4] === 'with' || p[4] === 'env';
    return false;
  },
  ownedKeys(path) {
    if (path.length === 2 && path[0] === 'jobs') return ['environment'];
    if (path.length === 4 && path[0] === 'jobs' && path[2] === 'steps') return ['env', 'with'];
    return [];
  },
  isSteps(path) {
    return path.length === 3 && path[0] === 'jobs' && path[2] === 'steps';
  },
  isOwnedStep(step) {
    if (typeof step.name === 'string' && GENERATED_STEP_NAMES.has(step.name)) return true;
    return typeof step.uses === 'string' && GENERATED_ACTIONS.has(step.uses.split('@')[0]);
  },
};

/**
 * The workflow text: the generated document, or, when `existing` is given, the existing file with
 * the generated content merged in (comments, added keys and added steps kept).
 */
export function renderPublishWorkflow(spec: PublishWorkflowSpec, existing?: string, file = 'publish.yml'): string {
  const generated = buildPublishWorkflow(spec);
  if (existing === undefined || existing.trim() === '') return generated.toString(TO_STRING);
  const doc = parseDocument(existing, { keepSourceTokens: false });
  if (doc.errors.length > 0) {
    const error = doc.errors[0];
    throw new MonochangeError(`the existing workflow is not valid YAML: ${error.message.split('\n')[0]}`, {
      code: 'workflow.yaml-syntax',
      file,
      line: error.linePos?.[0]?.line,
      fix: 'fix the YAML (or delete the file to have it generated afresh), then run the generator again',
    });
  }
  if (!isMap(doc.contents)) {
    throw new MonochangeError('the existing workflow is not a YAML mapping', {
      code: 'workflow.not-a-map',
      file,
      fix: 'delete the file to have it generated afresh, then run the generator again',
    });
  }
  return mergeDocuments(doc, generated, MERGE_RULES).toString(TO_STRING);
}
