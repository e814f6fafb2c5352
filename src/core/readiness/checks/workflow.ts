import { packageTable } from '../../config/key-path';
import fs from 'node:fs';
import path from 'node:path';
import { isMap, LineCounter, parseDocument, type Document, type Pair } from 'yaml';
import { parseWorkflowRef } from '../../ci/workflow-ref';
import { registryAdapter } from '../../registries';
import { normalizeWorkflow } from '../../trust/context';
import type { Check, RegistryId } from '../../types';
import { auditWorkflow } from '../../workflow/audit';
import { gitlabPipelineChecks, isGitlabPipeline } from './workflow-gitlab';
import { isUntrustedTrigger, UNTRUSTED_TRIGGERS } from '../../workflow/untrusted-triggers';
import type { ReadinessCheck, ReadinessContext } from '../types';
import { fail, listOf, pass, registryOf, trustedPublishing, warn, willPublish } from './support';

/**
 * The GitHub workflow registries will see: it exists, its publish job may mint an OIDC token,
 * uses the configured environment, runs on triggers the registry accepts and no trigger others
 * can cause, and passes the hardening audit (findings that let others run code in the workflow
 * fail, the rest warn).
 */
export const workflowChecks: ReadinessCheck = (ctx) => {
  if (!willPublish(ctx)) return [];
  if (!trustedPublishing(ctx)) return [pass('workflow.exists', 'trusted publishing is off for this package: workflow checks skipped')];
  if (isGitlabPipeline(ctx)) return gitlabPipelineChecks(ctx);
  const located = locate(ctx);
  if ('check' in located) return [located.check];
  const { rel, file, fromRuntime } = located;
  if (!fs.existsSync(file)) return [missing(ctx, rel, file)];
  const workflow = parsedWorkflow(file);
  const { text, lines, doc } = workflow;
  if (doc.errors.length > 0 || !isMap(doc.contents)) {
    const line = doc.errors[0]?.linePos?.[0]?.line ?? 1;
    return [
      fail(
        'workflow.exists',
        `${rel}:${line} is not a valid workflow: ${doc.errors[0]?.message.split('\n')[0] ?? 'the file is not a YAML mapping'}`,
        `fix the YAML in ${rel}`,
      ),
    ];
  }
  let wf = workflow.views.get(rel);
  if (!wf) {
    wf = new Workflow(doc, lines, rel);
    workflow.views.set(rel, wf);
  }
  const checks: Check[] = [pass('workflow.exists', `${rel} exists`)];
  const jobs = wf.publishJobs(fromRuntime ? ctx.identity.job : undefined);
  checks.push(...idTokenChecks(ctx, wf, jobs));
  checks.push(...environmentChecks(ctx, wf, jobs));
  checks.push(triggerCheck(ctx, wf));
  checks.push(...hardeningChecks(ctx, text, rel));
  return checks;
};

/**
 * Parsed workflows for the process, by file and text: a batch checks 200 packages against the
 * same publish.yml, and the parsed document and its Workflow view are only read, never changed.
 */
interface ParsedWorkflow {
  text: string;
  lines: LineCounter;
  doc: Document;
  views: Map<string, Workflow>;
}
const parsed = new Map<string, ParsedWorkflow>();

function parsedWorkflow(file: string): ParsedWorkflow {
  const text = fs.readFileSync(file, 'utf8');
  const cached = parsed.get(file);
  if (cached?.text === text) return cached;
  const lines = new LineCounter();
  const entry = { text, lines, doc: parseDocument(text, { lineCounter: lines }), views: new Map<string, Workflow>() };
  parsed.set(file, entry);
  return entry;
}

const audits = new Map<string, Check[]>();

type Located = { rel: string; file: string; fromRuntime: boolean } | { check: Check };

function locate(ctx: ReadinessContext): Located {
  const configured = ctx.target.pkg.publish.trustedPublishing.workflow?.trim();
  const runtime = ctx.identity.provider === 'github_actions' ? (parseWorkflowRef(ctx.identity.workflowRef)?.workflowPath ?? ctx.identity.workflow) : undefined;
  const name = configured ? normalizeWorkflow(configured) : runtime;
  if (!name) {
    if (ctx.identity.provider !== 'unknown')
      return { check: pass('workflow.exists', `no GitHub workflow is configured and this is a ${ctx.identity.label} run: nothing to check`) };
    return {
      check: warn(
        'workflow.exists',
        'no publish workflow is configured and this is not a GitHub Actions run, so the workflow the registry will see cannot be checked',
        `set \`workflow = "publish.yml"\` under ${packageTable(ctx.target.pkg.id, 'publish', 'trusted_publishing')} (or the ecosystem's table)`,
      ),
    };
  }
  if (name.split('/').some((s) => s === '..' || s === '')) {
    return {
      check: fail(
        'workflow.exists',
        `workflow \`${name}\` is not a path under .github/workflows/`,
        'set `trusted_publishing.workflow` to the file name, e.g. `publish.yml`',
      ),
    };
  }
  const rel = `.github/workflows/${name}`;
  const fromRuntime = !configured || (runtime !== undefined && runtime === name);
  return { rel, file: path.join(ctx.config.root, rel), fromRuntime };
}

