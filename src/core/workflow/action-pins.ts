/**
 * GitHub Actions the generated publish workflows use, pinned to full commit SHAs.
 *
 * Every pair comes from the project's reviewed pin list (kept in
 * `__fixtures__/action-pins.reference.json` and checked by action-pins.spec.ts). Where that list
 * has a newer release seen only in other people's workflows, the pair confirmed against a release
 * tag (`tag_verified`) is used instead: a SHA nobody here has read from the action's repository
 * is not shipped. Never add a SHA that is not in that list.
 *
 * One exception, recorded with its sources in `__fixtures__/action-pins.cross-checked.json` (and
 * checked by the same spec): pnpm/action-setup. The list's tag-confirmed pair is v4.0.0 (2024, read
 * from a stale snapshot of the repository) and its newest pair, v6.1.0, is only seen in workflows;
 * v4.1.0 is used instead, a SHA that independent public repositories agree on (one resolved the
 * v4.1.0 tag object to it through the GitHub API).
 */

export interface ActionPin {
  /** `owner/repo` (or `owner/repo/path` for actions and reusable workflows in a sub-path). */
  action: string;
  /** Release tag the SHA belongs to, written as the `# vX.Y.Z` comment. */
  version: string;
  /** Full 40-hex commit SHA. */
  sha: string;
}

export const ACTION_PINS = {
  checkout: { action: 'actions/checkout', version: 'v7.0.1', sha: '3d3c42e5aac5ba805825da76410c181273ba90b1' },
  setupNode: { action: 'actions/setup-node', version: 'v7.0.0', sha: '820762786026740c76f36085b0efc47a31fe5020' },
  // v7.0.1 is only seen in workflows; v7.0.0 is the tag-confirmed pair.
  uploadArtifact: {
    action: 'actions/upload-artifact',
    version: 'v7.0.0',
    sha: 'bbbca2ddaa5d8feaa63e36b76fdaad77386f024f',
  },
  setupGo: { action: 'actions/setup-go', version: 'v7.0.0', sha: 'b7ad1dad31e06c5925ef5d2fc7ad053ef454303e' },
  cratesIoAuth: {
    action: 'rust-lang/crates-io-auth-action',
    version: 'v1.0.5',
    sha: 'c6f97d42243bad5fab37ca0427f495c86d5b1a18',
  },
  // v2.0.5 is only seen in workflows; v2.0.4 is the tag-confirmed pair.
  setupDeno: { action: 'denoland/setup-deno', version: 'v2.0.4', sha: '667a34cdef165d8d2b2e98dde39547c9daac7282' },
  // v10.2.0 is only seen in workflows; v10.0.1 is the tag-confirmed pair.
  setupUv: { action: 'astral-sh/setup-uv', version: 'v10.0.1', sha: '20cfd1bf945f4377ade1205e4dbc17946fc9a30d' },
  setupDart: { action: 'dart-lang/setup-dart', version: 'v1.7.2', sha: '65eb853c7ba17dde3be364c3d2858773e7144260' },
  // Cross-checked, not tag-confirmed: see the note at the top.
  setupPnpm: { action: 'pnpm/action-setup', version: 'v4.1.0', sha: 'a7487c7e89a18df4991f7f222e4898a00d66ddda' },
  setupBun: { action: 'oven-sh/setup-bun', version: 'v2.2.0', sha: '0c5077e51419868618aeaa5fe8019c62421857d6' },
} as const satisfies Record<string, ActionPin>;

export type PinnedAction = keyof typeof ACTION_PINS;

/** `owner/repo@<sha>`, the value of a `uses:` key. */
export function usesRef(pin: ActionPin): string {
  return `${pin.action}@${pin.sha}`;
}

/** The comment written after a pinned `uses:` (the YAML writer adds the `#`). */
export function versionComment(pin: ActionPin): string {
  return ` ${pin.version}`;
}
