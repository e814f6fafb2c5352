import fs from 'node:fs';
import path from 'node:path';
import { isMap, LineCounter, parseDocument, type Pair } from 'yaml';
import type { Check } from '../../types';
import { registryAdapter } from '../../registries';
import { GITLAB_CI_FILE, MONOCHANGE_ID_TOKEN } from '../../workflow/render-gitlab';
import type { ReadinessContext } from '../types';
import { fail, pass, registryOf, warn } from './support';

/**
 * The GitLab pipeline the registries will see: `.gitlab-ci.yml` and the local files it includes.
 * The publish job (the running one, else every job declaring `id_tokens`) must declare the token
 * each registry reads with the audience it expects, plus our own, and use the configured
 * environment.
 */

/** GitLab when the job runs there, when the configured pipeline file is a GitLab one, or `[source]` says GitLab. */
export function isGitlabPipeline(ctx: ReadinessContext): boolean {
  if (ctx.identity.provider === 'gitlab_ci') return true;
  const configured = ctx.target.pkg.publish.trustedPublishing.workflow?.trim();
  if (configured) return path.posix.basename(configured.replace(/^\/+/, '')) === GITLAB_CI_FILE;
  return ctx.identity.provider !== 'github_actions' && ctx.config.source?.provider === 'gitlab';
}

interface GitlabJob {
  name: string;
  file: string;
  line: number;
  value: Record<string, unknown>;
}

const RESERVED = new Set(['include', 'stages', 'variables', 'default', 'workflow', 'image', 'services', 'cache', 'before_script', 'after_script', 'spec']);

/** Jobs of the pipeline file and its `include: local` files (recursively, each once). */
function readJobs(root: string, file: string, seen = new Set<string>()): { jobs: GitlabJob[]; problems: Check[] } {
  const jobs: GitlabJob[] = [];
  const problems: Check[] = [];
  const rel = file.replace(/^\/+/, '');
  if (seen.has(rel)) return { jobs, problems };
  seen.add(rel);
  const abs = path.join(root, rel);
  if (!fs.existsSync(abs)) {
    problems.push(
      fail(
        'workflow.exists',
        `${rel} does not exist`,
        `generate it with \`nx g @monochange/nx:trusted-publishing --ci=gitlab\`, or add the publish job to ${GITLAB_CI_FILE}`,
      ),
    );
    return { jobs, problems };
  }
  const lines = new LineCounter();
  const doc = parseDocument(fs.readFileSync(abs, 'utf8'), { lineCounter: lines });
  if (doc.errors.length > 0 || !isMap(doc.contents)) {
    const line = doc.errors[0]?.linePos?.[0]?.line ?? 1;
    problems.push(
      fail(
        'workflow.exists',
        `${rel}:${line} is not a valid pipeline file: ${doc.errors[0]?.message.split('\n')[0] ?? 'not a YAML mapping'}`,
        `fix the YAML in ${rel}`,
      ),
    );
    return { jobs, problems };
  }
  const js = (doc.toJS() ?? {}) as Record<string, unknown>;
  for (const pair of doc.contents.items as Pair[]) {
    const name = String((pair.key as { value?: unknown })?.value ?? pair.key);
    if (RESERVED.has(name) || name.startsWith('.')) continue;
    const value = js[name];
    if (!value || typeof value !== 'object' || Array.isArray(value)) continue;
    const range = (pair.key as { range?: [number, number, number] }).range;
    jobs.push({ name, file: rel, line: range ? lines.linePos(range[0]).line : 1, value: value as Record<string, unknown> });
  }
  for (const include of ([] as unknown[]).concat(js.include ?? [])) {
    const local = typeof include === 'string' ? (/^https?:/.test(include) ? undefined : include) : (include as { local?: unknown })?.local;
    if (typeof local !== 'string' || local.includes('*')) continue;
    const nested = readJobs(root, local, seen);
    jobs.push(...nested.jobs);
    problems.push(...nested.problems);
  }
  return { jobs, problems };
}

function idTokensOf(job: GitlabJob): Record<string, unknown> {
  const tokens = job.value.id_tokens;
  return tokens && typeof tokens === 'object' && !Array.isArray(tokens) ? (tokens as Record<string, unknown>) : {};
}

function audOf(token: unknown): string[] {
  const aud = (token as { aud?: unknown } | undefined)?.aud;
  return (Array.isArray(aud) ? aud : [aud]).filter((a): a is string => typeof a === 'string');
}

