import { ECOSYSTEMS, ECOSYSTEM_CONFIG_KEYS } from '../types';
import { PUBLISH_MODES, SOURCE_PROVIDERS } from './value-rules';

/** What a key expects and an example line, by abstract key path; feeds the `Fix:` of messages. */
export interface KeyDoc {
  expects: string;
  example: string;
}

const list = (values: readonly string[]) => values.map((v) => `"${v}"`).join(', ');
const bool = (key: string, value = true): KeyDoc => ({ expects: 'true or false', example: `${key} = ${value}` });
const table = (header: string): KeyDoc => ({ expects: 'a table', example: `[${header}]` });

export const KEY_DOCS: Readonly<Record<string, KeyDoc>> = {
  source: table('source'),
  'source.provider': { expects: `one of ${list(SOURCE_PROVIDERS)}`, example: 'provider = "github"' },
  'source.owner': { expects: 'the user or organisation name, without spaces', example: 'owner = "my-org"' },
  'source.repo': { expects: 'the repository name, without spaces or slashes', example: 'repo = "my-repo"' },
  'source.host': {
    expects: 'an https:// URL of your self-managed forge, or its host name',
    example: 'host = "https://gitlab.example.com"',
  },
  'source.api_url': {
    expects: 'the https:// URL of the forge API',
    example: 'api_url = "https://github.example.com/api/v3"',
  },
  'source.releases': table('source.releases'),
  'source.releases.branches': {
    expects: 'a non-empty array of branch names or glob patterns',
    example: 'branches = ["main"]',
  },
  'source.releases.enforce_for_publish': bool('enforce_for_publish'),
  'source.releases.attestations': table('source.releases.attestations'),
  'source.releases.attestations.require_github_artifact_attestations': bool('require_github_artifact_attestations'),
  'source.oidc': table('source.oidc'),
  'source.oidc.issuer': {
    expects: 'the https:// OIDC issuer URL of your GitHub instance',
    example: 'issuer = "https://token.actions.githubusercontent.com/my-enterprise"',
  },
  defaults: table('defaults'),
  'defaults.package_type': { expects: `one of ${list(ECOSYSTEMS)}`, example: 'package_type = "npm"' },
  package: { expects: 'one `[package.<id>]` table per package', example: '[package.web]' },
  'package.*': { expects: 'a table with `path` and `type`', example: '[package.web]' },
  'package.*.path': {
    expects: 'the directory holding the manifest, relative to the workspace root',
    example: 'path = "packages/web"',
  },
  'package.*.type': { expects: `one of ${list(ECOSYSTEMS)}`, example: 'type = "npm"' },
  'package.*.version': { expects: 'a version string without spaces', example: 'version = "1.2.3"' },
  ecosystems: { expects: 'one table per ecosystem', example: '[ecosystems.npm.publish]' },
  'ecosystems.*': {
    expects: `a table (ecosystem keys: ${ECOSYSTEM_CONFIG_KEYS.join(', ')})`,
    example: '[ecosystems.npm.publish]',
  },
  'ecosystems.*.publish_order': table('ecosystems.npm.publish_order'),
  'ecosystems.*.publish_order.dependency_fields': {
    expects: 'an array of manifest dependency field names',
    example: 'dependency_fields = ["dependencies"]',
  },
  publish: { expects: 'a table, or true/false as a shorthand for `enabled`', example: '[package.web.publish]' },
  'publish.enabled': bool('enabled'),
  'publish.mode': { expects: `one of ${list(PUBLISH_MODES)}`, example: 'mode = "builtin"' },
  'publish.registry': {
    expects: 'a registry id (crates_io, npm, jsr, pub_dev, pypi, go_proxy) or, with mode = "external", any name',
    example: 'registry = "npm"',
  },
  'publish.trusted_publishing': {
    expects: 'true, false, or a table with enabled/repository/workflow/environment',
    example: 'trusted_publishing = true',
  },
  'publish.trusted_publishing.enabled': bool('enabled'),
  'publish.trusted_publishing.repository': {
    expects: 'the GitHub repository as owner/repo',
    example: 'repository = "my-org/my-repo"',
  },
  'publish.trusted_publishing.workflow': {
    expects: 'the bare workflow file name ending in .yml or .yaml (no directory)',
    example: 'workflow = "publish.yml"',
  },
  'publish.trusted_publishing.environment': {
    expects: 'the GitHub environment name',
    example: 'environment = "publisher"',
  },
  'publish.trusted_publishing.repository_id': {
    expects: 'the numeric repository id, as digits',
    example: 'repository_id = "123456789"',
  },
  'publish.trusted_publishing.repository_owner_id': {
    expects: 'the numeric owner id, as digits',
    example: 'repository_owner_id = "987654"',
  },
  'publish.attestations': table('package.web.publish.attestations'),
  'publish.attestations.require_registry_provenance': bool('require_registry_provenance'),
  'publish.placeholder': table('package.web.publish.placeholder'),
  'publish.placeholder.readme': { expects: 'inline README text', example: 'readme = "# web\\nComing soon."' },
  'publish.placeholder.readme_file': {
    expects: 'a README file path relative to the workspace root',
    example: 'readme_file = "docs/placeholder.md"',
  },
  'publish.rate_limits': table('package.web.publish.rate_limits'),
  'publish.rate_limits.enforce': bool('enforce'),
  lookup: table('lookup'),
  'lookup.timeout_ms': { expects: 'a positive integer of milliseconds', example: 'timeout_ms = 30000' },
  'lookup.retries': { expects: 'a whole number of retries, 0 or more', example: 'retries = 3' },
  'lookup.concurrency': { expects: 'a positive integer', example: 'concurrency = 16' },
};
