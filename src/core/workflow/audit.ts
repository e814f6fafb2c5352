import * as fs from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import { REGISTRIES } from '../registries';
import { REGISTRY_IDS, type RegistryId } from '../types';
import { isUntrustedTrigger, UNTRUSTED_TRIGGERS } from './untrusted-triggers';

/**
 * Audits a GitHub Actions workflow against the publish-workflow hardening rules: pinned actions, minimal permissions, no dangerous
 * triggers, no caches or credential plumbing in publish jobs, no template injection.
 */

export const AUDIT_RULES = [
  'invalid-yaml',
  'unpinned-action',
  'missing-version-comment',
  'workflow-level-id-token',
  'missing-top-level-permissions',
  'broad-permissions',
  'dangerous-trigger',
  'cache-in-publish-job',
  'template-injection',
  'untrusted-checkout',
  'persist-credentials',
  'missing-environment',
  'missing-concurrency',
  'registry-url-token-plumbing',
  'secrets-inherit',
  'registry-requirement',
  'hidden-artifact-path',
] as const;
export type AuditRule = (typeof AUDIT_RULES)[number];

export interface Finding {
  rule: AuditRule;
  severity: 'error' | 'warning';
  /** 1-based line in the workflow file. */
  line: number;
  message: string;
  fix: string;
  /** The `path` given to the audit. */
  file: string;
  /**
   * People without write access can run code in the workflow or choose what it builds (untrusted
   * trigger, event text pasted into a script, checkout of a pull request head): readiness refuses
   * to publish instead of warning.
   */
  blocking: boolean;
}

export interface AuditOptions {
  /** File path, used in findings. */
  path: string;
  expected?: {
    /** Environment the publish jobs must use (as configured on the registries); `''` = deliberately none. */
    environment?: string;
    /** Registries this workflow publishes to: enables their specific requirements. */
    registries?: readonly RegistryId[];
  };
}

const SHA = /^[0-9a-f]{40}$/;
const VERSION_COMMENT = /\bv?\d+(\.\d+){0,2}\b/;
const TOKEN_ENV = ['NODE_AUTH_TOKEN', 'NPM_TOKEN'];

export function auditWorkflow(text: string, options: AuditOptions): Finding[] {
  return new Auditor(text, options).run();
}

/** Reads and audits a workflow file. */
export function auditWorkflowFile(path: string, expected?: AuditOptions['expected']): Finding[] {
  return auditWorkflow(fs.readFileSync(path, 'utf8'), { path, expected });
}

class Auditor {
  private readonly findings: Finding[] = [];
  private readonly lines = new LineCounter();

  constructor(
    private readonly text: string,
    private readonly options: AuditOptions,
  ) {}

  run(): Finding[] {
    const doc = parseDocument(this.text, { lineCounter: this.lines });
    if (doc.errors.length > 0 || !isMap(doc.contents)) {
      const error = doc.errors[0];
      this.add(
        'invalid-yaml',
        'error',
        error?.linePos?.[0]?.line ?? 1,
        error ? error.message.split('\n')[0] : 'the workflow is not a YAML mapping',
        'fix the YAML syntax',
      );
      return this.findings;
    }
    const root = doc.contents;
    const triggers = this.checkTriggers(root);
    const top = this.checkTopPermissions(root);
    const workflowConcurrency = pairOf(root, 'concurrency');
    if (workflowConcurrency) this.checkCancelInProgress(workflowConcurrency);
    this.checkEnv(pairOf(root, 'env'));
    const releaseLike = triggers.includes('release') || triggers.includes('push');
    const publishJobs: { id: string; job: YAMLMap }[] = [];
    const jobs = pairOf(root, 'jobs');
    if (jobs && isMap(jobs.value)) {
      for (const jobPair of jobs.value.items) {
        if (!isMap(jobPair.value)) continue;
        const id = String(keyOf(jobPair));
        const job = jobPair.value;
        const publish = this.jobHasIdToken(job, top);
        if (publish) publishJobs.push({ id, job });
        this.checkJob(jobPair, job, { publish, releaseLike, workflowConcurrency: !!workflowConcurrency });
      }
    }
    this.checkRegistryRequirements(root, triggers, publishJobs);
    return this.findings.sort((a, b) => a.line - b.line);
  }

