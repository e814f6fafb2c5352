import { MonochangeError } from '../errors';

/** One package the trust gate (or its own manifest) stopped. */
export interface Refusal {
  /** Name the user reads and types: the Nx project name. */
  project: string;
  /** Package id in monochange.toml (replaced in the reason, so identical reasons group). */
  id: string;
  registry: string;
  code: string;
  reason: string;
  /** Its own fix, for reasons without a known one (a manifest error's). */
  fix?: string;
}

/** A short title and the one fix for the reasons users meet most; others show their own text. */
const KNOWN: Record<string, { title: string; fix: string }> = {
  'trust.identity-unverifiable': {
    title: 'no verified CI identity',
    fix: "publish from the CI workflow configured for trusted publishing, in a GitHub Actions job with `permissions: id-token: write`; or set `publish.trusted_publishing = false` for a package to publish it with the registry's own credentials",
  },
  'trust.provider-unsupported': {
    title: 'this CI provider cannot publish these packages with trusted publishing',
    fix: 'publish from GitHub Actions, or set `publish.trusted_publishing = false` for these packages',
  },
  'trust.token-present': {
    title: 'a long-lived registry token is set in the job',
    fix: 'remove the token variables from the job (and `registry-url` from actions/setup-node): trusted publishing needs none',
  },
  'trust.id-token-missing': {
    title: 'the job cannot request an OIDC token',
    fix: 'add `permissions: { id-token: write, contents: read }` to the publish job',
  },
  'trust.repository-mismatch': {
    title: 'the job runs in another repository than the one configured',
    fix: 'run from the configured repository, or correct `trusted_publishing` in monochange.toml to match the registry record',
  },
  'trust.workflow-mismatch': {
    title: 'the job runs another workflow than the one configured',
    fix: 'run from the configured workflow, or correct `trusted_publishing.workflow` in monochange.toml to match the registry record',
  },
  'trust.environment-mismatch': {
    title: 'the job runs in another environment than the one configured',
    fix: 'run in the configured GitHub environment, or correct `trusted_publishing.environment` in monochange.toml',
  },
};

/** Readiness checks that fail for the job, not the package (so usually for every package of a run). */
export const SHARED_REASONS = new Set([
  'trust.identity-unverifiable',
  'trust.provider-unsupported',
  'trust.id-token-missing',
  'trust.token-present',
  'identity.provider',
]);

/** The short title of a known reason (undefined for others). */
export function reasonTitle(code: string): string | undefined {
  return KNOWN[code]?.title;
}

/** The reason with the package's own names taken out, so the same reason for many packages reads once. */
function generic(r: Refusal): string {
  let text = r.reason;
  for (const name of new Set([r.project, r.id])) text = text.split(`\`${name}\``).join('each of them');
  return text
    .replace(/^each of them refused: /, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The first sentence: the why, without the provider list and the advice the fix line gives once. */
export function firstSentence(text: string): string {
  let inCode = false;
  for (let i = 0; i < text.length - 1; i++) {
    if (text[i] === '`') inCode = !inCode;
    else if (!inCode && text[i] === '.' && text[i + 1] === ' ') return text.slice(0, i + 1);
  }
  return text;
}

export interface RefusalGroup {
  code: string;
  title: string;
  detail: string;
  fix?: string;
  projects: string[];
}

/** Identical reasons grouped: known codes by code (their detail is the first package's why), others by text. */
export function groupRefusals(refusals: readonly Refusal[]): RefusalGroup[] {
  const groups = new Map<string, RefusalGroup & { first: Refusal }>();
  for (const r of refusals) {
    const known = KNOWN[r.code];
    const text = generic(r);
    const detail = known ? firstSentence(text) : text;
    const key = known ? `${r.code}\u0000${detail}` : `${r.code}\u0000${text}`;
    const fix = known?.fix ?? (r.fix ? generic({ ...r, reason: r.fix }) : undefined);
    const group = groups.get(key) ?? { code: r.code, title: known?.title ?? r.code, detail, ...(fix ? { fix } : {}), projects: [], first: r };
    group.projects.push(r.project);
    groups.set(key, group);
  }
  // A reason only one package has keeps its own wording (its names included).
  return [...groups.values()].map(({ first, ...g }) => {
    if (g.projects.length > 1) return g;
    const own = first.reason.replace(/^`[^`]+` refused: /, '');
    return { ...g, detail: KNOWN[g.code] ? firstSentence(own) : own, ...(!KNOWN[g.code] && first.fix ? { fix: first.fix } : {}) };
  });
}

/** Lines of a grouped refusal: one heading per reason with its packages, its why, and its fix on a line of its own. */
export function formatRefusalGroups(groups: readonly RefusalGroup[]): string[] {
  const lines: string[] = [];
  for (const g of groups) {
    const n = g.projects.length;
    lines.push(`✖ ${g.title}: ${n} package${n === 1 ? '' : 's'} (${g.projects.join(', ')})`);
    lines.push(`    ${g.detail}`);
    if (g.fix) lines.push(`    fix: ${g.fix}`);
  }
  return lines;
}

/** The one error a refused run ends with (no stack, no `Fix:` glued to the last reason). */
export function refusalError(refusals: readonly Refusal[], inScope: number, dryRun: boolean, artifact?: string): MonochangeError {
  const head = dryRun
    ? `publishing refused (dry run: the real run would be refused before any upload): ${refusals.length} of ${inScope} package(s) cannot be published from this job`
    : `publishing refused before any upload: ${refusals.length} of ${inScope} package(s) cannot be published from this job`;
  const tail = [
    '',
    `Nothing was ${dryRun ? 'changed' : 'published'}${artifact ? `; the refusals are in ${artifact}` : ''}. \`nx run-many -t readiness\` lists every check.`,
  ];
  return new MonochangeError([head, '', ...formatRefusalGroups(groupRefusals(refusals)), ...tail].join('\n'), { code: 'preflight.refused' });
}
