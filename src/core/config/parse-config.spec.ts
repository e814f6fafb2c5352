import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeEffectiveSettings, parseConfig, type MonochangeConfig, type PackageConfig } from './index';

let root: string;
let file: string;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-config-'));
  file = path.join(root, 'monochange.toml');
  for (const dir of ['packages/web', 'packages/api', 'crates/core', 'apps/mobile', 'py/lib', 'go/mod', 'docs']) {
    fs.mkdirSync(path.join(root, dir), { recursive: true });
  }
  fs.writeFileSync(path.join(root, 'docs/placeholder.md'), '# soon\n');
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

const parse = (text: string, checkPaths = true): MonochangeConfig => parseConfig(text, { file, root, checkPaths });
const pkg = (config: MonochangeConfig, id: string): PackageConfig => {
  const found = config.packages.find((p) => p.id === id);
  if (!found) throw new Error(`no package ${id}`);
  return found;
};

describe('parseConfig: defaults', () => {
  it('gives every ecosystem default settings and the lookup defaults for an empty file', () => {
    const config = parse('');
    expect(config.root).toBe(root);
    expect(config.file).toBe(file);
    expect(config.packages).toEqual([]);
    expect(config.source).toBeUndefined();
    expect(config.publishOrder).toBeUndefined();
    expect(config.defaults).toEqual({});
    expect(config.lookup).toEqual({ timeoutMs: 30000, retries: 3, concurrency: 16 });
    expect(config.ecosystems.cargo).toEqual({
      enabled: true,
      mode: 'builtin',
      registry: 'crates_io',
      trustedPublishing: { enabled: true },
      attestations: { requireRegistryProvenance: false },
      placeholder: {},
      rateLimits: { enforce: false },
    });
    expect(Object.keys(config.ecosystems).sort()).toEqual(['cargo', 'dart', 'deno', 'go', 'npm', 'python']);
    expect(config.ecosystems.python.registry).toBe('pypi');
    expect(config.ecosystems.go.registry).toBe('go_proxy');
    expect(config.ecosystems.deno.registry).toBe('jsr');
    expect(config.ecosystems.dart.registry).toBe('pub_dev');
  });

  it('applies [source] defaults', () => {
    const config = parse('[source]\nowner = "acme"\nrepo = "tools"\n');
    expect(config.source).toEqual({
      provider: 'github',
      owner: 'acme',
      repo: 'tools',
      releases: { branches: ['main'], enforceForPublish: true, attestations: { requireGithubArtifactAttestations: false } },
    });
  });

  it('reads every [source] key', () => {
    const config = parse(`
[source]
provider = "github"
owner = "acme"
repo = "tools"
host = "github.example.com:8443"
[source.releases]
branches = ["main", "release/*"]
enforce_for_publish = false
[source.releases.attestations]
require_github_artifact_attestations = true
[source.oidc]
issuer = "https://github.example.com/_services/token"
`);
    expect(config.source).toEqual({
      provider: 'github',
      owner: 'acme',
      repo: 'tools',
      host: 'github.example.com:8443',
      releases: { branches: ['main', 'release/*'], enforceForPublish: false, attestations: { requireGithubArtifactAttestations: true } },
      oidc: { issuer: 'https://github.example.com/_services/token' },
    });
  });

  it.each(['http://127.0.0.1:8123', 'http://localhost:9000/issuer', 'http://[::1]:4000'])('accepts a plain-http issuer on loopback (%s)', (issuer) => {
    const config = parse(`[source]\nowner = "a"\nrepo = "b"\n[source.oidc]\nissuer = "${issuer}"\n`);
    expect(config.source?.oidc?.issuer).toBe(issuer);
  });

  it('accepts artifact attestations set to false on a non-GitHub source', () => {
    const config = parse(
      '[source]\nprovider = "gitlab"\nowner = "a"\nrepo = "b"\n[source.releases.attestations]\nrequire_github_artifact_attestations = false\n',
    );
    expect(config.source?.provider).toBe('gitlab');
  });

  it('reads [lookup] and [defaults]', () => {
    const config = parse(`
[defaults]
package_type = "cargo"
[lookup]
timeout_ms = 5000
retries = 0
concurrency = 2
[package.core]
path = "crates/core"
`);
    expect(config.lookup).toEqual({ timeoutMs: 5000, retries: 0, concurrency: 2 });
    expect(config.defaults).toEqual({ packageType: 'cargo' });
    expect(pkg(config, 'core').type).toBe('cargo');
    expect(pkg(config, 'core').publish.registry).toBe('crates_io');
  });

  it('lets an explicit type win over [defaults].package_type', () => {
    const config = parse('[defaults]\npackage_type = "cargo"\n[package.web]\npath = "packages/web"\ntype = "npm"\n');
    expect(pkg(config, 'web').type).toBe('npm');
  });
});