  private add(rule: AuditRule, severity: Finding['severity'], line: number, message: string, fix: string, blocking = false): void {
    this.findings.push({ rule, severity, line, message, fix, file: this.options.path, blocking });
  }

  private line(node: unknown): number {
    const range = (node as Node | undefined)?.range;
    return range ? this.lines.linePos(range[0]).line : 1;
  }

  private checkTriggers(root: YAMLMap): string[] {
    const on = pairOf(root, 'on');
    if (!on) return [];
    const entries: { name: string; node: unknown }[] = [];
    if (isScalar(on.value)) entries.push({ name: String(on.value.value), node: on.value });
    else if (isSeq(on.value)) for (const item of on.value.items) entries.push({ name: String(isScalar(item) ? item.value : ''), node: item });
    else if (isMap(on.value)) for (const p of on.value.items) entries.push({ name: String(keyOf(p)), node: p.key });
    for (const { name, node } of entries) {
      if (!isUntrustedTrigger(name)) continue;
      this.add(
        'dangerous-trigger',
        'error',
        this.line(node),
        `\`${name}\` ${UNTRUSTED_TRIGGERS[name]}: a publish workflow must not run on events others can cause`,
        `remove \`${name}\`; publish on \`release: types: [published]\`, a tag push or \`workflow_dispatch\` instead`,
        true,
      );
    }
    return entries.map((e) => e.name);
  }

  /** Returns the workflow-level permissions as plain values (`undefined` when absent). */
  private checkTopPermissions(root: YAMLMap): unknown {
    const pair = pairOf(root, 'permissions');
    if (!pair) {
      this.add(
        'missing-top-level-permissions',
        'error',
        1,
        'no workflow-level `permissions:`: jobs get the repository default token permissions',
        'add `permissions: {}` at the top and grant each job only what it needs',
      );
      return undefined;
    }
    const value = pair.value;
    if (isScalar(value)) {
      if (value.value === 'write-all' || value.value === 'read-all') {
        this.add(
          value.value === 'write-all' ? 'workflow-level-id-token' : 'broad-permissions',
          'error',
          this.line(value),
          `workflow-level \`permissions: ${value.value}\` gives every job ${value.value === 'write-all' ? 'every write scope, the OIDC token included' : 'read access to everything'}`,
          'use `permissions: {}` at the top and per-job permissions',
        );
      }
      return value.value;
    }
    if (isMap(value)) {
      for (const p of value.items) {
        const scope = String(keyOf(p));
        const level = isScalar(p.value) ? p.value.value : undefined;
        if (level !== 'write') continue;
        if (scope === 'id-token') {
          this.add(
            'workflow-level-id-token',
            'error',
            this.line(p.key),
            '`id-token: write` at workflow level lets every job of this workflow mint an OIDC token that registries accept for publishing',
            "move `id-token: write` to the publish job's `permissions:` and set `permissions: {}` at the top",
          );
        } else {
          this.add(
            'broad-permissions',
            'error',
            this.line(p.key),
            `\`${scope}: write\` at workflow level applies to every job`,
            `grant \`${scope}: write\` only on the job that needs it`,
          );
        }
      }
      return value.toJSON();
    }
    return undefined;
  }

  private jobHasIdToken(job: YAMLMap, top: unknown): boolean {
    const perms = pairOf(job, 'permissions');
    const value = perms ? plain(perms.value) : top;
    if (value === 'write-all') return true;
    return typeof value === 'object' && value !== null && (value as Record<string, unknown>)['id-token'] === 'write';
  }