function missing(ctx: ReadinessContext, rel: string, file: string): Check {
  const other = file.replace(/\.ya?ml$/, (ext) => (ext === '.yml' ? '.yaml' : '.yml'));
  const hint = other !== file && fs.existsSync(other) ? ` (${path.basename(other)} exists: registries compare the exact file name)` : '';
  return fail(
    'workflow.exists',
    `${rel} does not exist${hint}`,
    hint
      ? `rename the file or set \`trusted_publishing.workflow = "${path.basename(other)}"\` and register that name on ${ctx.target.adapter?.label ?? 'the registry'}`
      : 'generate it with `nx g @monochange/nx:publish-workflow`, or set `trusted_publishing.workflow` to the workflow file that publishes',
  );
}

interface Job {
  id: string;
  line: number;
  value: Record<string, unknown>;
  /** `id-token: write` comes from the job itself (else inherited from the workflow). */
  jobLevel: boolean;
  idToken: boolean;
}

class Workflow {
  readonly root: Record<string, unknown>;
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
    readonly rel: string,
  ) {
    this.root = (doc.toJS() ?? {}) as Record<string, unknown>;
  }

  private jobPairs(): Pair[] {
    const jobs = this.doc.get('jobs', true);
    return isMap(jobs) ? (jobs.items as Pair[]) : [];
  }

  lineOf(node: unknown): number {
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    return range ? this.lines.linePos(range[0]).line : 1;
  }

  jobs(): Job[] {
    const top = this.root.permissions;
    return this.jobPairs().map((pair) => {
      const id = String((pair.key as { value?: unknown })?.value ?? pair.key);
      const value = (record(this.root.jobs)?.[id] ?? {}) as Record<string, unknown>;
      const own = value.permissions;
      return { id, line: this.lineOf(pair.key), value, jobLevel: own !== undefined, idToken: grantsIdToken(own !== undefined ? own : top) };
    });
  }

  /** The job running now (GITHUB_JOB) when it is in this file, else every job that can mint an OIDC token. */
  publishJobs(runningJob: string | undefined): Job[] {
    const all = this.jobs();
    const running = runningJob ? all.find((j) => j.id === runningJob) : undefined;
    return running ? [running] : all.filter((j) => j.idToken);
  }

  triggers(): { names: string[]; tagPush: boolean } {
    const on = this.root.on ?? this.root.true; // YAML 1.1 readers may turn `on` into `true`
    if (typeof on === 'string') return { names: [on], tagPush: false };
    if (Array.isArray(on)) return { names: on.map(String), tagPush: false };
    const map = record(on);
    if (!map) return { names: [], tagPush: false };
    const push = record(map.push);
    return { names: Object.keys(map), tagPush: Boolean(push && (push.tags !== undefined || push['tags-ignore'] !== undefined)) };
  }
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function grantsIdToken(permissions: unknown): boolean {
  if (permissions === 'write-all') return true;
  return record(permissions)?.['id-token'] === 'write';
}

function idTokenChecks(ctx: ReadinessContext, wf: Workflow, jobs: Job[]): Check[] {
  const noIdToken = registryAdapter(registryOf(ctx))?.trust.ci.noIdToken;
  if (noIdToken) return [pass('workflow.id-token', noIdToken.workflow)];
  const fix = `grant it on the publish job only: \`permissions: { id-token: write, contents: read }\` under \`jobs.<id>\` in ${wf.rel}`;
  if (jobs.length === 0)
    return [fail('workflow.id-token', `no job in ${wf.rel} grants \`id-token: write\`, so the publish step cannot get an OIDC token`, fix)];
  return jobs.map((job) => {
    const where = `${wf.rel}:${job.line} job \`${job.id}\``;
    if (!job.idToken) return fail('workflow.id-token', `${where} does not grant \`id-token: write\``, fix);
    if (!job.jobLevel) {
      return warn(
        'workflow.id-token',
        `${where} gets \`id-token: write\` from the workflow-level permissions, so every job of the workflow can mint a publishing token`,
        `move it to the job: ${fix}; set \`permissions: {}\` at the top`,
      );
    }
    return pass('workflow.id-token', `${where} grants \`id-token: write\``);
  });
}

