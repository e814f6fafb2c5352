/** Dotted TOML key paths (`package."@scope/web".publish.registry`) and their abstract patterns. */

export type KeyPath = readonly (string | number)[];

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

/** Renders a key path the way it would be written in TOML, quoting segments that need it. */
export function formatKeyPath(path: KeyPath): string {
  return path.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : `${i ? '.' : ''}${formatSegment(segment)}`)).join('');
}

export function formatSegment(segment: string): string {
  return BARE_KEY.test(segment) ? segment : JSON.stringify(segment);
}

/**
 * Abstract pattern of a concrete path, used to look up allowed keys and documentation:
 * `package.<id>` becomes `package.*`, `ecosystems.<eco>` becomes `ecosystems.*`, and the inside of
 * any `publish` table (package or ecosystem level) becomes `publish.…`.
 */
export function abstractKeyPath(path: KeyPath): string {
  // Array items share the documentation of their array.
  const parts = path.filter((segment) => typeof segment !== 'number').map(String);
  if ((parts[0] === 'package' || parts[0] === 'ecosystems') && parts.length >= 2) {
    if (parts[2] === 'publish') return ['publish', ...parts.slice(3)].join('.');
    return [parts[0], '*', ...parts.slice(2)].join('.');
  }
  return parts.join('.');
}

/** `[table]` header text for the parent of a key, or "the top level" for root keys. */
export function describeTable(parent: KeyPath): string {
  if (parent.length === 0) return 'the top level of the file';
  const last = parent[parent.length - 1];
  if (typeof last === 'number') {
    // An entry of an array of tables (`[[cli.release.steps]]`).
    return `entry ${last + 1} of \`[[${formatKeyPath(parent.filter((s) => typeof s === 'string'))}]]\``;
  }
  return `\`[${formatKeyPath(parent)}]\``;
}

/**
 * A TOML table header that can be pasted as is: `packageTable("@acme/core", "publish")` gives
 * `[package."@acme/core".publish]`. Use it wherever a message names a `[package.<id>…]` table.
 */
export function packageTable(id: string, ...rest: string[]): string {
  return `[${formatKeyPath(['package', id, ...rest])}]`;
}
