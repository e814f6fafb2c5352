import type { ConfigProblem } from './config-problem';
import { describeFound } from './describe-value';
import type { RawConfig } from './schema';
import { sourceHostOf } from './value-rules';
import type { SourceConfig } from './types';

type RawSource = NonNullable<RawConfig['source']>;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function resolveSource(raw: RawSource): SourceConfig {
  const source: SourceConfig = {
    provider: raw.provider ?? 'github',
    owner: raw.owner,
    repo: raw.repo,
    releases: {
      branches: raw.releases?.branches ?? ['main'],
      enforceForPublish: raw.releases?.enforce_for_publish ?? true,
      attestations: {
        requireGithubArtifactAttestations: raw.releases?.attestations?.require_github_artifact_attestations ?? false,
      },
    },
  };
  if (raw.host !== undefined) source.host = sourceHostOf(raw.host);
  if (raw.oidc) source.oidc = { issuer: raw.oidc.issuer };
  return source;
}

export function sourceProblems(raw: RawSource): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const provider = raw.provider ?? 'github';
  if (raw.releases?.attestations?.require_github_artifact_attestations && provider !== 'github') {
    problems.push({
      code: 'config.attestations-provider',
      path: ['source', 'releases', 'attestations', 'require_github_artifact_attestations'],
      problem:
        '[source.releases.attestations].require_github_artifact_attestations requires [source].provider = "github" (`source.releases.attestations.require_github_artifact_attestations`)',
      found: `provider = ${describeFound(provider)}`,
      fix: `remove \`require_github_artifact_attestations\` (GitHub artifact attestations only exist on GitHub), or set \`provider = "github"\` in [source] if the repository is on GitHub`,
    });
  }
  if (raw.oidc) {
    const issue = issuerIssue(raw.oidc.issuer);
    if (issue) {
      problems.push({
        code: 'config.invalid-issuer',
        path: ['source', 'oidc', 'issuer'],
        problem: `\`source.oidc.issuer\` ${issue}`,
        found: describeFound(raw.oidc.issuer),
        fix: 'use the exact https:// issuer of your GitHub instance, e.g. "https://token.actions.githubusercontent.com/<enterprise>" (GHEC), "https://token.actions.<subdomain>.ghe.com" (GHE.com) or "https://<host>/_services/token" (GHES), without trailing slash, query or credentials; http:// is only accepted on 127.0.0.1, localhost or [::1] for local tests',
      });
    }
  }
  return problems;
}

/** Why an issuer is unacceptable, or undefined when it is fine. Issuers are compared exactly, so be strict. */
function issuerIssue(issuer: string): string | undefined {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol === 'http:') {
    if (!LOOPBACK_HOSTS.has(url.hostname)) return 'must use https:// (http:// only on a loopback host)';
  } else if (url.protocol !== 'https:') {
    return 'must be an https:// URL';
  }
  if (url.username || url.password) return 'must not contain credentials';
  if (url.search || url.hash || issuer.includes('?') || issuer.includes('#')) return 'must not have a query or fragment';
  if (issuer.endsWith('/')) return 'must not end with a slash (issuers are compared exactly)';
  if (/\/\.\.?(\/|$)/.test(issuer.slice(url.protocol.length + 2))) return 'must not contain `.` or `..` segments';
  return undefined;
}
