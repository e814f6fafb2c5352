import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isMonochangeError, type MonochangeError } from '../errors';
import { parseConfig } from './index';

let root: string;
let file: string;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-config-errors-'));
  file = path.join(root, 'monochange.toml');
  for (const dir of ['packages/web', 'packages/api', 'apps/mobile', 'docs']) {
    fs.mkdirSync(path.join(root, dir), { recursive: true });
  }
  fs.writeFileSync(path.join(root, 'packages/web/package.json'), '{"name":"web"}\n');
  fs.writeFileSync(path.join(root, 'docs/placeholder.md'), '# soon\n');
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

function parseError(text: string): MonochangeError {
  try {
    parseConfig(text, { file, root });
  } catch (error) {
    if (isMonochangeError(error)) return error as MonochangeError;
    throw error;
  }
  throw new Error('expected parseConfig to fail');
}

const WEB = '[package.web]\npath = "packages/web"\ntype = "npm"\n';
const SOURCE = '[source]\nowner = "acme"\nrepo = "tools"\n';

interface Case {
  name: string;
  toml: string | (() => string);
  /** Dotted key path the message must name. */
  key: string;
  /** Must match the fix text. */
  fix: RegExp;
  /** Also asserted on the message, when given. */
  message?: RegExp;
  line?: number;
  column?: number;
}