function environmentOf(job: Job): string | undefined {
  const env = job.value.environment;
  if (typeof env === 'string') return env;
  const name = record(env)?.name;
  return typeof name === 'string' ? name : undefined;
}

function environmentChecks(ctx: ReadinessContext, wf: Workflow, jobs: Job[]): Check[] {
  const expected = ctx.target.pkg.publish.trustedPublishing.environment?.trim();
  return jobs.map((job) => {
    const actual = environmentOf(job);
    const where = `${wf.rel}:${job.line} job \`${job.id}\``;
    if (!expected)
      return pass(
        'workflow.environment',
        actual ? `${where} uses environment \`${actual}\` (none configured to compare)` : `${where}: no environment configured or used`,
      );
    if (actual === expected) return pass('workflow.environment', `${where} uses environment \`${expected}\``);
    if (actual?.includes('${{'))
      return warn(
        'workflow.environment',
        `${where} picks its environment at run time (\`${actual}\`); expected \`${expected}\``,
        `use the literal \`environment: ${expected}\` so the OIDC token always carries it`,
      );
    return fail(
      'workflow.environment',
      `${where} ${actual ? `uses environment \`${actual}\`` : 'has no `environment:`'}, but the trusted publisher expects \`${expected}\``,
      `set \`environment: ${expected}\` on the job, or change \`trusted_publishing.environment\` in monochange.toml and on the registry`,
    );
  });
}

function triggerCheck(ctx: ReadinessContext, wf: Workflow): Check {
  const { names, tagPush } = wf.triggers();
  if (names.length === 0)
    return fail(
      'workflow.trigger',
      `${wf.rel} has no \`on:\` triggers`,
      'trigger the publish workflow on a tag push, `release: published` or `workflow_dispatch`',
    );
  const untrusted = names.filter(isUntrustedTrigger);
  if (untrusted.length > 0) {
    const reasons = untrusted.map((n) => `\`${n}\` ${UNTRUSTED_TRIGGERS[n]}`).join('; ');
    return fail(
      'workflow.trigger',
      `${wf.rel} runs on ${listOf(untrusted)}, which others can set off while the run has the repository's privileges (${reasons})`,
      'remove these triggers from the publish workflow; publish on a tag push, `release: published` or `workflow_dispatch`',
    );
  }
  const tagPushRule = registryAdapter(registryOf(ctx))?.trust.ci.githubTagPushTrigger;
  if (tagPushRule && !tagPush) {
    return fail('workflow.trigger', `${wf.rel} is not triggered by a tag push (triggers: ${listOf(names)}); ${tagPushRule.why}`, tagPushRule.fix);
  }
  if (names.includes('pull_request')) {
    return warn(
      'workflow.trigger',
      `${wf.rel} also runs on \`pull_request\`: same-repository pull requests get an OIDC token too`,
      "guard the publish job with `if: github.event_name != 'pull_request'` or move publishing to its own workflow",
    );
  }
  return pass('workflow.trigger', `${wf.rel} runs on ${listOf(names)}`);
}

function hardeningChecks(ctx: ReadinessContext, text: string, rel: string): Check[] {
  const key = JSON.stringify([text, rel, ctx.target.pkg.publish.trustedPublishing.environment?.trim() ?? '', registryOf(ctx)]);
  let checks = audits.get(key);
  if (!checks) {
    checks = auditChecks(ctx, text, rel);
    audits.set(key, checks);
  }
  return checks.map((c) => ({ ...c }));
}

function auditChecks(ctx: ReadinessContext, text: string, rel: string): Check[] {
  const findings = auditWorkflow(text, {
    path: rel,
    expected: { environment: ctx.target.pkg.publish.trustedPublishing.environment?.trim() || undefined, registries: [registryOf(ctx) as RegistryId] },
  });
  // workflow.trigger judges the triggers from the same list; reporting them twice is noise.
  const reported = findings.filter((f) => f.rule !== 'dangerous-trigger');
  if (reported.length === 0) return [pass('workflow.hardening', `${rel} passes the publish-workflow hardening audit`)];
  return reported.map((f) => {
    const message = `${f.file}:${f.line}: ${f.message} (${f.rule})`;
    return f.blocking ? fail('workflow.hardening', message, f.fix) : warn('workflow.hardening', message, f.fix);
  });
}