function environmentOf(job: GitlabJob): string | undefined {
  const env = job.value.environment;
  if (typeof env === 'string') return env;
  const name = (env as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' ? name : undefined;
}

export function gitlabPipelineChecks(ctx: ReadinessContext): Check[] {
  const configured = ctx.target.pkg.publish.trustedPublishing.workflow?.trim().replace(/^\/+/, '');
  const file = configured || GITLAB_CI_FILE;
  const { jobs, problems } = readJobs(ctx.config.root, file);
  if (problems.some((p) => p.status === 'fail' && p.message.startsWith(`${file} `))) return problems;
  const checks: Check[] = [pass('workflow.exists', `${file} exists`), ...problems];

  const running = ctx.env.CI_JOB_NAME ? jobs.find((j) => j.name === ctx.env.CI_JOB_NAME) : undefined;
  const publishJobs = running ? [running] : jobs.filter((j) => Object.keys(idTokensOf(j)).length > 0);
  const where = (j: GitlabJob) => `${j.file}:${j.line} job \`${j.name}\``;
  // What the registry reads: the variable and a test of its audience, with the audience to write.
  const adapter = registryAdapter(registryOf(ctx));
  const token = adapter?.trust.ci.gitlabIdToken;
  const needed =
    adapter && token ? { name: token.name, ok: token.accepts, aud: token.aud, why: `${adapter.label} exchanges it for a publish token` } : undefined;
  const tokenFix = (name: string, aud: string) => `declare it on the publish job: \`id_tokens: { ${name}: { aud: "${aud}" } }\``;

  if (publishJobs.length === 0) {
    checks.push(
      fail(
        'workflow.id-token',
        `no job in ${file} (or the files it includes) declares \`id_tokens\`, so the publish job gets no OIDC token`,
        `${tokenFix(MONOCHANGE_ID_TOKEN.name, MONOCHANGE_ID_TOKEN.aud)}${needed ? ` and \`${needed.name}: { aud: "${needed.aud}" }\`` : ''}, or run \`nx g @monochange/nx:trusted-publishing --ci=gitlab\``,
      ),
    );
    return checks;
  }

  for (const job of publishJobs) {
    const tokens = idTokensOf(job);
    const wanted = [
      {
        name: MONOCHANGE_ID_TOKEN.name,
        ok: (a: string) => a === MONOCHANGE_ID_TOKEN.aud,
        aud: MONOCHANGE_ID_TOKEN.aud,
        why: 'the plugin verifies the job identity with it',
      },
      ...(needed ? [needed] : []),
    ];
    const bad: string[] = [];
    for (const w of wanted) {
      const auds = audOf(tokens[w.name]);
      if (!(w.name in tokens)) bad.push(`\`${w.name}\` is not declared (${w.why})`);
      else if (!auds.some(w.ok))
        bad.push(`\`${w.name}\` has audience ${auds.length ? auds.map((a) => `\`${a}\``).join(', ') : '(none)'}, expected \`${w.aud}\``);
    }
    checks.push(
      bad.length
        ? fail('workflow.id-token', `${where(job)}: ${bad.join('; ')}`, wanted.map((w) => tokenFix(w.name, w.aud)).join('; '))
        : pass('workflow.id-token', `${where(job)} declares ${wanted.map((w) => `\`${w.name}\``).join(' and ')} with the expected audience`),
    );

    const expected = ctx.target.pkg.publish.trustedPublishing.environment?.trim();
    const actual = environmentOf(job);
    if (!expected)
      checks.push(
        pass(
          'workflow.environment',
          actual ? `${where(job)} uses environment \`${actual}\` (none configured to compare)` : `${where(job)}: no environment configured or used`,
        ),
      );
    else if (actual === expected) checks.push(pass('workflow.environment', `${where(job)} uses environment \`${expected}\``));
    else if (actual?.includes('$'))
      checks.push(
        warn(
          'workflow.environment',
          `${where(job)} picks its environment at run time (\`${actual}\`); expected \`${expected}\``,
          `use the literal \`environment: ${expected}\` so the ID token always carries it`,
        ),
      );
    else {
      checks.push(
        fail(
          'workflow.environment',
          `${where(job)} ${actual ? `uses environment \`${actual}\`` : 'has no `environment:`'}, but the trusted publisher expects \`${expected}\``,
          `set \`environment: ${expected}\` on the job (GitLab compares it case-sensitively), or change \`trusted_publishing.environment\` in monochange.toml and on the registry`,
        ),
      );
    }
  }
  return checks;
}