describe('parseConfig: packages', () => {
  it('sorts packages by id and normalises paths to posix without ./ or trailing slash', () => {
    const config = parse(`
[package.web]
path = "./packages/web/"
type = "npm"
[package.api]
path = "packages\\\\api"
type = "npm"
[package.root]
path = "."
type = "go"
version = "1.4.0"
[package."@scope/core"]
path = "crates/../crates/core"
type = "cargo"
`);
    expect(config.packages.map((p) => [p.id, p.path])).toEqual([
      ['@scope/core', 'crates/core'],
      ['api', 'packages/api'],
      ['root', '.'],
      ['web', 'packages/web'],
    ]);
    expect(pkg(config, 'root').version).toBe('1.4.0');
    expect(pkg(config, 'web').version).toBeUndefined();
  });

  it('binds python and go packages by path like every other type', () => {
    const config = parse('[package.lib]\npath = "py/lib"\ntype = "python"\n[package.mod]\npath = "go/mod"\ntype = "go"\n');
    expect(pkg(config, 'lib')).toMatchObject({ path: 'py/lib', type: 'python', publish: { registry: 'pypi' } });
    expect(pkg(config, 'mod')).toMatchObject({ path: 'go/mod', type: 'go', publish: { registry: 'go_proxy' } });
  });

  it('skips the filesystem when checkPaths is false', () => {
    const config = parse('[package.ghost]\npath = "not/there"\ntype = "npm"\n', false);
    expect(pkg(config, 'ghost').path).toBe('not/there');
  });

  it('allows the same path for different manifests (npm and deno)', () => {
    const config = parse('[package.web-npm]\npath = "packages/web"\ntype = "npm"\n[package.web-jsr]\npath = "packages/web"\ntype = "deno"\n');
    expect(config.packages.map((p) => p.publish.registry)).toEqual(['jsr', 'npm']);
  });

  it('stores numeric trusted-publishing ids written as integers or strings as digit strings', () => {
    const config = parse(`
[package.web]
path = "packages/web"
type = "npm"
[package.web.publish.trusted_publishing]
repository_id = 123456789
repository_owner_id = "42"
`);
    expect(pkg(config, 'web').publish.trustedPublishing).toEqual({
      enabled: true,
      repositoryId: '123456789',
      repositoryOwnerId: '42',
    });
  });

  it('reads publish_order dependency fields', () => {
    const config = parse('[ecosystems.npm.publish_order]\ndependency_fields = ["dependencies"]\n[ecosystems.cargo.publish_order]\ndependency_fields = []\n');
    expect(config.publishOrder).toEqual({
      npm: { dependencyFields: ['dependencies'] },
      cargo: { dependencyFields: [] },
    });
  });

  it('accepts a document with a BOM, CRLF line endings and inline tables', () => {
    const config = parse(
      '\uFEFF[package.web]\r\npath = "packages/web"\r\ntype = "npm"\r\npublish = { mode = "external", registry = "https://npm.internal.example" }\r\n',
    );
    expect(pkg(config, 'web').publish).toMatchObject({ mode: 'external', registry: 'https://npm.internal.example' });
  });
});

