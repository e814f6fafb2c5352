import * as fc from 'fast-check';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { isMonochangeError, type MonochangeError } from '../errors';
import { parseConfig } from './index';
import type { MonochangeConfig } from './types';

const root = os.tmpdir();
const file = path.join(root, 'monochange.toml');
const parse = (text: string): MonochangeConfig => parseConfig(text, { file, root, checkPaths: false });

function parseError(text: string): MonochangeError {
  try {
    parse(text);
  } catch (error) {
    if (isMonochangeError(error)) return error as MonochangeError;
    throw error;
  }
  throw new Error(`expected an error for:\n${text}`);
}

const WEB = '[package.web]\npath = "packages/web"\ntype = "npm"\n';
const SOURCE = '[source]\nowner = "acme"\nrepo = "tools"\n';

/** A key monochange defines, one value of its type, one of another type, and the TOML around them. */
interface KeyCase {
  key: string;
  good: string;
  bad: string;
  doc: (value: string) => string;
}

/** `a.b.c` with value v written under `[a.b]`, after `prefix`. */
const at =
  (key: string, prefix = '') =>
  (value: string) => {
    const parts = key.split('.');
    const leaf = parts.pop();
    return `${prefix}[${parts.join('.')}]\n${leaf} = ${value}\n`;
  };
const pkgKey = (leaf: string) => (value: string) => `${WEB}${leaf} = ${value}\n`;
const groupKey = (leaf: string) => (value: string) => `${WEB}[group.core]\npackages = ["web"]\n${leaf} = ${value}\n`;
const cliStep = (leaf: string) => (value: string) => `[[cli.release.steps]]\ntype = "PrepareRelease"\n${leaf} = ${value}\n`;

