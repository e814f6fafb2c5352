import fs from 'node:fs';
import { registryAdapter } from '../registries';
import type { Env } from '../types';
import type { PublishEntry, PublishResult, Readiness, ReadinessEntry } from './artifact-schema';
import { reasonTitle, SHARED_REASONS } from './refusals';

/**
 * How a run reports in CI: a GitHub job summary and annotations, GitLab collapsible sections, or
 * plain lines elsewhere; and the end-of-run table for `nx run-many`. Pure functions returning
 * strings, plus one side-effect wrapper (`emitCiReport`).
 */

export type CiReportKind = 'publish' | 'readiness';
export type CiArtifact = PublishResult | Readiness;

export interface ReportRow {
  /** The name users read and type: the Nx project name (the package id outside Nx). */
  package: string;
  name: string;
  version: string;
  registry: string;
  status: string;
  emoji: string;
  message: string;
  /** Readiness: the first failing check (`id: message`); publish: the message. */
  detail: string;
  /** Readiness: the id of the first failing check. */
  checkId?: string;
  link?: string;
  annotation?: 'error' | 'warning';
  /** Manifest path relative to the workspace root, for annotations. */
  manifest?: string;
}

export interface ReportOptions {
  /** Manifest path (workspace-relative) of a package; entries may also carry a `manifest` field. */
  manifestFor?: (packageId: string) => string | undefined;
  /** Artifact path as shown to the user. */
  artifactPath?: string;
}

const PUBLISH_EMOJI: Record<string, string> = {
  published: '✅',
  planned: '📝',
  skipped_existing: '⏭️',
  skipped_external: '↪️',
  blocked: '⛔',
  failed: '❌',
};
const READINESS_EMOJI: Record<string, string> = { ready: '✅', already_published: '⏭️', unsupported: '↪️', blocked: '⛔' };

/** Registry page of a published version; nothing when a registry URL override points elsewhere (loopback). */
export function registryPageUrl(registry: string, name: string, version: string, env: Env = {}): string | undefined {
  if (Object.entries(env).some(([key, value]) => /^MONOCHANGE_[A-Z0-9_]*_URL$/.test(key) && value)) return undefined;
  return registryAdapter(registry)?.versionPageUrl(name, version);
}

export function reportRows(artifact: CiArtifact, env: Env = {}, options: ReportOptions = {}): ReportRow[] {
  const manifest = (entry: { package: string }) => {
    const own = (entry as { manifest?: unknown }).manifest;
    return typeof own === 'string' ? own : options.manifestFor?.(entry.package);
  };
  if (artifact.kind === 'monochange.publishReadiness') {
    return artifact.packages.map((e: ReadinessEntry) => {
      const failing = e.checks.find((c) => c.status === 'fail');
      return {
        package: e.project || e.package,
        name: e.name,
        version: e.version,
        registry: e.registry,
        status: e.status,
        emoji: READINESS_EMOJI[e.status] ?? '•',
        message: e.message,
        detail: failing ? `${failing.id}: ${failing.message}` : e.message,
        ...(failing ? { checkId: failing.id } : {}),
        ...(e.status === 'blocked' ? { annotation: 'error' as const } : {}),
        manifest: manifest(e),
      };
    });
  }
  return artifact.packages.map((e: PublishEntry) => ({
    package: e.project || e.package,
    name: e.name,
    version: e.version,
    registry: e.registry,
    status: e.status,
    emoji: PUBLISH_EMOJI[e.status] ?? '•',
    message: e.message,
    detail: e.message,
    link: e.status === 'published' ? registryPageUrl(e.registry, e.name, e.version, env) : undefined,
    ...(e.status === 'failed' ? { annotation: 'error' as const } : e.status === 'blocked' ? { annotation: 'warning' as const } : {}),
    manifest: manifest(e),
  }));
}

function title(artifact: CiArtifact): string {
  if (artifact.kind === 'monochange.publishReadiness') return `Publish readiness: ${artifact.status}`;
  return `${artifact.mode === 'placeholder' ? 'Placeholder publish' : 'Publish'}${artifact.dryRun ? ' (dry run)' : ''}`;
}

function counts(rows: ReportRow[]): string {
  const by = new Map<string, number>();
  for (const r of rows) by.set(r.status, (by.get(r.status) ?? 0) + 1);
  return [...by].map(([status, n]) => `${n} ${status}`).join(', ');
}

/** Markdown cell: pipes escaped, line breaks kept as `<br>`. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

/** GitHub job summary (markdown): a table of package, version, registry, status and message. */
export function githubSummary(artifact: CiArtifact, env: Env = {}, options: ReportOptions = {}): string {
  const rows = reportRows(artifact, env, options);
  const lines = [`## ${title(artifact)}`, ''];
  if (!rows.length) {
    lines.push('No packages selected for publishing.');
  } else {
    lines.push(`${rows.length} package${rows.length === 1 ? '' : 's'}: ${counts(rows)}`, '');
    lines.push('| Package | Version | Registry | Status | Message |', '| --- | --- | --- | --- | --- |');
    for (const r of rows) {
      const pkg = r.link ? `[${cell(r.package)}](${r.link})` : cell(r.package);
      lines.push(`| ${pkg} | ${cell(r.version)} | ${cell(r.registry)} | ${r.emoji} ${r.status} | ${cell(r.detail)} |`);
    }
  }
  if (options.artifactPath) lines.push('', `Artifact: \`${options.artifactPath}\``);
  return `${lines.join('\n')}\n`;
}

