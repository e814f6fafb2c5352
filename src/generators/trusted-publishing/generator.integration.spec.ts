import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { addProjectConfiguration, logger, readNxJson, updateNxJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { FsTree } from 'nx/src/generators/tree';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { configSchema } from '../../core/config/schema';
import { MonochangeError } from '../../core/errors';
import { auditWorkflow } from '../../core/workflow/audit';
import { actionlint } from '../../core/workflow/testing/actionlint';
import { gitlabCiLocal } from '../../core/workflow/testing/gitlab-ci-local';
import { initGenerator } from '../init/generator';
import { changedFiles, mixedWorkspace } from '../init/testing/mixed-workspace';
import trustedPublishingGenerator, { trustedPublishingGenerator as named } from './generator';
import type { TrustedPublishingGeneratorSchema } from './schema';

const WF = '.github/workflows';

async function setUp(): Promise<Tree> {
  const tree = mixedWorkspace();
  await initGenerator(tree, { skipFormat: true });
  return tree;
}

async function generate(tree: Tree, options: TrustedPublishingGeneratorSchema = {}) {
  return trustedPublishingGenerator(tree, { skipFormat: true, ...options });
}

const toml = (tree: Tree) => parseToml(tree.read('monochange.toml', 'utf-8')!) as any;
const yaml = (tree: Tree, file: string) => parseYaml(tree.read(`${WF}/${file}`, 'utf-8')!);
const workflows = (tree: Tree) => (tree.exists(WF) ? tree.children(WF).sort() : []);
const runs = (doc: any) => doc.jobs.publish.steps.filter((s: any) => s.run?.startsWith('npx nx')).map((s: any) => s.run);

/** Runs the callback and returns what it printed. */
async function printed(callback: () => unknown): Promise<string> {
  const lines: string[] = [];
  const info = jest.spyOn(logger, 'info').mockImplementation((m) => void lines.push(String(m)));
  const warn = jest.spyOn(logger, 'warn').mockImplementation((m) => void lines.push(`WARN ${String(m)}`));
  try {
    await callback();
  } finally {
    info.mockRestore();
    warn.mockRestore();
  }
  return lines.join('\n');
}

describe('trusted-publishing generator on a six-ecosystem workspace', () => {
  let tree: Tree;
  let callback: () => unknown;
  beforeAll(async () => {
    tree = await setUp();
    callback = await generate(tree);
  });

  it('exports the generator as default and named', () => {
    expect(trustedPublishingGenerator).toBe(named);
  });

  it('writes monochange.toml tables (snapshot)', () => {
    expect(tree.read('monochange.toml', 'utf-8')).toMatchSnapshot();
  });

  it.each(['publish.yml', 'publish-my_dart.yml', 'publish-my_app.yml', 'publish-api.yml'])('writes %s (snapshot)', (file) => {
    expect(tree.read(`${WF}/${file}`, 'utf-8')).toMatchSnapshot();
  });

  it('writes one main workflow and one per Dart package and Go module', () => {
    expect(workflows(tree)).toEqual(['publish-api.yml', 'publish-my_app.yml', 'publish-my_dart.yml', 'publish.yml']);
  });

  it('gives every workflow zero actionlint and zero audit findings', async () => {
    for (const file of workflows(tree)) {
      const text = tree.read(`${WF}/${file}`, 'utf-8')!;
      expect(await actionlint(text, `${WF}/${file}`)).toEqual([]);
      expect(auditWorkflow(text, { path: file, expected: { environment: 'publisher' } })).toEqual([]);
    }
  });

  it('configures every ecosystem, provenance for npm and JSR only, and a workflow per Dart package', () => {
    const config = toml(tree);
    const trust = { enabled: true, repository: 'acme/widgets', workflow: 'publish.yml', environment: 'publisher' };
    for (const eco of ['npm', 'cargo', 'deno', 'python']) {
      expect(config.ecosystems[eco].publish.trusted_publishing).toEqual(trust);
    }
    for (const eco of ['dart', 'go']) {
      expect(config.ecosystems[eco].publish.trusted_publishing).toEqual({ enabled: true, repository: 'acme/widgets', environment: 'publisher' });
    }
    expect(config.package.api.publish.trusted_publishing).toEqual({ workflow: 'publish-api.yml' });
    expect(config.ecosystems.npm.publish.attestations).toEqual({ require_registry_provenance: true });
    expect(config.ecosystems.deno.publish.attestations).toEqual({ require_registry_provenance: true });
    expect(config.ecosystems.cargo.publish.attestations).toBeUndefined();
    expect(config.package.my_dart.publish.trusted_publishing).toEqual({ workflow: 'publish-my_dart.yml' });
    expect(config.package.my_app.publish.trusted_publishing).toEqual({ workflow: 'publish-my_app.yml' });
    expect(configSchema.safeParse(config).success).toBe(true);
  });

  it('publishes only the projects without a tag-triggered workflow of their own from the main workflow', () => {
    const doc = yaml(tree, 'publish.yml');
    expect(runs(doc)).toEqual([
      'npx nx run-many -t readiness --projects=acme-tools,fast-io,web,web-deno',
      'npx nx run-many -t publish --projects=acme-tools,fast-io,web,web-deno',
    ]);
    expect(doc.jobs.publish.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
  });

  it('triggers each Go module workflow on its own <dir>/vX.Y.Z tag', () => {
    const doc = yaml(tree, 'publish-api.yml');
    expect(Object.keys(doc.on)).toEqual(['push']);
    expect(doc.on.push.tags[0]).toMatch(/v\[0-9\]\+\.\[0-9\]\+\.\[0-9\]\+$/);
    expect(runs(doc)).toEqual(['npx nx run api:readiness', 'npx nx run api:publish']);
  });

  it('triggers Dart workflows on their own tags and runs the project publish', () => {
    const doc = yaml(tree, 'publish-my_dart.yml');
    expect(doc.on).toEqual({ push: { tags: ['my_dart-v[0-9]+.[0-9]+.[0-9]+'] } });
    expect(runs(doc)).toEqual(['npx nx run my_dart:readiness', 'npx nx run my_dart:publish']);
    expect(doc.jobs.publish.environment).toBe('publisher');
  });

  it('runs a package with an ecosystem prefix in its id (`dart:my_dart`) through its Nx project name', async () => {
    const tree = await setUp();
    tree.write('monochange.toml', tree.read('monochange.toml', 'utf-8')!.replace('[package.my_dart]', '[package."dart:my_dart"]'));
    const out = await printed(await generate(tree));
    const dart = workflows(tree)
      .map((file) => yaml(tree, file))
      .find((doc) => doc.name === 'Publish my_dart to pub.dev');
    expect(runs(dart)).toEqual(['npx nx run dart-my_dart:readiness', 'npx nx run dart-my_dart:publish']);
    expect(out).not.toContain('nx run dart:my_dart');
    // File and artifact names carry no `:` (refused by Windows checkouts and by GitHub's artifact upload).
    expect(workflows(tree)).toContain('publish-dart-my_dart.yml');
    expect(JSON.stringify(dart)).toContain('monochange-results-dart-my_dart');
    expect(tree.read('monochange.toml', 'utf-8')).toContain('workflow = "publish-dart-my_dart.yml"');
  });

  it('prints the registry-side steps with the values to enter', async () => {
    const out = await printed(callback);
    expect(out).toContain('https://www.npmjs.com/package/@acme/web/access');
    expect(out).toContain('npm trust github @acme/web --file publish.yml --repo acme/widgets --env publisher --allow-publish --yes');
    expect(out).toContain('npx nx run web:placeholder-publish --configureTrust');
    expect(out).toContain('https://crates.io/crates/fast-io');
    expect(out).toContain('Repository owner: acme · Repository name: widgets · Workflow filename: publish.yml · Environment: publisher');
    expect(out).toContain('https://pub.dev/packages/my_dart/admin');
    expect(out).toContain('Tag pattern: my_dart-v{{version}}');
    expect(out).toContain('https://jsr.io/@acme/web');
    expect(out).toContain('https://pypi.org/manage/project/acme.tools/settings/publishing/');
    expect(out).toContain('Create the GitHub environment "publisher"');
    expect(out).toContain('WARN pub.dev only accepts tag-push triggers');
  });

  it('says the Go workflow is started by the module tag and only reads the repository', async () => {
    const out = await printed(callback);
    expect(out).toMatch(/pushing a release tag such as \S*v1\.2\.3 starts publish-api\.yml, which checks that origin has the tag/);
    expect(out).toContain('contents: read');
    expect(out).not.toContain('publish.yml pushes');
    expect(yaml(tree, 'publish-api.yml').jobs.publish.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(tree.read(`${WF}/publish-api.yml`, 'utf-8')).not.toContain('GH_TOKEN');
  });

  it('changes nothing, byte for byte, when run again with the same options', async () => {
    const before = changedFiles(tree);
    await generate(tree);
    expect(changedFiles(tree)).toEqual(before);
  });
});

describe('trusted-publishing generator options', () => {
  it('ecosystems: configures and publishes only those', async () => {
    const tree = await setUp();
    await generate(tree, { ecosystems: ['npm', 'cargo'] });
    const config = toml(tree);
    expect(Object.keys(config.ecosystems).sort()).toEqual(['cargo', 'npm']);
    expect(workflows(tree)).toEqual(['publish.yml']);
    const doc = yaml(tree, 'publish.yml');
    expect(runs(doc)).toEqual(['npx nx run-many -t readiness --projects=fast-io,web', 'npx nx run-many -t publish --projects=fast-io,web']);
    expect(doc.jobs.publish.permissions.contents).toBe('read');
    const names = doc.jobs.publish.steps.map((s: any) => s.name);
    expect(names).toContain('Get a crates.io token (OIDC)');
    expect(names).not.toContain('Set up Go');
  });

  it('ecosystems: accepts a comma-separated string and flutter as dart', async () => {
    const tree = await setUp();
    await generate(tree, { ecosystems: 'flutter' });
    expect(Object.keys(toml(tree).ecosystems)).toEqual(['dart']);
    expect(workflows(tree)).toEqual(['publish-my_app.yml', 'publish-my_dart.yml']);
  });

  it('ecosystems without declared packages: settings only, no workflow that would publish everything', async () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('monochange.toml', '[source]\nowner = "acme"\nrepo = "w"\n\n[package.a]\npath = "a"\ntype = "npm"\n');
    tree.write('a/package.json', '{"name":"a","version":"1.0.0"}');
    const out = await printed(await generate(tree, { ecosystems: ['cargo'] }));
    expect(toml(tree).ecosystems.cargo.publish.trusted_publishing).toMatchObject({ enabled: true });
    expect(workflows(tree)).toEqual([]);
    expect(out).toContain('WARN No cargo package is declared in monochange.toml');
  });

  it('repository: overrides [source]', async () => {
    const tree = await setUp();
    await generate(tree, { repository: 'other/repo', ecosystems: ['npm'] });
    expect(toml(tree).ecosystems.npm.publish.trusted_publishing.repository).toBe('other/repo');
  });

  it('workflow: names the file and the config', async () => {
    const tree = await setUp();
    await generate(tree, { workflow: 'release.yml', ecosystems: ['python'] });
    expect(workflows(tree)).toEqual(['release.yml']);
    expect(toml(tree).ecosystems.python.publish.trusted_publishing.workflow).toBe('release.yml');
  });

  it("environment '': no environment anywhere, and a previous one is removed", async () => {
    const tree = await setUp();
    await generate(tree, { ecosystems: ['npm'] });
    const callback = await generate(tree, { ecosystems: ['npm'], environment: '' });
    expect(toml(tree).ecosystems.npm.publish.trusted_publishing).toEqual({ enabled: true, repository: 'acme/widgets', workflow: 'publish.yml' });
    expect(yaml(tree, 'publish.yml').jobs.publish.environment).toBeUndefined();
    const out = await printed(callback);
    expect(out).toContain('npm trust github @acme/web --file publish.yml --repo acme/widgets --allow-publish --yes');
    expect(out).not.toContain('Create the GitHub environment');
  });

  it('provenance false: require_registry_provenance = false for npm and JSR only', async () => {
    const tree = await setUp();
    await generate(tree, { provenance: false });
    const config = toml(tree);
    expect(config.ecosystems.npm.publish.attestations).toEqual({ require_registry_provenance: false });
    expect(config.ecosystems.deno.publish.attestations).toEqual({ require_registry_provenance: false });
    expect(config.ecosystems.python.publish.attestations).toBeUndefined();
  });

  it('trigger tag: pushes of release tags (from nx.json release settings); Dart keeps its own tags', async () => {
    const tree = await setUp();
    await generate(tree, { trigger: 'tag' });
    expect(yaml(tree, 'publish.yml').on).toEqual({ push: { tags: ['v[0-9]+.[0-9]+.[0-9]+*'] } });
    const independent = await setUp();
    updateNxJson(independent, { ...readNxJson(independent)!, release: { projectsRelationship: 'independent' } });
    await generate(independent, { trigger: 'tag', ecosystems: ['npm'] });
    expect(yaml(independent, 'publish.yml').on).toEqual({ push: { tags: ['*@[0-9]+.[0-9]+.[0-9]+*'] } });
    expect(yaml(tree, 'publish-my_dart.yml').on).toEqual({ push: { tags: ['my_dart-v[0-9]+.[0-9]+.[0-9]+'] } });
  });

  it('trigger manual: workflow_dispatch', async () => {
    const tree = await setUp();
    await generate(tree, { trigger: 'manual', ecosystems: ['npm'] });
    expect(yaml(tree, 'publish.yml').on).toEqual({ workflow_dispatch: {} });
  });

  it('packages: package-level tables and --projects for just those', async () => {
    const tree = await setUp();
    const before = toml(tree);
    await generate(tree, { packages: ['web', 'my_dart'] });
    const config = toml(tree);
    expect(config.ecosystems).toEqual(before.ecosystems);
    expect(config.package.web.publish).toEqual({
      trusted_publishing: { enabled: true, repository: 'acme/widgets', workflow: 'publish.yml', environment: 'publisher' },
      attestations: { require_registry_provenance: true },
    });
    expect(config.package.my_dart.publish.trusted_publishing).toMatchObject({ workflow: 'publish-my_dart.yml' });
    expect(config.package['fast-io'].publish).toBeUndefined();
    expect(workflows(tree)).toEqual(['publish-my_dart.yml', 'publish.yml']);
    expect(runs(yaml(tree, 'publish.yml'))).toEqual(['npx nx run-many -t readiness --projects=web', 'npx nx run-many -t publish --projects=web']);
    expect(configSchema.safeParse(config).success).toBe(true);
  });

  it('packages: a package may be named by its Nx project name as well as by its id', async () => {
    const tree = mixedWorkspace();
    addProjectConfiguration(tree, 'acme-fast-io', { root: 'crates/fast-io' });
    await initGenerator(tree, { skipFormat: true });
    await generate(tree, { packages: ['acme-fast-io', 'web'] });
    const config = toml(tree);
    const fastIo = Object.entries(config.package as Record<string, { path: string; publish?: unknown }>).find(([, p]) => p.path === 'crates/fast-io');
    expect(fastIo?.[1].publish).toMatchObject({ trusted_publishing: { enabled: true, repository: 'acme/widgets' } });
    expect(config.package.web.publish).toBeDefined();
    expect(config.package.my_dart.publish).toBeUndefined();
  });

  it('packages: an unknown id is a MonochangeError listing the known ones', async () => {
    const tree = await setUp();
    const error = await generate(tree, { packages: ['nope'] }).catch((e) => e);
    expect(error).toBeInstanceOf(MonochangeError);
    expect(error.message).toContain('--packages names `nope`');
    expect(error.details.fix).toContain('web-deno');
  });

  it('skipWorkflow: only monochange.toml changes', async () => {
    const tree = await setUp();
    const before = changedFiles(tree);
    await generate(tree, { skipWorkflow: true });
    const after = changedFiles(tree);
    expect(workflows(tree)).toEqual([]);
    expect(Object.keys(after).filter((f) => after[f] !== before[f])).toEqual(['monochange.toml']);
  });

  it('uses the target names configured for the plugin in nx.json', async () => {
    const tree = await setUp();
    const nxJson = readNxJson(tree)!;
    updateNxJson(tree, {
      ...nxJson,
      plugins: [{ plugin: '@monochange/nx', options: { readinessTargetName: 'mc-ready', publishTargetName: 'mc-publish' } }],
    });
    await generate(tree, { ecosystems: ['npm'] });
    expect(runs(yaml(tree, 'publish.yml'))).toEqual(['npx nx run-many -t mc-ready --projects=web', 'npx nx run-many -t mc-publish --projects=web']);
  });

  it('rejects a workflow path and a malformed repository', async () => {
    const tree = await setUp();
    await expect(generate(tree, { workflow: '.github/workflows/p.yml' })).rejects.toThrow(/invalid --workflow.*bare file name/);
    await expect(generate(tree, { repository: 'just-a-name' })).rejects.toThrow(/invalid --repository.*owner\/repo/);
  });

  it('needs a GitHub repository: from the option, [source] or the origin remote', async () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('monochange.toml', '[package.a]\npath = "a"\ntype = "npm"\n');
    tree.write('a/package.json', '{"name":"a","version":"1.0.0"}');
    await expect(generate(tree)).rejects.toThrow(/cannot tell which GitHub repository publishes.*--repository/);
    await generate(tree, { repository: 'acme/a' });
    expect(toml(tree).ecosystems.npm.publish.trusted_publishing.repository).toBe('acme/a');
  });

  it('runs init first when monochange.toml is missing', async () => {
    const tree = mixedWorkspace();
    await generate(tree, { ecosystems: ['npm'] });
    expect(readNxJson(tree)!.plugins).toEqual(['@monochange/nx']);
    expect(toml(tree).package.web).toMatchObject({ path: 'packages/web', type: 'npm' });
  });
});

describe('trusted-publishing generator in pnpm, yarn and bun workspaces', () => {
  const LOCK_9 = "lockfileVersion: '9.0'\n\nsettings:\n  autoInstallPeers: true\n  excludeLinksFromLockfile: false\n\nimporters:\n\n  .: {}\n";
  const step = (doc: any, name: string) => doc.jobs.publish.steps.find((s: any) => s.name === name);
  const names = (doc: any) => doc.jobs.publish.steps.map((s: any) => s.name);

  /** The six-ecosystem workspace, turned into a pnpm (or other) workspace at the root. */
  async function workspace(files: Record<string, string>, packageManager?: string): Promise<Tree> {
    const tree = await setUp();
    const root = JSON.parse(tree.read('package.json', 'utf-8')!);
    tree.write('package.json', `${JSON.stringify({ ...root, ...(packageManager ? { packageManager } : {}) }, null, 2)}\n`);
    for (const [file, text] of Object.entries(files)) tree.write(file, text);
    return tree;
  }

  async function expectCleanAndIdempotent(tree: Tree, options: TrustedPublishingGeneratorSchema = {}) {
    for (const file of workflows(tree)) {
      const text = tree.read(`${WF}/${file}`, 'utf-8')!;
      expect([file, await actionlint(text, `${WF}/${file}`)]).toEqual([file, []]);
      expect(auditWorkflow(text, { path: file, expected: { environment: 'publisher' } })).toEqual([]);
    }
    const before = changedFiles(tree);
    await generate(tree, options);
    expect(changedFiles(tree)).toEqual(before);
  }

  describe('pnpm with packageManager', () => {
    let tree: Tree;
    let out: string;
    beforeAll(async () => {
      tree = await workspace({ 'pnpm-workspace.yaml': "packages:\n  - 'packages/*'\n", 'pnpm-lock.yaml': LOCK_9 }, 'pnpm@10.4.1');
      out = await printed(await generate(tree));
    });

    it('sets up pnpm from packageManager (no `version`) in every workflow, then installs with pnpm', () => {
      expect(workflows(tree)).toEqual(['publish-api.yml', 'publish-my_app.yml', 'publish-my_dart.yml', 'publish.yml']);
      for (const file of workflows(tree)) {
        const doc = yaml(tree, file);
        expect(names(doc).slice(0, 3)).toEqual(['Check out', 'Set up pnpm', 'Set up Node.js']);
        expect(step(doc, 'Set up pnpm')).toEqual({ name: 'Set up pnpm', uses: 'pnpm/action-setup@a7487c7e89a18df4991f7f222e4898a00d66ddda' });
        expect(step(doc, 'Set up Node.js').with).toEqual({ 'node-version': '24', 'package-manager-cache': false });
        expect(step(doc, 'Install dependencies').run).toBe('pnpm install --frozen-lockfile --ignore-scripts');
        expect(JSON.stringify(doc)).not.toContain('npm ci');
      }
      const main = yaml(tree, 'publish.yml');
      expect(names(main).indexOf('Check npm supports trusted publishing')).toBeLessThan(names(main).indexOf('Install dependencies'));
      expect(runs(main)).toEqual([
        'npx nx run-many -t readiness --projects=acme-tools,fast-io,web,web-deno',
        'npx nx run-many -t publish --projects=acme-tools,fast-io,web,web-deno',
      ]);
      expect(tree.read(`${WF}/publish.yml`, 'utf-8')).toContain('uses: pnpm/action-setup@a7487c7e89a18df4991f7f222e4898a00d66ddda # v4.1.0\n');
      expect(out).not.toContain('pnpm/setup');
    });

    it('gives zero actionlint and audit findings, and changes nothing when run again', async () => {
      await expectCleanAndIdempotent(tree);
    });
  });

  describe('pnpm without packageManager', () => {
    let tree: Tree;
    beforeAll(async () => {
      tree = await workspace({ 'pnpm-workspace.yaml': "packages:\n  - 'packages/*'\n", 'pnpm-lock.yaml': LOCK_9 });
      await generate(tree);
    });

    it('passes the pnpm major of the lockfile as `version`, saying why', () => {
      for (const file of workflows(tree)) {
        expect(step(yaml(tree, file), 'Set up pnpm').with).toEqual({ version: '10' });
        expect(step(yaml(tree, file), 'Install dependencies').run).toBe('pnpm install --frozen-lockfile --ignore-scripts');
      }
      expect(tree.read(`${WF}/publish.yml`, 'utf-8')).toContain(
        `          version: "10" # lockfileVersion '9.0' is written by pnpm 9 and 10; pnpm 10 installs both\n`,
      );
    });

    it('gives zero actionlint and audit findings, and changes nothing when run again', async () => {
      await expectCleanAndIdempotent(tree);
    });

    it('drops `version` once packageManager is added, and goes back to npm ci when pnpm goes', async () => {
      const root = JSON.parse(tree.read('package.json', 'utf-8')!);
      tree.write('package.json', JSON.stringify({ ...root, packageManager: 'pnpm@10.4.1' }));
      await generate(tree);
      expect(step(yaml(tree, 'publish.yml'), 'Set up pnpm').with).toBeUndefined();
      expect(tree.read(`${WF}/publish.yml`, 'utf-8')).not.toContain('version: "10"');
      tree.write('package.json', JSON.stringify(root));
      tree.delete('pnpm-lock.yaml');
      tree.delete('pnpm-workspace.yaml');
      await generate(tree);
      const doc = yaml(tree, 'publish.yml');
      expect(names(doc)).not.toContain('Set up pnpm');
      expect(step(doc, 'Install dependencies').run).toBe('npm ci --ignore-scripts');
      expect(tree.read(`${WF}/publish.yml`, 'utf-8')).not.toContain('pnpm');
    });
  });

  it('pnpm 11 or later: warns that pnpm/action-setup points those to pnpm/setup', async () => {
    const tree = await workspace({ 'pnpm-lock.yaml': LOCK_9 }, 'pnpm@11.5.2');
    const out = await printed(await generate(tree, { ecosystems: ['npm'] }));
    expect(out).toContain('WARN The workflow sets up pnpm 11 with pnpm/action-setup');
    expect(step(yaml(tree, 'publish.yml'), 'Set up pnpm').with).toBeUndefined();
  });

  it('yarn: corepack, then an immutable Yarn install; clean and idempotent', async () => {
    const tree = await workspace({ 'yarn.lock': '__metadata:\n  version: 8\n' }, 'yarn@4.5.0');
    await generate(tree, { ecosystems: ['npm'] });
    const doc = yaml(tree, 'publish.yml');
    expect(names(doc).slice(1, 3)).toEqual(['Set up Node.js', 'Enable Corepack']);
    expect(step(doc, 'Install dependencies').run).toBe('yarn install --immutable --mode=skip-build');
    await expectCleanAndIdempotent(tree, { ecosystems: ['npm'] });
  });

  it('bun: pinned setup-bun without cache, then a frozen Bun install; clean and idempotent', async () => {
    const tree = await workspace({ 'bun.lock': '{}\n' }, 'bun@1.2.3');
    await generate(tree, { ecosystems: ['npm'] });
    const doc = yaml(tree, 'publish.yml');
    expect(step(doc, 'Set up Bun')).toEqual({
      name: 'Set up Bun',
      uses: 'oven-sh/setup-bun@0c5077e51419868618aeaa5fe8019c62421857d6',
      with: { 'bun-version-file': 'package.json', 'no-cache': true },
    });
    expect(step(doc, 'Install dependencies').run).toBe('bun install --frozen-lockfile --ignore-scripts');
    await expectCleanAndIdempotent(tree, { ecosystems: ['npm'] });
  });
});

describe('trusted-publishing generator on hand-written files', () => {
  const HAND_WRITTEN = [
    '# Our release settings. Reviewed by the platform team.',
    '',
    '[source]',
    'provider = "github"',
    'owner = "acme"   # org',
    'repo = "widgets"',
    '',
    '[ecosystems.npm.publish]',
    'trusted_publishing = true # enabled early',
    '',
    '# web is the storefront',
    '[package.web]',
    'path = "packages/web"',
    'type = "npm"',
    '',
    '[ecosystems.npm.publish.attestations]',
    '  require_registry_provenance = false   # turned on after the audit',
    '',
  ].join('\n');

  it('keeps comments, ordering and formatting of monochange.toml, and is idempotent', async () => {
    const tree = mixedWorkspace();
    tree.write('monochange.toml', HAND_WRITTEN);
    await generate(tree);
    const out = tree.read('monochange.toml', 'utf-8')!;
    expect(out).toMatchSnapshot();
    expect(out.startsWith(HAND_WRITTEN.split('[ecosystems.npm.publish]')[0])).toBe(true);
    expect(out).toContain('# web is the storefront\n[package.web]\npath = "packages/web"\ntype = "npm"\n');
    expect(out).toContain('  require_registry_provenance = true   # turned on after the audit\n');
    expect(toml(tree).ecosystems.npm.publish.trusted_publishing).toEqual({
      enabled: true,
      repository: 'acme/widgets',
      workflow: 'publish.yml',
      environment: 'publisher',
    });
    await generate(tree);
    expect(tree.read('monochange.toml', 'utf-8')).toBe(out);
  });

  it('keeps comments and added steps of an existing workflow, and is idempotent', async () => {
    const tree = await setUp();
    await generate(tree, { ecosystems: ['npm'] });
    const generated = tree.read(`${WF}/publish.yml`, 'utf-8')!;
    const edited = generated
      .replace('name: Publish\n', 'name: Publish # shown in the Actions tab\n')
      .replace(
        '      - name: Check publish readiness\n',
        '      # Build first.\n      - name: Build\n        run: npx nx run-many -t build\n      - name: Check publish readiness\n',
      );
    tree.write(`${WF}/publish.yml`, edited);
    await generate(tree, { ecosystems: ['npm', 'python'] });
    const merged = tree.read(`${WF}/publish.yml`, 'utf-8')!;
    expect(merged).toContain('name: Publish # shown in the Actions tab\n');
    expect(merged).toContain('      # Build first.\n      - name: Build\n        run: npx nx run-many -t build\n');
    expect(merged).toContain('astral-sh/setup-uv@');
    expect(await actionlint(merged)).toEqual([]);
    await generate(tree, { ecosystems: ['npm', 'python'] });
    expect(tree.read(`${WF}/publish.yml`, 'utf-8')).toBe(merged);
  });

  it('warns about problems the user left in an existing workflow', async () => {
    const tree = await setUp();
    tree.write(
      `${WF}/publish.yml`,
      'name: Publish\non: { release: { types: [published] } }\njobs:\n  lint:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: actions/setup-python@v5\n',
    );
    const out = await printed(await generate(tree, { ecosystems: ['npm'] }));
    expect(out).toMatch(/WARN \.github\/workflows\/publish\.yml:\d+: \[unpinned-action\] `actions\/setup-python@v5`/);
  });
});

describe('trusted-publishing generator and the file system', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-tp-'));
    fs.writeFileSync(path.join(dir, 'nx.json'), '{}\n');
    fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"root","private":true}\n');
    fs.writeFileSync(path.join(dir, 'monochange.toml'), '[source]\nowner = "acme"\nrepo = "widgets"\n\n[package.a]\npath = "a"\ntype = "cargo"\n');
    fs.mkdirSync(path.join(dir, 'a'));
    fs.writeFileSync(path.join(dir, 'a', 'Cargo.toml'), '[package]\nname = "a"\nversion = "1.0.0"\n');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes only through the Tree, so a dry run leaves the disk alone', async () => {
    const before = fs.readFileSync(path.join(dir, 'monochange.toml'), 'utf8');
    const tree = new FsTree(dir, false);
    await generate(tree);
    expect(
      tree
        .listChanges()
        .map((c) => c.path)
        .sort(),
    ).toEqual(['.github/workflows/publish.yml', 'monochange.toml']);
    expect(fs.readFileSync(path.join(dir, 'monochange.toml'), 'utf8')).toBe(before);
    expect(fs.existsSync(path.join(dir, '.github'))).toBe(false);
  });
});