  private checkJob(jobPair: Pair, job: YAMLMap, ctx: { publish: boolean; releaseLike: boolean; workflowConcurrency: boolean }): void {
    const id = String(keyOf(jobPair));
    const perms = pairOf(job, 'permissions');
    if (perms && isScalar(perms.value) && (perms.value.value === 'write-all' || perms.value.value === 'read-all')) {
      this.add(
        'broad-permissions',
        'error',
        this.line(perms.value),
        `job \`${id}\` has \`permissions: ${String(perms.value.value)}\``,
        'list only the scopes the job needs, e.g. `contents: read` and (publish job only) `id-token: write`',
      );
    }
    const secrets = pairOf(job, 'secrets');
    if (secrets && isScalar(secrets.value) && secrets.value.value === 'inherit') {
      this.add(
        'secrets-inherit',
        'error',
        this.line(secrets.value),
        `job \`${id}\` passes every secret of the repository to the called workflow`,
        'pass only the secrets the called workflow needs, by name',
      );
    }
    const uses = pairOf(job, 'uses');
    if (uses) this.checkUses(uses.value);
    this.checkEnv(pairOf(job, 'env'));
    const concurrency = pairOf(job, 'concurrency');
    if (concurrency) this.checkCancelInProgress(concurrency);

    if (ctx.publish) {
      const environment = pairOf(job, 'environment');
      const expected = this.options.expected?.environment;
      if (!environment && expected !== '') {
        this.add(
          'missing-environment',
          'error',
          this.line(jobPair.key),
          `publish job \`${id}\` (it has \`id-token: write\`) has no \`environment:\``,
          `add \`environment: ${expected || 'publisher'}\` (the same name as on the registries) and protect it with required reviewers or deployment tag rules`,
        );
      } else if (environment && expected) {
        const actual = isMap(environment.value) ? plain(pairOf(environment.value, 'name')?.value) : plain(environment.value);
        if (actual !== expected) {
          this.add(
            'missing-environment',
            'error',
            this.line(environment.value),
            `publish job \`${id}\` uses environment \`${String(actual)}\` but the registries expect \`${expected}\``,
            `set \`environment: ${expected}\`, or change the environment in monochange.toml and on the registries`,
          );
        }
      }
      if (!concurrency && !ctx.workflowConcurrency) {
        this.add(
          'missing-concurrency',
          'warning',
          this.line(jobPair.key),
          `publish job \`${id}\` has no \`concurrency:\`: two runs can publish the same packages at once`,
          'add `concurrency: { group: publish-${{ github.ref }}, cancel-in-progress: false }` at the top of the workflow',
        );
      }
    }

    const steps = pairOf(job, 'steps');
    if (steps && isSeq(steps.value)) {
      for (const step of steps.value.items) if (isMap(step)) this.checkStep(step, id, ctx);
    }
  }

  private checkCancelInProgress(concurrency: Pair): void {
    if (!isMap(concurrency.value)) return;
    const cancel = pairOf(concurrency.value, 'cancel-in-progress');
    if (cancel && isScalar(cancel.value) && cancel.value.value === true) {
      this.add(
        'missing-concurrency',
        'warning',
        this.line(cancel.value),
        '`cancel-in-progress: true` can stop a publish half-way, leaving some packages published and others not',
        'set `cancel-in-progress: false`',
      );
    }
  }

  private checkEnv(envPair: Pair | undefined): void {
    if (!envPair || !isMap(envPair.value)) return;
    for (const p of envPair.value.items) {
      const name = String(keyOf(p));
      if (!TOKEN_ENV.includes(name)) continue;
      this.add(
        'registry-url-token-plumbing',
        'error',
        this.line(p.key),
        `\`${name}\` is set: a long-lived npm token (or setup-node's placeholder) takes the place of trusted publishing`,
        `remove \`${name}\`; npm >= 11.5.1 exchanges the job's OIDC token itself`,
      );
    }
  }

  private checkUses(node: unknown): void {
    if (!isScalar(node) || typeof node.value !== 'string') return;
    const uses = node.value.trim();
    const line = this.line(node);
    if (uses.startsWith('./')) {
      this.add(
        'unpinned-action',
        'error',
        line,
        `local action \`${uses}\` runs whatever the checked-out ref contains`,
        'move the steps inline, or publish the action and pin it to a full commit SHA',
      );
      return;
    }
    if (uses.startsWith('docker://')) {
      if (!uses.includes('@sha256:')) {
        this.add('unpinned-action', 'error', line, `container \`${uses}\` is not pinned to a digest`, 'pin the image as `docker://image@sha256:<digest>`');
      }
      return;
    }
    const at = uses.lastIndexOf('@');
    const ref = at === -1 ? '' : uses.slice(at + 1);
    if (!SHA.test(ref)) {
      this.add(
        'unpinned-action',
        'error',
        line,
        `\`${uses}\` is not pinned to a full commit SHA: the tag or branch can be moved to other code`,
        `pin it as \`${at === -1 ? uses : uses.slice(0, at)}@<40-hex commit SHA> # vX.Y.Z\` (the SHA of a tagged release)`,
      );
      return;
    }
    if (!node.comment || !VERSION_COMMENT.test(node.comment)) {
      this.add(
        'missing-version-comment',
        'warning',
        line,
        `\`${uses.slice(0, at)}\` is pinned without a \`# vX.Y.Z\` comment saying which release the SHA is`,
        'add the release tag as a trailing comment, e.g. `# v4.2.2`',
      );
    }
  }

