/**
 * Which environment variables can mint or carry a registry credential, and which publish step may
 * receive which of them. Every child process gets the parent environment without these unless its
 * CommandSpec grants them (`credentials`), so build and pack code (npm lifecycle scripts, build
 * backends, build.rs) never sees them.
 */

const SECRET_NAMES = new Set([
  'ACTIONS_ID_TOKEN_REQUEST_URL',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  'MONOCHANGE_ID_TOKEN',
  'MONOCHANGE_OIDC_TOKEN',
  'NPM_ID_TOKEN',
  'PYPI_ID_TOKEN',
  'CARGO_REGISTRY_TOKEN',
]);

const SECRET_PATTERNS = [
  // GitLab `id_tokens:` variables (NPM_ID_TOKEN, PYPI_ID_TOKEN, SIGSTORE_ID_TOKEN, any other name).
  /_ID_TOKEN$/,
  /^CARGO_REGISTRIES_\w+_TOKEN$/,
  /^MONOCHANGE_\w*(TOKEN|SECRET|PASSWORD)$/,
];

/** Environment names are compared upper-cased: Windows ignores case, and so do some tools. */
export function isSecretVariable(name: string): boolean {
  const upper = name.toUpperCase();
  return SECRET_NAMES.has(upper) || SECRET_PATTERNS.some((pattern) => pattern.test(upper));
}

const GITHUB_OIDC_REQUEST = ['ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'] as const;

/** What each upload step needs, and nothing more. Steps not listed (builds, packs, dry runs, git) get none. */
export const GRANTS = {
  /** `npm publish` of a tarball: npm exchanges the ID token itself; SIGSTORE_ID_TOKEN signs provenance on GitLab. */
  'npm-oidc': [...GITHUB_OIDC_REQUEST, 'NPM_ID_TOKEN', 'SIGSTORE_ID_TOKEN'],
  /** `uv publish --trusted-publishing always`. */
  'pypi-oidc': [...GITHUB_OIDC_REQUEST, 'PYPI_ID_TOKEN'],
  /** `cargo publish --no-verify` to crates.io (an override registry grants its own CARGO_REGISTRIES_<NAME>_TOKEN). */
  'cargo-token': ['CARGO_REGISTRY_TOKEN'],
  /** `deno publish`: deno exchanges the GitHub ID token itself. */
  'jsr-oidc': [...GITHUB_OIDC_REQUEST],
  /** `dart|flutter pub publish`: pub exchanges the GitHub ID token itself. */
  'pub-oidc': [...GITHUB_OIDC_REQUEST],
} as const satisfies Record<string, readonly string[]>;

export type GrantName = keyof typeof GRANTS;

/** The variables of one or more named grants, for `CommandSpec.credentials`. */
export function grant(...names: GrantName[]): readonly string[] {
  return [...new Set(names.flatMap((name) => GRANTS[name]))];
}