describe('parseConfig: inheritance (package over ecosystem over built-in defaults)', () => {
  it('keeps inherited workflow when a package turns trusted publishing off with the bool shorthand (the tested case)', () => {
    const config = parse(`
[ecosystems.npm.publish.trusted_publishing]
repository = "acme/tools"
workflow = "publish.yml"
environment = "publisher"
[package.web]
path = "packages/web"
type = "npm"
publish.trusted_publishing = false
`);
    expect(pkg(config, 'web').publish.trustedPublishing).toEqual({
      enabled: false,
      repository: 'acme/tools',
      workflow: 'publish.yml',
      environment: 'publisher',
    });
    expect(config.ecosystems.npm.trustedPublishing.enabled).toBe(true);
  });

  it('lets a package table replace only the trusted-publishing fields it sets', () => {
    const config = parse(`
[ecosystems.cargo.publish]
trusted_publishing = false
[ecosystems.cargo.publish.attestations]
require_registry_provenance = true
[package.core]
path = "crates/core"
type = "cargo"
[package.core.publish.trusted_publishing]
workflow = "release.yaml"
`);
    expect(pkg(config, 'core').publish.trustedPublishing).toEqual({ enabled: false, workflow: 'release.yaml' });
    expect(pkg(config, 'core').publish.attestations.requireRegistryProvenance).toBe(true);
  });

  it('replaces enabled, mode, registry, provenance and rate limits when the package sets them', () => {
    const config = parse(`
[ecosystems.npm.publish]
enabled = false
rate_limits = { enforce = true }
attestations = { require_registry_provenance = true }
[package.web]
path = "packages/web"
type = "npm"
[package.web.publish]
enabled = true
mode = "external"
registry = "corp-npm"
rate_limits.enforce = false
attestations.require_registry_provenance = false
[package.api]
path = "packages/api"
type = "npm"
`);
    expect(pkg(config, 'web').publish).toMatchObject({
      enabled: true,
      mode: 'external',
      registry: 'corp-npm',
      rateLimits: { enforce: false },
      attestations: { requireRegistryProvenance: false },
    });
    expect(pkg(config, 'api').publish).toMatchObject({
      enabled: false,
      mode: 'builtin',
      registry: 'npm',
      rateLimits: { enforce: true },
      attestations: { requireRegistryProvenance: true },
    });
  });

  it('lets a package readme clear an inherited readme_file, and the reverse', () => {
    const config = parse(`
[ecosystems.npm.publish.placeholder]
readme_file = "./docs/placeholder.md"
[ecosystems.cargo.publish.placeholder]
readme = "# reserved"
[package.web]
path = "packages/web"
type = "npm"
publish.placeholder.readme = "# web"
[package.api]
path = "packages/api"
type = "npm"
[package.core]
path = "crates/core"
type = "cargo"
publish.placeholder.readme_file = "docs/placeholder.md"
`);
    expect(config.ecosystems.npm.placeholder).toEqual({ readmeFile: 'docs/placeholder.md' });
    expect(pkg(config, 'web').publish.placeholder).toEqual({ readme: '# web' });
    expect(pkg(config, 'api').publish.placeholder).toEqual({ readmeFile: 'docs/placeholder.md' });
    expect(pkg(config, 'core').publish.placeholder).toEqual({ readmeFile: 'docs/placeholder.md' });
  });

  it('gives flutter packages the [ecosystems.dart] settings', () => {
    const config = parse(`
[ecosystems.dart.publish]
trusted_publishing = { workflow = "pub.yml", environment = "pub" }
[package.mobile]
path = "apps/mobile"
type = "flutter"
`);
    expect(pkg(config, 'mobile').publish).toMatchObject({
      registry: 'pub_dev',
      trustedPublishing: { enabled: true, workflow: 'pub.yml', environment: 'pub' },
    });
  });

  it('accepts external mode with any custom registry, at ecosystem and package level', () => {
    const config = parse(`
[ecosystems.cargo.publish]
mode = "external"
registry = "https://cargo.internal.example/index"
[package.core]
path = "crates/core"
type = "cargo"
[package.web]
path = "packages/web"
type = "npm"
publish = { mode = "external", registry = "pub.dev" }
`);
    expect(pkg(config, 'core').publish).toMatchObject({ mode: 'external', registry: 'https://cargo.internal.example/index' });
    expect(pkg(config, 'web').publish).toMatchObject({ mode: 'external', registry: 'pub.dev' });
  });

  it('accepts builtin mode with the explicit default registry', () => {
    const config = parse('[package.core]\npath = "crates/core"\ntype = "cargo"\npublish.registry = "crates_io"\n');
    expect(pkg(config, 'core').publish.registry).toBe('crates_io');
  });

  it('lets a package go back to builtin when its ecosystem is external but only with the default registry', () => {
    const config = parse(`
[ecosystems.npm.publish]
mode = "external"
[package.web]
path = "packages/web"
type = "npm"
publish.mode = "builtin"
`);
    expect(pkg(config, 'web').publish).toMatchObject({ mode: 'builtin', registry: 'npm' });
  });

  it('does not share objects between the ecosystem and its packages', () => {
    const config = parse('[package.web]\npath = "packages/web"\ntype = "npm"\n');
    expect(pkg(config, 'web').publish.trustedPublishing).not.toBe(config.ecosystems.npm.trustedPublishing);
  });
});

describe('describeEffectiveSettings', () => {
  it('renders one multi-line summary of the effective settings', () => {
    const config = parse(`
[package.web]
path = "packages/web"
type = "npm"
[package.web.publish]
rate_limits.enforce = true
placeholder.readme_file = "docs/placeholder.md"
[package.web.publish.trusted_publishing]
repository = "acme/tools"
workflow = "publish.yml"
environment = "npm"
`);
    expect(describeEffectiveSettings(pkg(config, 'web'))).toBe(
      [
        'web (npm) at packages/web',
        '  publish: enabled',
        '  mode: builtin',
        '  registry: npm (default)',
        '  trusted publishing: enabled (repository acme/tools, workflow publish.yml, environment npm)',
        '  registry provenance required: no',
        '  placeholder: readme file docs/placeholder.md',
        '  rate limits enforced: yes',
      ].join('\n'),
    );
  });

  it('shows external mode, custom registry, disabled trust and a version', () => {
    const config = parse(
      '[package.mod]\npath = "go/mod"\ntype = "go"\nversion = "0.3.0"\npublish = { mode = "external", registry = "corp", trusted_publishing = false }\n',
    );
    const text = describeEffectiveSettings(pkg(config, 'mod'));
    expect(text).toContain('mod (go) at go/mod, version 0.3.0');
    expect(text).toContain('mode: external (recorded, published outside monochange)');
    expect(text).toContain('registry: corp\n');
    expect(text).toContain('trusted publishing: disabled\n');
  });
});