  private checkStep(step: YAMLMap, jobId: string, ctx: { publish: boolean; releaseLike: boolean }): void {
    const usesPair = pairOf(step, 'uses');
    if (usesPair) this.checkUses(usesPair.value);
    this.checkEnv(pairOf(step, 'env'));
    this.checkRunExpressions(pairOf(step, 'run')?.value, jobId);
    if (!usesPair || !isScalar(usesPair.value) || typeof usesPair.value.value !== 'string') return;
    const action = usesPair.value.value.split('@')[0].toLowerCase();
    const withMap = pairOf(step, 'with')?.value;
    const input = (name: string) => (isMap(withMap) ? pairOf(withMap, name) : undefined);
    const inputValue = (name: string) => plain(input(name)?.value);
    const isFalse = (v: unknown) => v === false || v === 'false';

    if (action === 'actions/checkout') this.checkCheckoutRef(input, jobId);
    if (action === 'actions/checkout' && !isFalse(inputValue('persist-credentials'))) {
      this.add(
        'persist-credentials',
        'error',
        this.line(input('persist-credentials')?.value ?? usesPair.value),
        'actions/checkout leaves the job token in .git/config, where every later step (and uploaded artifact) can read it',
        'add `with: { persist-credentials: false }`',
      );
    }
    if (action === 'actions/upload-artifact') this.checkUploadPaths(input, inputValue, usesPair.value);
    if (action === 'actions/setup-node' && input('registry-url')) {
      this.add(
        'registry-url-token-plumbing',
        'warning',
        this.line(input('registry-url')!.key),
        'setup-node `registry-url` writes an .npmrc that reads NODE_AUTH_TOKEN (and sets a placeholder token), which gets in the way of trusted publishing',
        'remove `registry-url`; npm publishes to registry.npmjs.org by default and exchanges the OIDC token itself',
      );
    }

    const cache = this.cacheProblem(action, input, inputValue, isFalse);
    if (cache && (ctx.publish || ctx.releaseLike)) {
      this.add(
        'cache-in-publish-job',
        ctx.publish ? 'error' : 'warning',
        this.line(cache.node ?? usesPair.value),
        `${cache.what} in ${ctx.publish ? 'publish job' : 'job'} \`${jobId}\`: a poisoned cache entry would end up in what gets published`,
        cache.fix,
      );
    }
  }

  /**
   * upload-artifact skips files under dot-folders (such as `.monochange/`) since v4.4 unless
   * `include-hidden-files: true`, and with `if-no-files-found: ignore` the empty upload passes.
   */
  private checkUploadPaths(input: (name: string) => Pair | undefined, inputValue: (name: string) => unknown, uses: unknown): void {
    const paths = String(inputValue('path') ?? '')
      .split('\n')
      .map((p) => p.trim())
      .filter((p) => p && !p.startsWith('!'));
    const hidden = paths.filter((p) => p.split('/').some((seg) => seg.startsWith('.') && seg !== '.' && seg !== '..'));
    if (hidden.length === 0) return;
    const include = inputValue('include-hidden-files');
    if (include !== true && include !== 'true') {
      this.add(
        'hidden-artifact-path',
        'error',
        this.line(input('include-hidden-files')?.value ?? input('path')?.value ?? uses),
        `actions/upload-artifact uploads \`${hidden.join('`, `')}\`, under a dot-folder, without \`include-hidden-files: true\`: those files are skipped and the publish results are lost`,
        "add `include-hidden-files: true` to the upload step's `with:`",
      );
    }
    if (inputValue('if-no-files-found') === 'ignore') {
      this.add(
        'hidden-artifact-path',
        'warning',
        this.line(input('if-no-files-found')?.value),
        `actions/upload-artifact has \`if-no-files-found: ignore\` for \`${hidden.join('`, `')}\`: a run that wrote no publish result passes silently`,
        'set `if-no-files-found: error`',
      );
    }
  }