/** Workflow-command data: `%`, CR and LF escaped (GitHub's rules). */
export function escapeGithubData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Workflow-command property value: data escapes plus `:` and `,`. */
export function escapeGithubProperty(text: string): string {
  return escapeGithubData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** `::error file=…,title=…::message` / `::warning …` lines for failed and blocked packages. */
export function githubAnnotations(artifact: CiArtifact, env: Env = {}, options: ReportOptions = {}): string[] {
  return reportRows(artifact, env, options)
    .filter((r) => r.annotation)
    .map((r) => {
      const props = [
        r.manifest ? `file=${escapeGithubProperty(r.manifest)}` : '',
        `title=${escapeGithubProperty(`${r.package} ${r.version} ${r.status} (${r.registry})`)}`,
      ].filter(Boolean);
      return `::${r.annotation} ${props.join(',')}::${escapeGithubData(r.detail)}`;
    });
}

const ESC = '\u001b';

/** A collapsible GitLab log section around `body`. */
export function gitlabSection(name: string, header: string, body: string, timestamp = Math.floor(Date.now() / 1000), collapsed = true): string {
  const id = name.replace(/[^a-zA-Z0-9_.-]/g, '_');
  const start = `${ESC}[0Ksection_start:${timestamp}:${id}${collapsed ? '[collapsed=true]' : ''}\r${ESC}[0K${header}`;
  const end = `${ESC}[0Ksection_end:${timestamp}:${id}\r${ESC}[0K`;
  return `${start}\n${body.replace(/\n$/, '')}\n${end}\n`;
}

const COLOR: Record<string, string> = { published: '32', ready: '32', failed: '31', blocked: '33', planned: '36' };

/** One line per package; ANSI colour only when asked (a TTY without NO_COLOR). */
export function plainReport(artifact: CiArtifact, options: ReportOptions & { color?: boolean } = {}, env: Env = {}): string {
  const rows = reportRows(artifact, env, options);
  const paint = (status: string) => (options.color && COLOR[status] ? `${ESC}[${COLOR[status]}m${status}${ESC}[0m` : status);
  const lines = [`${title(artifact)}: ${rows.length ? counts(rows) : 'no packages'}`];
  for (const r of rows) lines.push(`${r.emoji} ${r.package} ${r.version} ${r.registry} ${paint(r.status)}: ${r.detail.replace(/\r?\n/g, ' ')}`);
  if (options.artifactPath) lines.push(`result: ${options.artifactPath}`);
  return `${lines.join('\n')}\n`;
}

/** End-of-run table for `nx run-many`: package, version, registry, status and what went wrong, then the artifact path. */
export function summaryTable(artifact: CiArtifact, artifactPath?: string): string {
  const rows = reportRows(artifact);
  const header = ['package', 'version', 'registry', 'status', artifact.kind === 'monochange.publishReadiness' ? 'first failing check' : 'message'];
  // A reason of the job (no verified identity…) gets its short title: the run's summary says it once in full.
  const detail = (r: ReportRow) =>
    r.checkId && SHARED_REASONS.has(r.checkId) && reasonTitle(r.checkId) ? `${r.checkId}: ${reasonTitle(r.checkId)}` : r.detail;
  const data = rows.map((r) => [r.package, r.version, r.registry, r.status, oneLine(detail(r), 120)]);
  const widths = header.slice(0, 4).map((h, i) => Math.max(h.length, ...data.map((d) => d[i].length)));
  const render = (cols: string[]) =>
    cols
      .map((c, i) => (i < 4 ? c.padEnd(widths[i]) : c))
      .join('  ')
      .trimEnd();
  const lines = [title(artifact), render(header), ...data.map(render)];
  if (!rows.length) lines.push('(no packages)');
  if (artifactPath) lines.push(`result: ${artifactPath}`);
  return `${lines.join('\n')}\n`;
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s*\r?\n\s*/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export type CiProvider = 'github' | 'gitlab' | 'plain';

export function ciReportProvider(env: Env): CiProvider {
  if (env.GITHUB_ACTIONS === 'true') return 'github';
  if (env.GITLAB_CI === 'true') return 'gitlab';
  return 'plain';
}

export interface EmitOptions extends ReportOptions {
  /** Is stdout a terminal (for colour)? Default: process.stdout.isTTY. */
  isTTY?: boolean;
  appendFile?: (file: string, text: string) => void;
  timestamp?: number;
}

/**
 * Reports an artifact where the run happens: GitHub → job summary appended to
 * `$GITHUB_STEP_SUMMARY` plus annotations on `write`; GitLab → a collapsible section; elsewhere →
 * plain lines (coloured only on a TTY without NO_COLOR).
 */
export function emitCiReport(kind: CiReportKind, artifact: CiArtifact, env: Env, write: (text: string) => void, options: EmitOptions = {}): void {
  const provider = ciReportProvider(env);
  const label = kind === 'readiness' ? 'monochange_readiness' : 'monochange_publish';
  if (provider === 'github') {
    const summaryFile = env.GITHUB_STEP_SUMMARY;
    if (summaryFile) (options.appendFile ?? ((f, t) => fs.appendFileSync(f, t)))(summaryFile, githubSummary(artifact, env, options));
    for (const line of githubAnnotations(artifact, env, options)) write(`${line}\n`);
    return;
  }
  if (provider === 'gitlab') {
    // Collapsed only when there is nothing to look at.
    const problems = reportRows(artifact, env, options).some((r) => r.annotation);
    write(gitlabSection(label, title(artifact), plainReport(artifact, { ...options, color: false }, env), options.timestamp, !problems));
    return;
  }
  const color = Boolean(options.isTTY ?? process.stdout.isTTY) && !env.NO_COLOR;
  write(plainReport(artifact, { ...options, color }, env));
}
