/**
 * Value rules of `monochange.toml` that both the zod schema (schema.ts) and the zod-free check of
 * the common shape (common-shape.ts) apply. Kept free of zod, so checking a config of the common
 * shape never loads it.
 */

export const SOURCE_PROVIDERS = ['github', 'gitlab', 'gitea', 'bitbucket', 'forgejo', 'other'] as const;
export const PUBLISH_MODES = ['builtin', 'external'] as const;
/** `trusted_publishing.mode` of newer monochange (`preferred` falls back to local credentials). */
export const TRUSTED_PUBLISHING_MODES = ['required', 'preferred'] as const;

/** `owner/repo`, as GitHub spells repositories. */
export const REPOSITORY_PATTERN = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
/** A bare workflow file name, as it appears in `.github/workflows/`. */
export const WORKFLOW_PATTERN = /^[A-Za-z0-9_.-]+\.ya?ml$/;
/** Package ids as real files write them (`@scope/name`, `rust:crate`); quoted in TOML when needed. */
export const PACKAGE_ID_PATTERN = /^[A-Za-z0-9_.@/:-]+$/;
/** `source.owner`, a package `version`. */
export const NO_WHITESPACE = /^\S+$/;
/** `source.repo`: a repository name, without whitespace or slashes. */
export const REPO_NAME_PATTERN = /^[^\s/]+$/;
/** Numeric ids from OIDC claims written as strings. */
export const DIGITS_PATTERN = /^\d+$/;
const HOST_PATTERN = /^[A-Za-z0-9.-]+(:\d+)?$/;

/** `gitlab.example.com`, `host:8443`, or an https:// URL without credentials, query or fragment. */
export function isSourceHost(value: string): boolean {
  if (HOST_PATTERN.test(value)) return true;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return url.protocol === 'https:' && !url.username && !url.password && !url.search && !url.hash && !value.includes('?') && !value.includes('#');
}

/** The host (and path, for forges served under one) of a valid `source.host`, without scheme or trailing slash. */
export function sourceHostOf(value: string): string {
  if (HOST_PATTERN.test(value)) return value;
  const url = new URL(value);
  return `${url.host}${url.pathname.replace(/\/+$/, '')}`;
}