describe('trusted-publishing generator for GitLab CI/CD', () => {
  const PIPELINE = '.gitlab/monochange-publish.yml';
  const EXISTING = '# Our pipeline: tests run on every push.\nstages: [test]\n\ntest:\n  stage: test\n  script:\n    - npm test # all of them\n';
  let tree: Tree;
  let out: string;
  beforeAll(async () => {
    tree = mixedWorkspace();
    tree.write('.git/config', '[remote "origin"]\n\turl = git@gitlab.com:acme/widgets.git\n');
    tree.write('.gitlab-ci.yml', EXISTING);
    await initGenerator(tree, { skipFormat: true });
    out = await printed(await generate(tree));
  });

  it('is chosen for a workspace with a .gitlab-ci.yml, and writes no GitHub workflow', () => {
    expect(tree.exists(PIPELINE)).toBe(true);
    expect(workflows(tree)).toEqual([]);
  });

  it('includes the publish file from .gitlab-ci.yml, keeping comments and order', () => {
    expect(tree.read('.gitlab-ci.yml', 'utf-8')).toBe(
      `# Our pipeline: tests run on every push.\ninclude:\n  - local: ${PIPELINE}\n\nstages: [test]\n\ntest:\n  stage: test\n  script:\n    - npm test # all of them\n`,
    );
  });

  it('writes the publish job for npm and PyPI only, with their id_tokens (snapshot)', () => {
    const text = tree.read(PIPELINE, 'utf-8')!;
    expect(text).toMatchSnapshot();
    const job = parseYaml(text)['monochange-publish'];
    expect(Object.keys(job.id_tokens)).toEqual(['MONOCHANGE_ID_TOKEN', 'NPM_ID_TOKEN', 'PYPI_ID_TOKEN', 'SIGSTORE_ID_TOKEN']);
    expect(job.environment).toEqual({ name: 'publisher', action: 'start' });
    expect(job.script.slice(-2)).toEqual(['npx nx run-many -t readiness --projects=acme-tools,web', 'npx nx run-many -t publish --projects=acme-tools,web']);
  });

  it('configures npm and PyPI for the GitLab project and its top-level pipeline file, and nothing else', () => {
    const config = toml(tree);
    const trust = { enabled: true, repository: 'acme/widgets', workflow: '.gitlab-ci.yml', environment: 'publisher' };
    expect(config.ecosystems.npm.publish.trusted_publishing).toEqual(trust);
    expect(config.ecosystems.python.publish.trusted_publishing).toEqual(trust);
    for (const eco of ['cargo', 'deno', 'dart', 'go']) expect(config.ecosystems?.[eco]?.publish?.trusted_publishing).toBeUndefined();
    expect(configSchema.safeParse(config).error?.issues ?? []).toEqual([]);
  });

  it('says crates.io, JSR and pub.dev cannot publish from GitLab, and prints the registry steps', () => {
    expect(out).toMatch(/WARN crates\.io trusted publishing from GitLab CI\/CD is not supported.*no GitLab job/);
    expect(out).toContain('WARN JSR accepts trusted publishing from GitHub Actions only');
    expect(out).toContain('WARN pub.dev accepts trusted publishing from GitHub Actions and Google Cloud Build only');
    expect(out).toContain('npm trust gitlab @acme/web --file .gitlab-ci.yml --project acme/widgets --env publisher --allow-publish --yes');
    expect(out).toContain('Namespace: acme · Project name: widgets · Top-level CI file path: .gitlab-ci.yml · Environment name: publisher');
    expect(out).toContain('https://pypi.org/manage/project/acme.tools/settings/publishing/ → Add a new publisher → GitLab:');
    expect(out).toContain('Top-level pipeline file path: .gitlab-ci.yml');
    expect(out).toContain('Protected tags');
    expect(out).toContain('Protect the environment "publisher"');
  });

  it('changes nothing, byte for byte, when run again', async () => {
    const before = changedFiles(tree);
    await generate(tree);
    expect(changedFiles(tree)).toEqual(before);
  });

  it('creates .gitlab-ci.yml with --ci=gitlab, and follows [source] provider = "gitlab"', async () => {
    const t = await setUp();
    await generate(t, { ci: 'gitlab', repository: 'acme/widgets' });
    await expect(generate(await setUp(), { ci: 'gitlab', repository: 'acme/platform/widgets' })).rejects.toThrow(/group\/project/);
    expect(t.read('.gitlab-ci.yml', 'utf-8')).toBe(`include:\n  - local: ${PIPELINE}\n`);
    const s = await setUp();
    s.write('monochange.toml', s.read('monochange.toml', 'utf-8')!.replace('provider = "github"', 'provider = "gitlab"'));
    await generate(s);
    expect(s.exists(PIPELINE)).toBe(true);
    expect(toml(s).ecosystems.npm.publish.trusted_publishing.repository).toBe('acme/widgets');
  });

  it('keeps the publish job off Nx Agents in a workspace connected to Nx Cloud, on GitHub and GitLab', async () => {
    for (const ci of ['github', 'gitlab'] as const) {
      const t = await setUp();
      updateNxJson(t, { ...readNxJson(t), nxCloudId: '0123456789abcdef01234567' } as never);
      await generate(t, { ci, repository: 'acme/widgets' });
      const job = ci === 'github' ? yaml(t, 'publish.yml').jobs.publish.env : parseYaml(t.read(PIPELINE, 'utf-8')!)['monochange-publish'].variables;
      expect([ci, job.NX_CLOUD_DISTRIBUTED_EXECUTION]).toEqual([ci, 'false']);
    }
  });

  it('rejects an unknown --ci, naming the choices', async () => {
    await expect(generate(await setUp(), { ci: 'jenkins' as never })).rejects.toThrow(MonochangeError);
  });

  it('gitlab-ci-local parses the generated pipeline with zero errors and lists the publish job for a protected release tag', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-tp-gitlab-'));
    try {
      for (const change of tree.listChanges()) {
        if (!change.content || change.path.startsWith('.git/')) continue;
        fs.mkdirSync(path.dirname(path.join(dir, change.path)), { recursive: true });
        fs.writeFileSync(path.join(dir, change.path), change.content);
      }
      const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
      git('init', '-q', '-b', 'main');
      git('add', '-A');
      git('-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'commit', '-qm', 'init');
      git('remote', 'add', 'origin', 'git@gitlab.com:acme/widgets.git');
      git('update-ref', 'refs/remotes/origin/main', 'HEAD');
      git('symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/main');
      const vars = [
        '--variable',
        'CI_COMMIT_TAG=v1.2.3',
        '--variable',
        'CI_COMMIT_REF_PROTECTED=true',
        '--ignore-predefined-vars',
        'CI_COMMIT_TAG,CI_COMMIT_REF_PROTECTED',
      ];
      const list = await gitlabCiLocal(['--list-json', ...vars], { cwd: dir, timeoutMs: 120_000 });
      expect(list.stderr).not.toMatch(/error|invalid/i);
      expect(list.code).toBe(0);
      const jobs = JSON.parse(list.stdout.slice(list.stdout.indexOf('[')));
      expect(jobs.map((j: { name: string }) => j.name).sort()).toEqual(['monochange-publish', 'test']);
      const branch = await gitlabCiLocal(['--list-json', '--variable', 'CI_COMMIT_REF_PROTECTED=true', '--ignore-predefined-vars', 'CI_COMMIT_REF_PROTECTED'], {
        cwd: dir,
        timeoutMs: 120_000,
      });
      const branchJobs = JSON.parse(branch.stdout.slice(branch.stdout.indexOf('[')));
      expect(branchJobs.find((j: { name: string; when: string }) => j.name === 'monochange-publish')?.when ?? 'never').toBe('never');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