  /** One finding per line of a `run:` script with `${{ … }}`; blocking when event text is pasted in. */
  private checkRunExpressions(run: unknown, jobId: string): void {
    if (!isScalar(run) || !run.range) return;
    const [start, end] = run.range;
    const byLine = new Map<number, string | undefined>();
    for (const { offset, expression } of expressionsIn(this.text.slice(start, end))) {
      const line = this.lines.linePos(start + offset).line;
      byLine.set(line, byLine.get(line) ?? untrustedContext(expression));
    }
    for (const [line, context] of byLine) {
      if (context) {
        this.add(
          'template-injection',
          'error',
          line,
          `\`${context}\` inside \`run:\` of job \`${jobId}\` pastes text from the triggering event (titles, bodies, branch names, commit messages) into the script before the shell runs: whoever writes that text runs commands with this job's token`,
          `pass it through \`env:\` (e.g. \`env: { VALUE: \${{ ${context} }} }\`) and use \`"$VALUE"\` in the script`,
          true,
        );
      } else {
        this.add(
          'template-injection',
          'error',
          line,
          `\`\${{ … }}\` inside \`run:\` of job \`${jobId}\` is pasted into the script before the shell runs, so crafted values become commands`,
          'pass the value through `env:` (e.g. `env: { VERSION: ${{ … }} }`) and use `"$VERSION"` in the script',
        );
      }
    }
  }

  private checkCheckoutRef(input: (name: string) => Pair | undefined, jobId: string): void {
    for (const name of ['ref', 'repository']) {
      const pair = input(name);
      const value = plain(pair?.value);
      if (typeof value !== 'string' || !PULL_REQUEST_HEAD.some((re) => re.test(value))) continue;
      this.add(
        'untrusted-checkout',
        'error',
        this.line(pair!.value),
        `actions/checkout in job \`${jobId}\` checks out the pull request head (\`${name}: ${value}\`): code anyone can push to a pull request then runs with this job's token and secrets`,
        `remove \`${name}:\` so the commit that triggered the run (the tag or release being published) is checked out`,
        true,
      );
      return;
    }
  }

  private cacheProblem(
    action: string,
    input: (name: string) => Pair | undefined,
    inputValue: (name: string) => unknown,
    isFalse: (v: unknown) => boolean,
  ): { what: string; fix: string; node?: unknown } | undefined {
    const set = (v: unknown) => v !== undefined && v !== null && v !== '' && !isFalse(v);
    const isTrue = (v: unknown) => v === true || v === 'true';
    if (action === 'actions/cache' || action.startsWith('actions/cache/')) {
      return { what: 'actions/cache', fix: 'remove the cache step from the publish job' };
    }
    if (action === 'swatinem/rust-cache') return { what: 'Swatinem/rust-cache', fix: 'remove the rust-cache step from the publish job' };
    if (action === 'actions/setup-node') {
      if (set(inputValue('cache'))) return { what: 'setup-node `cache`', fix: 'remove the `cache` input', node: input('cache')?.value };
      if (!isFalse(inputValue('package-manager-cache'))) {
        return {
          what: 'setup-node package-manager cache (on by default since v5)',
          fix: 'add `package-manager-cache: false` to the setup-node inputs',
          node: input('package-manager-cache')?.value,
        };
      }
    }
    if (action === 'astral-sh/setup-uv' && !isFalse(inputValue('enable-cache'))) {
      return { what: 'setup-uv cache (on by default)', fix: 'add `enable-cache: false`', node: input('enable-cache')?.value };
    }
    if (action === 'actions/setup-go' && !isFalse(inputValue('cache'))) {
      return { what: 'setup-go cache (on by default)', fix: 'add `cache: false`', node: input('cache')?.value };
    }
    if (action === 'oven-sh/setup-bun' && !isTrue(inputValue('no-cache'))) {
      return { what: 'setup-bun cache of the Bun binary (on by default)', fix: 'add `no-cache: true`', node: input('no-cache')?.value };
    }
    // pnpm/action-setup has a `cache` input (store cache) from v5 on; v4 has none.
    if (['actions/setup-python', 'actions/setup-java', 'denoland/setup-deno', 'pnpm/action-setup'].includes(action) && set(inputValue('cache'))) {
      return { what: `${action} \`cache\``, fix: 'remove the `cache` input', node: input('cache')?.value };
    }
    return undefined;
  }