const cases: KeyCase[] = [
  // [defaults]
  { key: 'defaults.parent_bump', good: '"minor"', bad: '"huge"', doc: at('defaults.parent_bump') },
  { key: 'defaults.include_private', good: 'true', bad: '"yes"', doc: at('defaults.include_private') },
  { key: 'defaults.warn_on_group_mismatch', good: 'false', bad: '1', doc: at('defaults.warn_on_group_mismatch') },
  { key: 'defaults.strict_version_conflicts', good: 'true', bad: '"no"', doc: at('defaults.strict_version_conflicts') },
  { key: 'defaults.changelog', good: '"{{ path }}/CHANGELOG.md"', bad: '3', doc: at('defaults.changelog') },
  { key: 'defaults.changelog.format', good: '"keep_a_changelog"', bad: '"markdown"', doc: at('defaults.changelog.format') },
  { key: 'defaults.changelog.initial_header', good: '"# Changes"', bad: 'true', doc: at('defaults.changelog.initial_header') },
  { key: 'defaults.empty_update_message', good: '"bumped"', bad: 'false', doc: at('defaults.empty_update_message') },
  { key: 'defaults.release_title', good: '"{{ version }}"', bad: '[]', doc: at('defaults.release_title') },
  { key: 'defaults.changelog_version_title', good: '"{{ version }}"', bad: '2', doc: at('defaults.changelog_version_title') },
  { key: 'defaults.bump_propagation', good: '"inherit"', bad: '"always"', doc: at('defaults.bump_propagation') },
  { key: 'defaults.versioned_files', good: '["Cargo.toml"]', bad: '"Cargo.toml"', doc: at('defaults.versioned_files') },
  // [package.<id>]
  { key: 'package.web.tag', good: 'true', bad: '"yes"', doc: pkgKey('tag') },
  { key: 'package.web.release', good: 'false', bad: '"no"', doc: pkgKey('release') },
  { key: 'package.web.changelog', good: 'true', bad: '7', doc: pkgKey('changelog') },
  { key: 'package.web.version_format', good: '"primary"', bad: '"short"', doc: pkgKey('version_format') },
  { key: 'package.web.versioned_files', good: '[{ path = "package.json", type = "npm" }]', bad: '{ path = "x" }', doc: pkgKey('versioned_files') },
  { key: 'package.web.ignore_ecosystem_versioned_files', good: 'true', bad: '"true"', doc: pkgKey('ignore_ecosystem_versioned_files') },
  { key: 'package.web.ignored_paths', good: '["tests/**"]', bad: 'true', doc: pkgKey('ignored_paths') },
  { key: 'package.web.additional_paths', good: '["shared/**"]', bad: '"shared/**"', doc: pkgKey('additional_paths') },
  { key: 'package.web.excluded_changelog_types', good: '["docs"]', bad: '"docs"', doc: pkgKey('excluded_changelog_types') },
  { key: 'package.web.publish', good: 'false', bad: '"no"', doc: pkgKey('publish') },
  { key: 'package.web.publish.fail_on_duplicate', good: 'true', bad: '"no"', doc: at('package.web.publish.fail_on_duplicate', WEB) },
  { key: 'package.web.publish.timeout.timeout_seconds', good: '60', bad: '"60s"', doc: at('package.web.publish.timeout.timeout_seconds', WEB) },
  { key: 'package.web.publish.trusted_publishing.mode', good: '"preferred"', bad: '"sometimes"', doc: at('package.web.publish.trusted_publishing.mode', WEB) },
  // [group.<id>]
  { key: 'group.core.tag', good: 'true', bad: '"yes"', doc: groupKey('tag') },
  { key: 'group.core.release', good: 'true', bad: '1', doc: groupKey('release') },
  { key: 'group.core.version_format', good: '"namespaced"', bad: 'true', doc: groupKey('version_format') },
  { key: 'group.core.changelog', good: '{ path = "CHANGELOG.md", include = "all" }', bad: '[]', doc: groupKey('changelog') },
  { key: 'group.core.versioned_files', good: '[{ path = "Cargo.toml", type = "cargo" }]', bad: '["Cargo.toml"]', doc: groupKey('versioned_files') },
  { key: 'group.core.packages', good: '["web"]', bad: '"web"', doc: (v) => `${WEB}[group.core]\npackages = ${v}\n` },
  // [ecosystems.<eco>]
  { key: 'ecosystems.cargo.enabled', good: 'false', bad: '"off"', doc: at('ecosystems.cargo.enabled') },
  { key: 'ecosystems.npm.roots', good: '["packages/*"]', bad: '"packages/*"', doc: at('ecosystems.npm.roots') },
  { key: 'ecosystems.cargo.versioned_files', good: '["Cargo.toml"]', bad: 'true', doc: at('ecosystems.cargo.versioned_files') },
  { key: 'ecosystems.cargo.dependency_version_prefix', good: '"^"', bad: '1', doc: at('ecosystems.cargo.dependency_version_prefix') },
  {
    key: 'ecosystems.npm.lockfile_commands',
    good: '[{ command = "pnpm install", shell = true }]',
    bad: '"pnpm install"',
    doc: at('ecosystems.npm.lockfile_commands'),
  },
  { key: 'ecosystems.npm.publish', good: 'false', bad: '"no"', doc: at('ecosystems.npm.publish') },
  { key: 'ecosystems.flutter.enabled', good: 'true', bad: '"yes"', doc: at('ecosystems.flutter.enabled') },
  // [source]
  { key: 'source.host', good: '"https://gitlab.example.com"', bad: '"ftp://gitlab.example.com"', doc: (v) => `${SOURCE}host = ${v}\n` },
  { key: 'source.api_url', good: '"https://github.example.com/api/v3"', bad: '"not a url"', doc: (v) => `${SOURCE}api_url = ${v}\n` },
  { key: 'source.releases.draft', good: 'true', bad: '"yes"', doc: at('source.releases.draft', SOURCE) },
  { key: 'source.releases.source', good: '"github_generated"', bad: '"bot"', doc: at('source.releases.source', SOURCE) },
  { key: 'source.releases.changeset_context_timeout_seconds', good: '120', bad: '0', doc: at('source.releases.changeset_context_timeout_seconds', SOURCE) },
  { key: 'source.pull_requests.labels', good: '["release"]', bad: '"release"', doc: at('source.pull_requests.labels', SOURCE) },
  { key: 'source.pull_requests.auto_merge', good: 'true', bad: '"yes"', doc: at('source.pull_requests.auto_merge', SOURCE) },
  // [changelog], [changesets], [lints], [cli.*] and newer top-level tables
  { key: 'changelog.templates', good: '["- {{ summary }}"]', bad: '"- {{ summary }}"', doc: at('changelog.templates') },
  { key: 'changelog.sections.feat.priority', good: '20', bad: '"high"', doc: (v) => `[changelog.sections.feat]\nheading = "Features"\npriority = ${v}\n` },
  { key: 'changelog.types.feat.bump', good: '"minor"', bad: '"big"', doc: (v) => `[changelog.types.feat]\nsection = "feat"\nbump = ${v}\n` },
  { key: 'changelog.section_thresholds.collapse', good: '50', bad: '500', doc: at('changelog.section_thresholds.collapse') },
  { key: 'changesets.affected.required', good: 'false', bad: '"no"', doc: at('changesets.affected.required') },
  { key: 'changesets.affected.skip_labels', good: '["no-changeset"]', bad: 'true', doc: at('changesets.affected.skip_labels') },
  { key: 'lints.use', good: '["cargo/recommended"]', bad: '"cargo/recommended"', doc: at('lints.use') },
  { key: 'lints.rules.x', good: '"error"', bad: '"fatal"', doc: (v) => `[lints.rules]\nx = ${v}\n` },
  { key: 'cli.release.help_text', good: '"Prepare a release"', bad: 'true', doc: at('cli.release.help_text') },
  { key: 'cli.release.dry_run', good: 'true', bad: '"yes"', doc: at('cli.release.dry_run') },
  { key: 'cli.release.steps[0].allow_empty_changesets', good: 'true', bad: '"yes"', doc: cliStep('allow_empty_changesets') },
  { key: 'cli.release.steps[0].when', good: '"{{ inputs.x }}"', bad: 'false', doc: cliStep('when') },
  { key: 'prerelease.publish_packages', good: 'false', bad: '"no"', doc: at('prerelease.publish_packages') },
];

