import { Document, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { MonochangeError } from '../errors';
import { REGISTRIES } from '../registries';
import type { GitlabIdToken } from '../registries/types';
import { REGISTRY_IDS, type RegistryId } from '../types';
import type { WorkflowPackageManager } from './package-manager';
import { DEFAULT_TAG_PATTERNS, installCommand, NODE_VERSION, RESULTS_GLOB, type WorkflowTrigger } from './render-workflow';

/**
 * GitLab CI/CD publish pipeline: one job in an included file (`.gitlab/monochange-publish.yml`),
 * with `id_tokens` per registry, no cache, one publish at a time (`resource_group`), an
 * environment, and rules that run it only for protected release tags (or, for `manual`, a manual
 * run on the protected default branch).
 */

/** The included file the generator writes. */
export const GITLAB_PUBLISH_FILE = '.gitlab/monochange-publish.yml';
/** The top-level pipeline file: what npm and PyPI are told (`ci_config_ref_uri` names it). */
export const GITLAB_CI_FILE = '.gitlab-ci.yml';
export const GITLAB_PUBLISH_JOB = 'monochange-publish';
/** Our own audience, verified by the plugin before any registry is contacted. */
export const MONOCHANGE_ID_TOKEN = { name: 'MONOCHANGE_ID_TOKEN', aud: 'monochange-nx' } as const;

/**
 * The Node image. No digest of node:24 could be confirmed when this was written, so the image is
 * pinned by tag and the npm check in the script guards the one version that matters.
 */
export const GITLAB_NODE_IMAGE = `node:${NODE_VERSION}`;

export interface GitlabPipelineSpec {
  /** GitLab environment of the publish job; `''` for none. */
  environment: string;
  /** Registries published to (npm and PyPI are the GitLab-capable ones). */
  registries: readonly RegistryId[];
  /** npm provenance is required: the job also gets a Sigstore token. */
  provenance: boolean;
  trigger: WorkflowTrigger;
  /** GitHub-style tag filters (`v[0-9]+.[0-9]+.[0-9]+*`), turned into one anchored regex. */
  tagPatterns?: string[];
  /** Projects to `run-many` over (all when absent). */
  projects?: string[];
  targets?: { readiness: string; publish: string };
  packageManager?: WorkflowPackageManager;
}

/** `v[0-9]+.[0-9]+.[0-9]+*` (GitHub filter syntax) as the body of an RE2 regex. */
export function tagFilterToRegex(pattern: string): string {
  let out = '';
  for (const ch of pattern) {
    if (ch === '*') out += '.*';
    else if (ch === '.') out += '\\.';
    else if (ch === '/') out += '\\/';
    else out += ch;
  }
  return out;
}

function tagRegex(patterns: string[]): string {
  const bodies = patterns.map(tagFilterToRegex);
  return `/^(?:${bodies.join('|')})$/`;
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

function nxRunMany(spec: GitlabPipelineSpec, which: 'readiness' | 'publish'): string {
  const task = spec.targets?.[which] ?? which;
  const projects = spec.projects?.length ? ` --projects=${shellQuote(spec.projects.join(','))}` : '';
  return `npx nx run-many -t ${shellQuote(task)}${projects}`;
}

/**
 * The id_tokens the job declares, by variable name: ours, each registry's own (the variable and
 * audience its client reads), then the provenance-signing ones when provenance is required.
 */
export function gitlabIdTokens(spec: Pick<GitlabPipelineSpec, 'registries' | 'provenance'>): Record<string, { aud: string }> {
  const tokens: Record<string, { aud: string }> = { [MONOCHANGE_ID_TOKEN.name]: { aud: MONOCHANGE_ID_TOKEN.aud } };
  const declare = (t: GitlabIdToken | undefined) => {
    if (t) tokens[t.name] = { aud: t.aud };
  };
  for (const registry of spec.registries) declare(REGISTRIES[registry].trust.ci.gitlabIdToken);
  if (spec.provenance) for (const registry of spec.registries) declare(REGISTRIES[registry].trust.ci.gitlabProvenanceIdToken);
  return tokens;
}

/** Each registry's own lines before the install (tool checks), in canonical registry order. */
function registryScript(registries: readonly RegistryId[]): string[] {
  return REGISTRY_IDS.filter((id) => registries.includes(id)).flatMap((id) => REGISTRIES[id].trust.ci.gitlabScript ?? []);
}

function rules(spec: GitlabPipelineSpec): Record<string, unknown>[] {
  if (spec.trigger === 'manual') {
    return [{ if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $CI_COMMIT_REF_PROTECTED == "true"', when: 'manual' }];
  }
  const patterns = spec.tagPatterns?.length ? spec.tagPatterns : DEFAULT_TAG_PATTERNS;
  return [{ if: `$CI_COMMIT_TAG =~ ${tagRegex(patterns)} && $CI_COMMIT_REF_PROTECTED == "true"` }];
}

/** The included pipeline file as a YAML document (with its comments). */
export function buildGitlabPipeline(spec: GitlabPipelineSpec): Document {
  const pm = spec.packageManager ?? { name: 'npm' };
  const script: string[] = [];
  if (pm.name === 'pnpm' || pm.name === 'yarn') script.push('corepack enable');
  if (pm.name === 'bun') script.push('npm install --global --ignore-scripts bun');
  script.push(...registryScript(spec.registries));
  script.push(installCommand(pm));
  script.push(nxRunMany(spec, 'readiness'), nxRunMany(spec, 'publish'));

  const job: Record<string, unknown> = {
    stage: '.post',
    image: GITLAB_NODE_IMAGE,
    rules: rules(spec),
  };
  if (spec.environment) job.environment = { name: spec.environment, action: 'start' };
  job.resource_group = GITLAB_PUBLISH_JOB;
  job.interruptible = false;
  job.id_tokens = gitlabIdTokens(spec);
  job.variables = { NX_CLOUD_DISTRIBUTED_EXECUTION: 'false' };
  job.script = script;
  job.artifacts = { when: 'always', name: 'monochange-results', paths: [RESULTS_GLOB], expire_in: '30 days' };

  const doc = new Document({ [GITLAB_PUBLISH_JOB]: job });
  const jobNode = doc.get(GITLAB_PUBLISH_JOB, true);
  const above = (key: string, text: string) => {
    if (!isMap(jobNode)) return;
    const pair = jobNode.items.find((p) => isScalar(p.key) && p.key.value === key);
    if (pair && isScalar(pair.key)) pair.key.commentBefore = text;
  };
  above('stage', ' `.post` exists whatever `stages:` lists, and runs after every other stage has passed.');
  above('image', ' Pinned by tag: pin it by digest (node:24@sha256:…) once you have read the digest you trust; the script checks npm itself.');
  above(
    'rules',
    spec.trigger === 'manual'
      ? ' Only a manual run on the protected default branch publishes.'
      : ' Only pipelines of protected release tags publish (protect the tags: Settings → Repository → Protected tags).',
  );
  if (spec.environment) above('environment', ' Must match the environment configured on each registry (and in monochange.toml).');
  above('resource_group', ' Never two publishes at once, and never one cancelled half-way; no `cache:` in a publish job.');
  above('id_tokens', ` OIDC tokens: ${MONOCHANGE_ID_TOKEN.name} proves this job's identity to the plugin; the others are for the registries.`);
  above('variables', ' Never run these tasks on Nx Agents: only this job holds the OIDC tokens (Nx Cloud caching is fine).');
  above('artifacts', ' The readiness and publish results; `.monochange` is a hidden folder, listed explicitly.');
  doc.commentBefore = [
    ' Publishes packages with trusted publishing (OIDC): no registry tokens are stored in GitLab.',
    ` Generated by \`nx g @monochange/nx:trusted-publishing --ci=gitlab\` and included from ${GITLAB_CI_FILE}`,
    ` (registries see ${GITLAB_CI_FILE} as the pipeline file). Running the generator again rewrites this file.`,
  ].join('\n');
  return doc;
}

const TO_STRING = { lineWidth: 0, flowCollectionPadding: false } as const;

export function renderGitlabPipeline(spec: GitlabPipelineSpec): string {
  return buildGitlabPipeline(spec).toString(TO_STRING);
}

/**
 * `.gitlab-ci.yml` with an `include:` of `local` added, edited as text so comments and order stay:
 * nothing changes when it is already included; an `include:` list gets one more item; a single
 * `include:` value becomes a list; a file without `include:` gets one at the top.
 */
export function addGitlabInclude(existing: string | undefined, local: string, file = GITLAB_CI_FILE): string {
  const entry = `  - local: ${local}`;
  if (existing === undefined || existing.trim() === '') return `include:\n${entry}\n`;
  const doc = parseDocument(existing);
  if (doc.errors.length > 0) {
    const error = doc.errors[0];
    throw new MonochangeError(`${file} is not valid YAML: ${error.message.split('\n')[0]}`, {
      code: 'workflow.yaml-syntax',
      file,
      line: error.linePos?.[0]?.line,
      fix: `fix the YAML, or add \`include: [{ local: ${local} }]\` yourself, then run the generator again`,
    });
  }
  if (!isMap(doc.contents)) {
    throw new MonochangeError(`${file} is not a YAML mapping`, {
      code: 'workflow.not-a-map',
      file,
      fix: `add \`include:\n  - local: ${local}\` to it by hand`,
    });
  }
  const includes = ([] as unknown[]).concat(doc.toJS()?.include ?? []);
  const names = includes.map((i) => (typeof i === 'string' ? i : (i as { local?: string })?.local)).map((n) => n?.replace(/^\.?\//, ''));
  if (names.includes(local.replace(/^\.?\//, ''))) return existing;

  const eol = existing.includes('\r\n') ? '\r\n' : '\n';
  const lines = existing.split(/\r?\n/);
  const at = lines.findIndex((l) => /^include\s*:/.test(l));
  if (at === -1) {
    // After leading comments and a `---` marker, before the first key.
    let i = 0;
    while (i < lines.length && (/^\s*#/.test(lines[i]) || lines[i].trim() === '' || lines[i].trim() === '---')) i++;
    lines.splice(i, 0, 'include:', entry, ...(i < lines.length ? [''] : []));
    return lines.join(eol);
  }
  const inline = lines[at]
    .replace(/^include\s*:/, '')
    .replace(/\s+#.*$/, '')
    .trim();
  if (inline === '') {
    // Block value: append after the last line that belongs to it.
    let end = at;
    for (let i = at + 1; i < lines.length; i++) {
      if (lines[i].trim() === '' || /^\s*#/.test(lines[i])) continue;
      if (/^\S/.test(lines[i])) break;
      end = i;
    }
    const first = lines.slice(at + 1, end + 1).find((l) => l.trim() !== '' && !/^\s*#/.test(l)) ?? '';
    if (/^\s*-/.test(first)) {
      const indent = /^(\s*)-/.exec(first)![1];
      lines.splice(end + 1, 0, `${indent}- local: ${local}`);
      return lines.join(eol);
    }
    // A single mapping (`include:\n  local: x`): make it the first item of a list.
    const body = lines.slice(at + 1, end + 1);
    const indent = /^(\s*)/.exec(first)![1];
    const items = body.map((l, i) => (l.trim() === '' || /^\s*#/.test(l) ? l : `${indent}${i === body.indexOf(first) ? '- ' : '  '}${l.slice(indent.length)}`));
    lines.splice(at + 1, body.length, ...items, `${indent}- local: ${local}`);
    return lines.join(eol);
  }
  // Flow or scalar value on the same line (`include: a.yml`, `include: [a.yml]`): rewrite that line as a list.
  const comment = /\s+#.*$/.exec(lines[at].replace(/^include\s*:/, ''))?.[0] ?? '';
  const list = inline.startsWith('[') ? doc.get('include', true) : undefined;
  const existingItems = isSeq(list) ? list.items.map((n) => String(n)) : [inline];
  lines.splice(at, 1, `include:${comment}`, ...existingItems.map((item) => `  - ${item}`), entry);
  return lines.join(eol);
}