  private checkRegistryRequirements(root: YAMLMap, triggers: string[], publishJobs: { id: string; job: YAMLMap }[]): void {
    const registries = this.options.expected?.registries;
    if (!registries) return;
    const jobSteps = (job: YAMLMap) => {
      const steps = pairOf(job, 'steps')?.value;
      return isSeq(steps) ? steps.items.map((s) => plain(s) as Record<string, unknown>) : [];
    };
    const anyStepUses = (action: string) =>
      publishJobs.some(({ job }) => jobSteps(job).some((s) => typeof s?.uses === 'string' && s.uses.toLowerCase().startsWith(`${action}@`)));
    const contentsWrite = publishJobs.filter(
      ({ job }) => (plain(pairOf(job, 'permissions')?.value) as Record<string, unknown> | undefined)?.contents === 'write',
    );

    const on = pairOf(root, 'on');
    const push = on && isMap(on.value) ? (plain(pairOf(on.value, 'push')?.value) as Record<string, unknown> | undefined) : undefined;
    const tagOnly = triggers.length === 1 && triggers[0] === 'push' && !!push?.tags && !push.branches;
    // What each registry asks of the workflow, in canonical registry order (findings on one line keep it).
    const rules = REGISTRY_IDS.filter((id) => registries.includes(id)).map((id) => REGISTRIES[id].trust.ci);
    for (const rule of rules) {
      const required = rule.githubRequiredAction;
      if (required && !anyStepUses(required.action)) {
        this.add('registry-requirement', 'error', this.line(pairOf(root, 'jobs')?.key), required.message, required.fix);
      }
    }
    for (const rule of rules) {
      if (rule.githubTagOnly && !tagOnly) this.add('registry-requirement', 'error', this.line(on?.key), rule.githubTagOnly.message, rule.githubTagOnly.fix);
    }
    // Go publishing runs only in a job started by the release tag, which is then already on the
    // remote: no registry here needs the job to write to the repository.
    for (const { id, job } of contentsWrite) {
      const perms = pairOf(job, 'permissions')!;
      this.add(
        'broad-permissions',
        'warning',
        this.line(isMap(perms.value) ? pairOf(perms.value, 'contents')?.key : perms.key),
        `publish job \`${id}\` has \`contents: write\`, which publishing does not need (Go modules publish from the run their release tag started, so the tag is already pushed)`,
        'use `contents: read`',
      );
    }
  }
}

/** `ref:`/`repository:` values that name a pull request's head instead of the released commit. */
const PULL_REQUEST_HEAD = [
  /\bgithub\.event\.pull_request\.head\.(?:sha|ref|repo)\b/i,
  /\bgithub\.head_ref\b/i,
  /\bgithub\.event\.workflow_run\.head_(?:sha|branch|repository)\b/i,
  /\brefs\/pull\//i,
];

/** Each `${{ … }}` of a script: where it starts, and the expression inside. */
function expressionsIn(source: string): { offset: number; expression: string }[] {
  const found: { offset: number; expression: string }[] = [];
  for (let i = source.indexOf('${{'); i !== -1; i = source.indexOf('${{', i + 3)) {
    const close = source.indexOf('}}', i + 3);
    found.push({ offset: i, expression: source.slice(i + 3, close === -1 ? undefined : close) });
  }
  return found;
}

/**
 * The first context of `expression` that carries text from the triggering event: anything under
 * `github.event` (except the `workflow_dispatch` inputs, which need write access) and
 * `github.head_ref`. Context names are case-insensitive in expressions.
 */
function untrustedContext(expression: string): string | undefined {
  for (const match of expression.matchAll(/(?<![\w.-])github\s*\.\s*(?:event(?:\s*\.\s*[\w-]+|\s*\[[^\]]*\])*|head_ref)(?![\w-])/gi)) {
    const context = match[0].replace(/\s+/g, '');
    if (!/^github\.event\.inputs\b/i.test(context)) return context;
  }
  return undefined;
}

function keyOf(pair: Pair): unknown {
  return isScalar(pair.key) ? pair.key.value : pair.key;
}

function pairOf(map: unknown, key: string): Pair | undefined {
  if (!isMap(map)) return undefined;
  return map.items.find((p) => keyOf(p) === key) as Pair | undefined;
}

function plain(node: unknown): unknown {
  if (node === null || node === undefined) return undefined;
  if (isScalar(node)) return node.value;
  if (isMap(node) || isSeq(node)) return node.toJSON();
  return node;
}