describe('keys monochange defines', () => {
  it.each(cases.map((c) => [c.key, c] as const))('%s: accepted with its type', (_key, c) => {
    expect(() => parse(c.doc(c.good))).not.toThrow();
  });

  it.each(cases.map((c) => [c.key, c] as const))('%s: a wrong type is one message with file, key, found and fix', (_key, c) => {
    const error = parseError(c.doc(c.bad));
    expect(error.message.startsWith(`${file}:`)).toBe(true);
    // An item of an array is named with its index (`versioned_files[0]`).
    expect(error.details.key === c.key || error.details.key?.startsWith(`${c.key}[`)).toBe(true);
    expect(error.details.found).toContain(c.bad.replace(/^[["{ ]+/, '').slice(0, 4));
    if (process.env.SHOW_CONFIG_ERRORS) console.log(error.message);
    expect(error.details.fix).toBeTruthy();
    expect(error.details.fix).not.toMatch(/a valid value/);
    expect(error.message).not.toMatch(/\n\s+at /);
  });

  const typos: [string, string, RegExp][] = [
    ['[defaults]\nparent_bmp = "patch"\n', 'defaults.parent_bmp', /did you mean `parent_bump`/],
    ['[defaults]\ninclude_privat = true\n', 'defaults.include_privat', /did you mean `include_private`/],
    [`${WEB}relase = true\n`, 'package.web.relase', /did you mean `release`/],
    [`${WEB}[group.core]\npackges = ["web"]\n`, 'group.core.packges', /did you mean `packages`/],
    ['[ecosystems.cargo]\nenabeld = true\n', 'ecosystems.cargo.enabeld', /did you mean `enabled`/],
    [`${SOURCE}[source.pull_requests]\nauto_merg = true\n`, 'source.pull_requests.auto_merg', /did you mean `auto_merge`/],
    ['[changesets.affected]\nskip_label = []\n', 'changesets.affected.skip_label', /did you mean `skip_labels`/],
    ['[changelogs]\ntemplates = []\n', 'changelogs', /did you mean `changelog`/],
    ['[[cli.release.steps]]\ntype = "Command"\ncomand = "echo"\n', 'cli.release.steps[0].comand', /did you mean `command`/],
    [`${WEB}[package.web.publish.timeout]\ntimeout_second = 5\n`, 'package.web.publish.timeout.timeout_second', /did you mean `timeout_seconds`/],
  ];

  it.each(typos)('a typo near a real key still gets "did you mean" (%#)', (toml, key, fix) => {
    const error = parseError(toml);
    expect(error.details.key).toBe(key);
    expect(error.details.code).toBe('config.unknown-key');
    expect(error.details.fix).toMatch(fix);
  });

  it('accepts any key of the table as generated TOML, with a good value; rejects a bad one', () => {
    fc.assert(
      fc.property(fc.constantFrom(...cases), fc.boolean(), (c, good) => {
        const text = c.doc(good ? c.good : c.bad);
        parseToml(text); // every generated document is valid TOML
        if (good) expect(() => parse(text)).not.toThrow();
        else expect(parseError(text).details.key?.startsWith(c.key)).toBe(true);
      }),
      { numRuns: 200, seed: 16 },
    );
  });
});

describe('publish-relevant keys act as monochange does', () => {
  it('`publish = false` on a package is `publish.enabled = false`', () => {
    const config = parse(`${WEB}publish = false\n`);
    expect(config.packages[0].publish.enabled).toBe(false);
  });

  it('`[ecosystems.npm] publish = false` turns off its packages, a package may turn itself back on', () => {
    const config = parse(`${WEB}[package.api]\npath = "packages/api"\ntype = "npm"\npublish.enabled = true\n[ecosystems.npm]\npublish = false\n`);
    expect(config.packages.map((p) => [p.id, p.publish.enabled])).toEqual([
      ['api', true],
      ['web', false],
    ]);
  });

  it('`release = false`, `tag = false` and `[ecosystems.<eco>] enabled = false` do not stop publishing', () => {
    const config = parse(`${WEB}release = false\ntag = false\n[ecosystems.npm]\nenabled = false\n`);
    expect(config.packages[0].publish.enabled).toBe(true);
  });

  it('`defaults.package_type` fills in `type`; `include_private` is read and changes nothing', () => {
    const config = parse('[defaults]\npackage_type = "cargo"\ninclude_private = true\n[package.core]\npath = "crates/core"\n');
    expect(config.packages[0]).toMatchObject({ type: 'cargo', publish: { enabled: true, registry: 'crates_io' } });
  });

  it('`registry = "crates-io"` is the crates_io registry, `"crates.io"` stays an error', () => {
    expect(parse('[ecosystems.cargo.publish]\nregistry = "crates-io"\n').ecosystems.cargo.registry).toBe('crates_io');
    expect(parseError('[ecosystems.cargo.publish]\nregistry = "crates.io"\n').details.key).toBe('ecosystems.cargo.publish.registry');
  });

  it.each([
    ['https://gitlab.example.com', 'gitlab.example.com'],
    ['https://gitlab.example.com/', 'gitlab.example.com'],
    ['https://code.example.com:8443/gitlab/', 'code.example.com:8443/gitlab'],
    ['gitlab.example.com', 'gitlab.example.com'],
  ])('`source.host = "%s"` (a self-managed forge) gives host %s', (host, expected) => {
    const config = parse(`[source]\nprovider = "gitlab"\nowner = "a"\nrepo = "b"\nhost = "${host}"\n`);
    expect(config.source?.host).toBe(expected);
  });

  it('newer trusted_publishing.mode = "preferred" is read but does not relax trusted publishing', () => {
    const config = parse(`${WEB}[package.web.publish.trusted_publishing]\nmode = "preferred"\n`);
    expect(config.packages[0].publish.trustedPublishing).toEqual({ enabled: true });
  });
});

describe('monochangeOnlyKeys', () => {
  it('lists the keys monochange reads that publishing here ignores, once each', () => {
    const config = parse(`[defaults]
package_type = "npm"
parent_bump = "patch"
include_private = false
${WEB}tag = true
release = true
publish = false
[package."@a/b"]
path = "packages/b"
tag = false
[package."@a/b".publish.trusted_publishing]
mode = "preferred"
workflow = "publish.yml"
[group.all]
packages = ["web"]
[ecosystems.npm]
enabled = true
[ecosystems.flutter]
enabled = true
[[cli.release.steps]]
type = "PrepareRelease"
`);
    expect(config.monochangeOnlyKeys).toEqual([
      'cli',
      'defaults.include_private',
      'defaults.parent_bump',
      'ecosystems.flutter',
      'ecosystems.npm.enabled',
      'group',
      'package.<id>.publish.trusted_publishing.mode',
      'package.<id>.release',
      'package.<id>.tag',
    ]);
  });

  it('is absent when every key is used here', () => {
    expect(parse(`${WEB}[package.web.publish]\nenabled = false\n`).monochangeOnlyKeys).toBeUndefined();
  });
});