const cases: Case[] = [
  // TOML syntax
  {
    name: 'bad TOML syntax',
    toml: '[package.web]\npath = \ntype = "npm"\n',
    key: 'package.web.path',
    fix: /correct the TOML syntax at line 2/,
    message: /invalid TOML/,
    line: 2,
    column: 8,
  },
  { name: 'unquoted string value', toml: '[package.web]\npath = packages/web\n', key: 'package.web.path', fix: /quote strings/, line: 2 },
  { name: 'duplicate key', toml: `${WEB}path = "packages/api"\n`, key: 'package.web.path', fix: /defined only once/, line: 4, column: 1 },
  { name: 'duplicate table header', toml: `${WEB}[package.web]\n`, key: 'package.web', fix: /defined only once/, line: 4 },
  {
    name: 'trusted_publishing bool and table together',
    toml: `${WEB}[package.web.publish]\ntrusted_publishing = true\n[package.web.publish.trusted_publishing]\nenabled = true\n`,
    key: 'package.web.publish.trusted_publishing',
    fix: /put `enabled = true` in it/,
    line: 6,
  },
  { name: 'unsafe key', toml: '__proto__ = 1\n', key: '__proto__', fix: /rename the key/, line: 1 },
  // unknown keys, with suggestions
  {
    name: 'unknown top-level key (typo)',
    toml: '[packages.web]\npath = "packages/web"\n',
    key: 'packages',
    fix: /did you mean `package`\?/,
    line: 1,
    column: 2,
  },
  {
    name: 'unknown top-level key (no suggestion)',
    toml: `${WEB}[workspace]\nmembers = []\n`,
    key: 'workspace',
    fix: /remove it \(keys allowed in the top level: source, defaults, package, ecosystems, lookup, group, changelog/,
    line: 4,
  },
  { name: 'unknown key in source', toml: `${SOURCE}hots = "gitlab.example.com"\n`, key: 'source.hots', fix: /did you mean `host`/, line: 4 },
  {
    name: 'unknown key in source.releases',
    toml: `${SOURCE}[source.releases]\nbranch = ["main"]\n`,
    key: 'source.releases.branch',
    fix: /did you mean `branches`/,
    line: 5,
  },
  {
    name: 'unknown key in source.releases.attestations',
    toml: `${SOURCE}[source.releases.attestations]\nrequire_artifact_attestations = true\n`,
    key: 'source.releases.attestations.require_artifact_attestations',
    fix: /did you mean `require_github_artifact_attestations`/,
  },
  {
    name: 'unknown key in source.oidc',
    toml: `${SOURCE}[source.oidc]\nissuer = "https://token.actions.githubusercontent.com"\naudience = "npm"\n`,
    key: 'source.oidc.audience',
    fix: /remove it .*issuer/,
  },
  {
    name: 'unknown key in package (typo)',
    toml: '[package.web]\npath = "packages/web"\ntyp = "npm"\n',
    key: 'package.web.typ',
    fix: /did you mean `type`/,
    line: 3,
  },
  { name: 'publish key written directly in package', toml: `${WEB}registry = "npm"\n`, key: 'package.web.registry', fix: /did you mean `publish.registry`/ },
  {
    name: 'unknown key in publish (typo)',
    toml: `${WEB}[package.web.publish]\ntrusted_publshing = true\n`,
    key: 'package.web.publish.trusted_publshing',
    fix: /did you mean `trusted_publishing`\?/,
    line: 5,
  },
  {
    name: 'placeholder key written directly in publish',
    toml: `${WEB}[package.web.publish]\nreadme = "# web"\n`,
    key: 'package.web.publish.readme',
    fix: /did you mean `placeholder.readme`/,
  },
  {
    name: 'unknown key in trusted_publishing (typo)',
    toml: `${WEB}[package.web.publish.trusted_publishing]\nenviroment = "npm"\n`,
    key: 'package.web.publish.trusted_publishing.enviroment',
    fix: /did you mean `environment`/,
  },
  {
    name: 'registry inside trusted_publishing (reference template gap)',
    toml: `${WEB}[package.web.publish.trusted_publishing]\nregistry = "npm"\n`,
    key: 'package.web.publish.trusted_publishing.registry',
    fix: /remove it .*workflow/,
  },
  {
    name: 'unknown key in attestations',
    toml: `${WEB}[package.web.publish.attestations]\nrequire_registry_provenence = true\n`,
    key: 'package.web.publish.attestations.require_registry_provenence',
    fix: /did you mean `require_registry_provenance`/,
  },
  {
    name: 'unknown key in placeholder',
    toml: `${WEB}[package.web.publish.placeholder]\nreadmefile = "docs/placeholder.md"\n`,
    key: 'package.web.publish.placeholder.readmefile',
    fix: /did you mean `readme_file`/,
  },
  {
    name: 'unknown key in rate_limits',
    toml: `${WEB}[package.web.publish.rate_limits]\nenforced = true\n`,
    key: 'package.web.publish.rate_limits.enforced',
    fix: /did you mean `enforce`/,
  },
  {
    name: 'unknown key in an ecosystem table',
    toml: '[ecosystems.npm.publsh]\nenabled = false\n',
    key: 'ecosystems.npm.publsh',
    fix: /did you mean `publish`/,
    line: 1,
  },
  {
    name: 'unknown key in an ecosystem publish table',
    toml: '[ecosystems.cargo.publish]\nmodee = "external"\n',
    key: 'ecosystems.cargo.publish.modee',
    fix: /did you mean `mode`/,
    line: 2,
  },
  { name: 'unknown ecosystem name (rust)', toml: '[ecosystems.rust.publish]\nenabled = false\n', key: 'ecosystems.rust', fix: /\[ecosystems.cargo\]/ },
  {
    name: 'flutter ecosystem publish table',
    toml: '[ecosystems.flutter.publish]\nenabled = false\n',
    key: 'ecosystems.flutter.publish',
    fix: /flutter packages read `\[ecosystems.dart\]`: move `publish` to `\[ecosystems.dart\]`/,
  },
  { name: 'unknown key in defaults', toml: '[defaults]\npackage-type = "npm"\n', key: 'defaults.package-type', fix: /did you mean `package_type`/ },
  { name: 'unknown key in lookup', toml: '[lookup]\ntimeout = 100\n', key: 'lookup.timeout', fix: /remove it .*timeout_ms/ },
  // wrong types
  {
    name: 'path of the wrong type',
    toml: '[package.web]\npath = 1\ntype = "npm"\n',
    key: 'package.web.path',
    fix: /path = "packages\/web"/,
    message: /found 1 \(integer\)/,
    line: 2,
  },
  {
    name: 'type of the wrong type',
    toml: '[package.web]\npath = "packages/web"\ntype = 1\n',
    key: 'package.web.type',
    fix: /type = "npm"/,
    message: /found 1 \(integer\)/,
  },
  { name: 'version of the wrong type', toml: `${WEB}version = 1.5\n`, key: 'package.web.version', fix: /version = "1.2.3"/, message: /found 1.5 \(float\)/ },
  {
    name: 'enabled as a string',
    toml: `${WEB}publish.enabled = "yes"\n`,
    key: 'package.web.publish.enabled',
    fix: /enabled = true/,
    message: /found "yes" \(string\)/,
  },
  { name: 'mode as a boolean', toml: `${WEB}publish.mode = true\n`, key: 'package.web.publish.mode', fix: /mode = "builtin"/, message: /true \(boolean\)/ },
  { name: 'registry as a number', toml: `${WEB}publish.registry = 5\n`, key: 'package.web.publish.registry', fix: /registry = "npm"/ },
  {
    name: 'trusted_publishing as a string',
    toml: `${WEB}publish.trusted_publishing = "yes"\n`,
    key: 'package.web.publish.trusted_publishing',
    fix: /trusted_publishing = true/,
    message: /true, false, or a table/,
  },
  {
    name: 'trusted_publishing.enabled as a string',
    toml: `${WEB}publish.trusted_publishing.enabled = "true"\n`,
    key: 'package.web.publish.trusted_publishing.enabled',
    fix: /enabled = true/,
  },
  {
    name: 'empty environment',
    toml: `${WEB}publish.trusted_publishing.environment = ""\n`,
    key: 'package.web.publish.trusted_publishing.environment',
    fix: /environment = "publisher"/,
  },
  {
    name: 'non-digit repository_id',
    toml: `${WEB}publish.trusted_publishing.repository_id = "R_abc"\n`,
    key: 'package.web.publish.trusted_publishing.repository_id',
    fix: /repository_id = "123456789"/,
    message: /digits/,
  },
  {
    name: 'float repository_owner_id',
    toml: `${WEB}publish.trusted_publishing.repository_owner_id = 1.5\n`,
    key: 'package.web.publish.trusted_publishing.repository_owner_id',
    fix: /repository_owner_id = "987654"/,
  },
  {
    name: 'negative repository_id',
    toml: `${WEB}publish.trusted_publishing.repository_id = -4\n`,
    key: 'package.web.publish.trusted_publishing.repository_id',
    fix: /repository_id = "123456789"/,
  },
  {
    name: 'require_registry_provenance as a string',
    toml: `${WEB}publish.attestations.require_registry_provenance = "yes"\n`,
    key: 'package.web.publish.attestations.require_registry_provenance',
    fix: /require_registry_provenance = true/,
  },
  {
    name: 'placeholder.readme as a number',
    toml: `${WEB}publish.placeholder.readme = 1\n`,
    key: 'package.web.publish.placeholder.readme',
    fix: /readme = "# web/,
  },
  {
    name: 'rate_limits.enforce as a number',
    toml: `${WEB}publish.rate_limits.enforce = 1\n`,
    key: 'package.web.publish.rate_limits.enforce',
    fix: /enforce = true/,
  },
  {
    name: 'attestations as a boolean',
    toml: `${WEB}publish.attestations = true\n`,
    key: 'package.web.publish.attestations',
    fix: /write it as a table, e.g. `\[package.web.publish.attestations\]`/,
  },
  { name: 'source.owner as a number', toml: '[source]\nowner = 1\nrepo = "tools"\n', key: 'source.owner', fix: /owner = "my-org"/ },
  {
    name: 'branches as a string',
    toml: `${SOURCE}[source.releases]\nbranches = "main"\n`,
    key: 'source.releases.branches',
    fix: /branches = \["main"\]/,
    message: /"main" \(string\)/,
  },
  {
    name: 'enforce_for_publish as a string',
    toml: `${SOURCE}[source.releases]\nenforce_for_publish = "true"\n`,
    key: 'source.releases.enforce_for_publish',
    fix: /enforce_for_publish = true/,
  },
  {
    name: 'require_github_artifact_attestations as a number',
    toml: `${SOURCE}[source.releases.attestations]\nrequire_github_artifact_attestations = 1\n`,
    key: 'source.releases.attestations.require_github_artifact_attestations',
    fix: /require_github_artifact_attestations = true/,
  },
  {
    name: 'a number inside branches',
    toml: `${SOURCE}[source.releases]\nbranches = ["main", 1]\n`,
    key: 'source.releases.branches[1]',
    fix: /branches = \["main"\]` under `\[source.releases\]`/,
    message: /found 1 \(integer\)/,
    line: 5,
  },
  {
    name: 'an empty dependency field',
    toml: '[ecosystems.npm.publish_order]\ndependency_fields = ["dependencies", ""]\n',
    key: 'ecosystems.npm.publish_order.dependency_fields[1]',
    fix: /dependency_fields = \["dependencies"\]/,
  },
  {
    name: 'timeout_ms as a string',
    toml: '[lookup]\ntimeout_ms = "30s"\n',
    key: 'lookup.timeout_ms',
    fix: /timeout_ms = 30000/,
    message: /"30s" \(string\)/,
    line: 2,
  },
  { name: 'negative timeout_ms', toml: '[lookup]\ntimeout_ms = -1\n', key: 'lookup.timeout_ms', fix: /timeout_ms = 30000/, message: /-1 \(integer\)/ },
  { name: 'fractional retries', toml: '[lookup]\nretries = 1.5\n', key: 'lookup.retries', fix: /retries = 3/ },
  { name: 'zero concurrency', toml: '[lookup]\nconcurrency = 0\n', key: 'lookup.concurrency', fix: /concurrency = 16/ },
  {
    name: 'a date where a string belongs',
    toml: '[package.web]\npath = 1979-05-27\ntype = "npm"\n',
    key: 'package.web.path',
    fix: /path = "packages\/web"/,
    message: /\(date\)/,
  },
  { name: 'source as a string', toml: 'source = "github"\n', key: 'source', fix: /write it as a table, e.g. `\[source\]`/ },
  { name: 'array of package tables', toml: '[[package]]\npath = "packages/web"\n', key: 'package', fix: /\[package.web\]/ },
  {
    name: 'dependency_fields as a string',
    toml: '[ecosystems.npm.publish_order]\ndependency_fields = "dependencies"\n',
    key: 'ecosystems.npm.publish_order.dependency_fields',
    fix: /dependency_fields = \["dependencies"\]/,
  },
  // bad enum values
  {
    name: 'bad mode',
    toml: `${WEB}publish.mode = "bultin"\n`,
    key: 'package.web.publish.mode',
    fix: /did you mean "builtin"\? Write `mode = "builtin"` under `\[package.web.publish\]`/,
  },
  {
    name: 'bad type (rust)',
    toml: '[package.core]\npath = "packages/api"\ntype = "rust"\n',
    key: 'package.core.type',
    fix: /did you mean "cargo"\? Write `type = "cargo"`/,
    line: 3,
  },
  {
    name: 'bad provider (case)',
    toml: '[source]\nprovider = "GitHub"\nowner = "acme"\nrepo = "tools"\n',
    key: 'source.provider',
    fix: /did you mean "github"\? Write `provider = "github"`/,
  },
  {
    name: 'bad defaults.package_type',
    toml: '[defaults]\npackage_type = "node"\n',
    key: 'defaults.package_type',
    fix: /did you mean "npm"\? Write `package_type = "npm"`/,
  },
  // missing keys
  {
    name: 'missing path',
    toml: '[package.web]\ntype = "npm"\n',
    key: 'package.web.path',
    fix: /add `path = "packages\/web"`/,
    message: /missing the required key `path`/,
    line: 1,
  },
  {
    name: 'missing type without defaults',
    toml: '[package.web]\npath = "packages/web"\n',
    key: 'package.web.type',
    fix: /type = "npm"` on the package \(packages\/web\/package.json looks like one\).*\[defaults\].package_type/,
    message: /must declare `type` or set `\[defaults\].package_type`/,
  },
  {
    name: 'missing owner in source',
    toml: '[source]\nrepo = "tools"\n',
    key: 'source.owner',
    fix: /owner = "my-org".*required whenever \[source\] is present/,
    line: 1,
  },
  { name: 'missing repo in source', toml: '[source]\nowner = "acme"\n', key: 'source.repo', fix: /repo = "my-repo"/ },
  { name: 'missing issuer in source.oidc', toml: `${SOURCE}[source.oidc]\n`, key: 'source.oidc.issuer', fix: /issuer = "https:/ },
  // placeholder README sources
  {
    name: 'readme and readme_file in a package',
    toml: `${WEB}[package.web.publish.placeholder]\nreadme = "# web"\nreadme_file = "docs/placeholder.md"\n`,
    key: 'package.web.publish.placeholder',
    fix: /set either inline `readme` text or `readme_file`, but not both/,
    message: /package `web` publish.placeholder cannot set both/,
    line: 4,
  },
  {
    name: 'readme and readme_file in an ecosystem',
    toml: '[ecosystems.npm.publish.placeholder]\nreadme = "# x"\nreadme_file = "docs/placeholder.md"\n',
    key: 'ecosystems.npm.publish.placeholder',
    fix: /but not both/,
    line: 1,
    message: /ecosystems `npm` publish.placeholder cannot set both/,
  },
  {
    name: 'readme_file that does not exist',
    toml: `${WEB}publish.placeholder.readme_file = "docs/missing.md"\n`,
    key: 'package.web.publish.placeholder.readme_file',
    fix: /create docs\/missing.md/,
    message: /"docs\/missing.md", which is not a file/,
    line: 4,
  },
  {
    name: 'readme_file outside the workspace',
    toml: '[ecosystems.npm.publish.placeholder]\nreadme_file = "../README.md"\n',
    key: 'ecosystems.npm.publish.placeholder.readme_file',
    fix: /relative to the workspace root/,
  },
  // registries
  {
    name: 'builtin with a custom registry (package)',
    toml: `${WEB}publish.registry = "https://npm.internal.example"\n`,
    key: 'package.web.publish.registry',
    fix: /remove the registry override .*`npm`.*mode = "external"/,
    message: /package `web` uses built-in publishing with an unsupported registry override/,
    line: 4,
  },
  {
    name: 'builtin with a host-style registry name (package, pub.dev)',
    toml: '[package.mobile]\npath = "apps/mobile"\ntype = "flutter"\npublish.registry = "pub.dev"\n',
    key: 'package.mobile.publish.registry',
    fix: /registry = "pub_dev"/,
  },
  {
    name: 'builtin with a custom registry (ecosystem, crates.io)',
    toml: '[ecosystems.cargo.publish]\nregistry = "crates.io"\n',
    key: 'ecosystems.cargo.publish.registry',
    fix: /registry = "crates_io"/,
    message: /ecosystems `cargo` uses built-in publishing with an unsupported registry override/,
  },
  {
    name: 'builtin with another ecosystem registry',
    toml: `${WEB}publish.registry = "jsr"\n`,
    key: 'package.web.publish.registry',
    fix: /`jsr` is not the registry of npm packages.*separate package/,
  },
  {
    name: 'package returns to builtin over an external custom ecosystem registry',
    toml: `[ecosystems.npm.publish]\nmode = "external"\nregistry = "corp"\n${WEB}publish.mode = "builtin"\n`,
    key: 'package.web.publish.mode',
    fix: /mode = "external"/,
    message: /registry = "corp" \(string\) \(inherited\) with mode = "builtin"/,
    line: 7,
  },
  // source
  {
    name: 'artifact attestations on a gitlab source',
    toml: '[source]\nprovider = "gitlab"\nowner = "acme"\nrepo = "tools"\n[source.releases.attestations]\nrequire_github_artifact_attestations = true\n',
    key: 'source.releases.attestations.require_github_artifact_attestations',
    fix: /remove `require_github_artifact_attestations`.*provider = "github"/,
    message: /requires \[source\].provider = "github"/,
    line: 6,
  },
  {
    name: 'http issuer on a non-loopback host',
    toml: `${SOURCE}[source.oidc]\nissuer = "http://github.example.com/_services/token"\n`,
    key: 'source.oidc.issuer',
    fix: /http:\/\/ is only accepted on 127.0.0.1, localhost or \[::1\]/,
    message: /must use https:\/\//,
    line: 5,
  },
  {
    name: 'issuer with a trailing slash',
    toml: `${SOURCE}[source.oidc]\nissuer = "https://token.actions.githubusercontent.com/"\n`,
    key: 'source.oidc.issuer',
    fix: /without trailing slash/,
  },
  {
    name: 'issuer that is not a URL',
    toml: `${SOURCE}[source.oidc]\nissuer = "token.actions.githubusercontent.com"\n`,
    key: 'source.oidc.issuer',
    fix: /https:\/\//,
    message: /is not a URL/,
  },
  {
    name: 'host over plain http',
    toml: `${SOURCE}host = "http://gitlab.example.com/"\n`,
    key: 'source.host',
    fix: /use https:\/\/: write `host = "https:\/\/gitlab.example.com"`/,
  },
  {
    name: 'api_url over plain http',
    toml: `${SOURCE}api_url = "http://github.example.com/api/v3"\n`,
    key: 'source.api_url',
    fix: /write `api_url = "https:\/\/github.example.com\/api\/v3"`/,
  },
  {
    name: 'empty branches',
    toml: `${SOURCE}[source.releases]\nbranches = []\n`,
    key: 'source.releases.branches',
    fix: /branches = \["main"\]/,
    message: /non-empty array/,
  },
  // trusted publishing values
  {
    name: 'repository without owner',
    toml: `${WEB}publish.trusted_publishing.repository = "tools"\n`,
    key: 'package.web.publish.trusted_publishing.repository',
    fix: /repository = "my-org\/my-repo"/,
    message: /owner\/repo/,
  },
  {
    name: 'repository as a URL',
    toml: `${WEB}publish.trusted_publishing.repository = "https://github.com/acme/tools.git"\n`,
    key: 'package.web.publish.trusted_publishing.repository',
    fix: /write `repository = "acme\/tools"`/,
  },
  {
    name: 'workflow with a directory',
    toml: `${WEB}publish.trusted_publishing.workflow = ".github/workflows/publish.yml"\n`,
    key: 'package.web.publish.trusted_publishing.workflow',
    fix: /use the bare file name: write `workflow = "publish.yml"`/,
    line: 4,
  },
  {
    name: 'workflow without a yaml extension',
    toml: `${WEB}publish.trusted_publishing = { workflow = "publish" }\n`,
    key: 'package.web.publish.trusted_publishing.workflow',
    fix: /workflow = "publish.yml"/,
    line: 4,
    column: 32,
  },
  // paths and ids
  {
    name: 'path that does not exist',
    toml: '[package.ghost]\npath = "packages/ghost"\ntype = "npm"\n',
    key: 'package.ghost.path',
    fix: /create the directory packages\/ghost/,
    message: /package `ghost` has .* = "packages\/ghost", which does not exist/,
    line: 2,
  },
  {
    name: 'path pointing at a manifest file',
    toml: '[package.web]\npath = "packages/web/package.json"\ntype = "npm"\n',
    key: 'package.web.path',
    fix: /path = "packages\/web"/,
    message: /is a file, not a directory/,
  },
  {
    name: 'absolute path inside the workspace',
    toml: () => `[package.web]\npath = ${JSON.stringify(path.join(root, 'packages/web'))}\ntype = "npm"\n`,
    key: 'package.web.path',
    fix: /write `path = "packages\/web"`/,
    message: /must be relative/,
  },
  {
    name: 'path escaping the workspace',
    toml: '[package.web]\npath = "../elsewhere/web"\ntype = "npm"\n',
    key: 'package.web.path',
    fix: /inside the workspace root/,
    message: /outside the workspace root/,
  },
  { name: 'empty path', toml: '[package.web]\npath = ""\ntype = "npm"\n', key: 'package.web.path', fix: /path = "packages\/web"/ },
  {
    name: 'package id with a space',
    toml: '[package."my web"]\npath = "packages/web"\ntype = "npm"\n',
    key: 'package."my web"',
    fix: /\[package.my-web\]/,
    message: /invalid package id/,
    line: 1,
  },
  { name: 'empty package id', toml: '[package.""]\npath = "packages/web"\ntype = "npm"\n', key: 'package.""', fix: /must not be empty/ },
  {
    name: 'duplicate package paths with the same type',
    toml: `${WEB}[package.web2]\npath = "./packages/web/"\ntype = "npm"\n`,
    key: 'package.web2.path',
    fix: /one manifest backs one package/,
    message: /packages `web` and `web2` both declare path "packages\/web"/,
    line: 5,
  },
  {
    name: 'dart and flutter packages on the same pubspec',
    toml: '[package.a]\npath = "apps/mobile"\ntype = "dart"\n[package.b]\npath = "apps/mobile"\ntype = "flutter"\n',
    key: 'package.b.path',
    fix: /one manifest backs one package/,
  },
];

describe('parseConfig: malformed configs', () => {
  it('has at least 45 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(45);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const error = parseError(typeof c.toml === 'function' ? c.toml() : c.toml);
    const { message } = error;
    expect(message.startsWith(file)).toBe(true);
    expect(message).toContain(c.key);
    expect(error.details.key).toBe(c.key);
    expect(message).toMatch(/ Fix: /);
    expect(error.details.fix).toMatch(c.fix);
    expect(message).not.toMatch(/\n\s+at /);
    if (c.message) expect(message).toMatch(c.message);
    if (process.env.SHOW_CONFIG_ERRORS) console.log(message);
    if (c.line !== undefined) expect(error.details.line).toBe(c.line);
    if (c.column !== undefined) expect(error.details.column).toBe(c.column);
    expect(error.details.code).toMatch(/^config\./);
  });
});

describe('parseConfig: error selection', () => {
  it('reports the first problem in file order when there are several', () => {
    const error = parseError('[lookup]\nretries = -1\n[package.web]\npath = "packages/web"\ntype = "nmp"\n');
    expect(error.details.key).toBe('lookup.retries');
    expect(error.details.line).toBe(2);
  });

  it('reports the ecosystem, not each inheriting package, for an ecosystem-level registry error', () => {
    const error = parseError(`${WEB}[ecosystems.npm.publish]\nregistry = "corp"\n`);
    expect(error.details.key).toBe('ecosystems.npm.publish.registry');
  });

  it('renders location, problem, found and fix in one line', () => {
    const error = parseError('[lookup]\ntimeout_ms = "30s"\n');
    expect(error.message).toBe(
      `${file}:2:1: \`lookup.timeout_ms\` must be a positive integer of milliseconds (found "30s" (string)). Fix: write e.g. \`timeout_ms = 30000\` under \`[lookup]\``,
    );
  });
});
