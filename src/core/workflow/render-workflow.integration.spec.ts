import { parse } from 'yaml';
import { ACTION_PINS } from './action-pins';
import { auditWorkflow } from './audit';
import type { WorkflowPackageManager } from './package-manager';
import { renderPublishWorkflow, type PublishWorkflowSpec } from './render-workflow';
import { actionlint } from './testing/actionlint';
import { dartSpec, mainSpec } from './testing/specs';

const PNPM_FIELD: WorkflowPackageManager = { name: 'pnpm', major: 10 };
const PNPM_LOCK: WorkflowPackageManager = {
  name: 'pnpm',
  version: '10',
  versionReason: "lockfileVersion '9.0' is written by pnpm 9 and 10; pnpm 10 installs both",
  major: 10,
};

const variants: [string, PublishWorkflowSpec][] = [
  ['all toolchains, release trigger', mainSpec()],
  [
    'npm only, tag trigger, limited projects',
    mainSpec({ ecosystems: ['npm'], trigger: 'tag', tagPatterns: ['v*'], target: { kind: 'run-many', projects: ['web', '@acme/ui'] } }),
  ],
  ['cargo only, manual trigger, no environment', mainSpec({ ecosystems: ['cargo'], trigger: 'manual', environment: '' })],
  ['dart package workflow', dartSpec()],
  ['flutter package workflow', dartSpec({ flutter: true })],
  ['custom target names', mainSpec({ ecosystems: ['python'], targets: { readiness: 'mc-ready', publish: 'mc-publish' } })],
  ['pnpm with packageManager', mainSpec({ ecosystems: ['npm'], packageManager: PNPM_FIELD })],
  ['pnpm from the lockfile, all toolchains', mainSpec({ packageManager: PNPM_LOCK })],
  ['pnpm, dart package workflow', dartSpec({ packageManager: PNPM_LOCK })],
  ['yarn 4', mainSpec({ ecosystems: ['npm'], packageManager: { name: 'yarn', berry: true } })],
  ['yarn 1', mainSpec({ ecosystems: ['npm'], packageManager: { name: 'yarn', berry: false } })],
  ['bun with packageManager', mainSpec({ ecosystems: ['npm'], packageManager: { name: 'bun', versionFromPackageJson: true } })],
  ['bun without packageManager', mainSpec({ ecosystems: ['npm', 'cargo'], packageManager: { name: 'bun', versionFromPackageJson: false } })],
];

type Job = { permissions: Record<string, string>; environment?: string; steps: Record<string, any>[]; env: Record<string, string> };
const publishJob = (text: string): Job => parse(text).jobs.publish;

describe('renderPublishWorkflow', () => {
  it.each(variants)('%s: actionlint reports nothing', async (_, spec) => {
    expect(await actionlint(renderPublishWorkflow(spec))).toEqual([]);
  });

  it.each(variants)('%s: the audit reports nothing', (_, spec) => {
    const text = renderPublishWorkflow(spec);
    expect(auditWorkflow(text, { path: 'publish.yml', expected: { environment: spec.environment } })).toEqual([]);
  });

  it.each(variants)('%s: pins every action to a full SHA with its release as comment', (_, spec) => {
    const text = renderPublishWorkflow(spec);
    const uses = text.split('\n').filter((l) => l.includes('uses:'));
    expect(uses.length).toBeGreaterThanOrEqual(3);
    for (const line of uses) {
      const match = / uses: ([\w./-]+)@([0-9a-f]{40}) # (v[\d.]+)$/.exec(line);
      expect(match).not.toBeNull();
      const pin = Object.values(ACTION_PINS).find((p) => p.action === match![1]);
      expect(pin).toMatchObject({ sha: match![2], version: match![3] });
    }
  });

  it('grants id-token only to the publish job and nothing at workflow level', () => {
    const doc = parse(renderPublishWorkflow(mainSpec({ ecosystems: ['npm'] })));
    expect(doc.permissions).toEqual({});
    expect(doc.jobs.publish.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(doc.concurrency).toEqual({ group: 'publish-${{ github.ref }}', 'cancel-in-progress': false });
    expect(doc.jobs.publish.env).toEqual({ NX_CLOUD_DISTRIBUTED_EXECUTION: 'false' });
  });

  it('gives a tag-started Go job contents: read and no job token (the tag is already pushed), and fetches history for tags', () => {
    const text = renderPublishWorkflow(mainSpec({ ecosystems: ['go'], trigger: 'tag', tagPatterns: ['api/v[0-9]+.[0-9]+.[0-9]+'] }));
    const withGo = publishJob(text);
    expect(withGo.permissions.contents).toBe('read');
    expect(text).toContain('contents: read # read is enough for Go: the tag that started this run is already on origin');
    expect(text).not.toContain('GH_TOKEN');
    expect(withGo.steps[0].with).toEqual({ 'persist-credentials': false, 'fetch-depth': 0 });
    expect(withGo.steps.find((s) => s.name === 'Publish')!.env).toBeUndefined();
    const withoutGo = publishJob(renderPublishWorkflow(mainSpec({ ecosystems: ['npm', 'cargo'] })));
    expect(withoutGo.permissions.contents).toBe('read');
    expect(withoutGo.steps[0].with).toEqual({ 'persist-credentials': false });
  });

  it('uploads the .monochange results with hidden files included and fails when there are none', () => {
    const upload = publishJob(renderPublishWorkflow(mainSpec())).steps.find((s) => s.name === 'Upload publish results')!;
    expect(upload.if).toBe('always()');
    expect(upload.with).toEqual({ name: 'monochange-results', path: '.monochange/*.json', 'include-hidden-files': true, 'if-no-files-found': 'error' });
  });

  it('replaces an old upload step that ignored missing files, and drops the Go job token', () => {
    const spec = mainSpec({ ecosystems: ['go'], trigger: 'tag' });
    const old = renderPublishWorkflow(spec)
      .replace('include-hidden-files: true', 'if-no-files-found: ignore')
      .replace(/\n\s*if-no-files-found: error/, '')
      .replace('run: npx nx run-many -t publish', 'run: npx nx run-many -t publish\n        env:\n          GH_TOKEN: ${{ github.token }}')
      .replace('contents: read', 'contents: write');
    const job = publishJob(renderPublishWorkflow(spec, old));
    expect(job.permissions.contents).toBe('read');
    expect(job.steps.find((s) => s.name === 'Publish')!.env).toBeUndefined();
    expect(job.steps.find((s) => s.name === 'Upload publish results')!.with).toMatchObject({ 'include-hidden-files': true, 'if-no-files-found': 'error' });
  });

  it('feeds the crates.io OIDC token to the publish step through env', () => {
    const job = publishJob(renderPublishWorkflow(mainSpec({ ecosystems: ['cargo'] })));
    const auth = job.steps.find((s) => String(s.uses).startsWith('rust-lang/crates-io-auth-action@'))!;
    expect(auth.id).toBe('crates-io-auth');
    const publish = job.steps.find((s) => s.name === 'Publish')!;
    expect(publish.env).toEqual({ CARGO_REGISTRY_TOKEN: '${{ steps.crates-io-auth.outputs.token }}' });
    expect(job.steps.indexOf(auth)).toBe(job.steps.indexOf(publish) - 1);
    expect(job.steps.some((s) => String(s.uses).includes('rust-toolchain'))).toBe(false);
  });

  it('uses Node 24 without cache or registry-url and checks the npm version before installing', () => {
    const job = publishJob(renderPublishWorkflow(mainSpec({ ecosystems: ['npm'] })));
    const node = job.steps.find((s) => s.name === 'Set up Node.js')!;
    expect(node.with).toEqual({ 'node-version': '24', 'package-manager-cache': false });
    const names = job.steps.map((s) => s.name);
    expect(names.indexOf('Check npm supports trusted publishing')).toBeLessThan(names.indexOf('Install dependencies'));
    expect(job.steps.find((s) => s.name === 'Install dependencies')!.run).toBe('npm ci --ignore-scripts');
    expect(job.steps.find((s) => s.name === 'Check npm supports trusted publishing')!.run).toContain('required="11.5.1"');
  });

  describe('package managers', () => {
    const names = (job: Job) => job.steps.map((s) => s.name);
    const step = (job: Job, name: string) => job.steps.find((s) => s.name === name)!;

    it('pnpm: pinned pnpm/action-setup before setup-node, no cache, frozen pnpm install, npm check kept', () => {
      const text = renderPublishWorkflow(mainSpec({ ecosystems: ['npm'], packageManager: PNPM_LOCK }));
      const job = publishJob(text);
      expect(names(job).slice(0, 5)).toEqual(['Check out', 'Set up pnpm', 'Set up Node.js', 'Check npm supports trusted publishing', 'Install dependencies']);
      expect(step(job, 'Set up pnpm')).toEqual({
        name: 'Set up pnpm',
        uses: `pnpm/action-setup@${ACTION_PINS.setupPnpm.sha}`,
        with: { version: '10' },
      });
      expect(text).toContain(`uses: pnpm/action-setup@a7487c7e89a18df4991f7f222e4898a00d66ddda # v4.1.0
`);
      expect(text).toContain(`version: "10" # lockfileVersion '9.0' is written by pnpm 9 and 10; pnpm 10 installs both
`);
      expect(step(job, 'Set up Node.js').with).toEqual({ 'node-version': '24', 'package-manager-cache': false });
      expect(step(job, 'Install dependencies').run).toBe('pnpm install --frozen-lockfile --ignore-scripts');
      expect(job.steps.filter((s) => s.run?.startsWith('npx nx')).map((s) => s.run)).toEqual(['npx nx run-many -t readiness', 'npx nx run-many -t publish']);
    });

    it('pnpm with packageManager: no `with`, so pnpm/action-setup takes the version from package.json', () => {
      const job = publishJob(renderPublishWorkflow(mainSpec({ ecosystems: ['npm'], packageManager: PNPM_FIELD })));
      expect(step(job, 'Set up pnpm')).toEqual({ name: 'Set up pnpm', uses: `pnpm/action-setup@${ACTION_PINS.setupPnpm.sha}` });
    });

    it('yarn: corepack enable after setup-node, then the immutable install of that Yarn', () => {
      const berry = publishJob(renderPublishWorkflow(mainSpec({ ecosystems: ['npm'], packageManager: { name: 'yarn', berry: true } })));
      expect(names(berry).slice(1, 5)).toEqual(['Set up Node.js', 'Enable Corepack', 'Check npm supports trusted publishing', 'Install dependencies']);
      expect(step(berry, 'Enable Corepack').run).toBe('corepack enable');
      expect(step(berry, 'Install dependencies').run).toBe('yarn install --immutable --mode=skip-build');
      const classic = publishJob(renderPublishWorkflow(mainSpec({ ecosystems: ['npm'], packageManager: { name: 'yarn', berry: false } })));
      expect(step(classic, 'Install dependencies').run).toBe('yarn install --frozen-lockfile --ignore-scripts');
    });

    it('bun: pinned setup-bun without its binary cache, version from package.json when it names bun', () => {
      const job = publishJob(renderPublishWorkflow(mainSpec({ ecosystems: ['npm'], packageManager: { name: 'bun', versionFromPackageJson: true } })));
      expect(names(job).slice(1, 3)).toEqual(['Set up Node.js', 'Set up Bun']);
      expect(step(job, 'Set up Bun')).toEqual({
        name: 'Set up Bun',
        uses: `oven-sh/setup-bun@${ACTION_PINS.setupBun.sha}`,
        with: { 'bun-version-file': 'package.json', 'no-cache': true },
      });
      expect(step(job, 'Install dependencies').run).toBe('bun install --frozen-lockfile --ignore-scripts');
      const latest = publishJob(renderPublishWorkflow(mainSpec({ ecosystems: ['npm'], packageManager: { name: 'bun', versionFromPackageJson: false } })));
      expect(step(latest, 'Set up Bun').with).toEqual({ 'no-cache': true });
    });

    it('npm when no package manager is given', () => {
      const job = publishJob(renderPublishWorkflow(mainSpec({ ecosystems: ['npm'] })));
      expect(names(job)).not.toEqual(expect.arrayContaining(['Set up pnpm']));
      expect(job.steps.some((s) => /pnpm|bun|corepack/.test(`${s.uses ?? ''}${s.run ?? ''}`))).toBe(false);
    });
  });

  it('turns caches off in every setup action', () => {
    const job = publishJob(renderPublishWorkflow(mainSpec()));
    const inputs = (name: string) => job.steps.find((s) => s.name === name)!.with;
    expect(inputs('Set up uv')).toEqual({ 'enable-cache': false });
    expect(inputs('Set up Go')).toMatchObject({ cache: false });
    expect(job.steps.some((s) => String(s.uses).startsWith('actions/cache'))).toBe(false);
  });

  it('runs readiness then publish with --projects when limited, and uploads results always', () => {
    const job = publishJob(renderPublishWorkflow(mainSpec({ ecosystems: ['npm'], target: { kind: 'run-many', projects: ['web', '@acme/ui'] } })));
    const runs = job.steps.filter((s) => s.run?.startsWith('npx nx')).map((s) => s.run);
    expect(runs).toEqual(['npx nx run-many -t readiness --projects=web,@acme/ui', 'npx nx run-many -t publish --projects=web,@acme/ui']);
    const upload = job.steps[job.steps.length - 1];
    expect(upload).toMatchObject({ if: 'always()', with: { path: '.monochange/*.json' } });
  });

  it('publishes one Dart project on its own tag with setup-dart', () => {
    const doc = parse(renderPublishWorkflow(dartSpec()));
    expect(doc.on).toEqual({ push: { tags: ['my_dart-v[0-9]+.[0-9]+.[0-9]+'] } });
    const names = doc.jobs.publish.steps.map((s: any) => s.name);
    expect(names).toContain('Set up Dart');
    expect(doc.jobs.publish.steps.find((s: any) => s.name === 'Publish').run).toBe('npx nx run my-dart:publish');
  });

  it('maps the triggers', () => {
    expect(parse(renderPublishWorkflow(mainSpec({ trigger: 'release' }))).on).toEqual({ release: { types: ['published'] } });
    expect(parse(renderPublishWorkflow(mainSpec({ trigger: 'manual' }))).on).toEqual({ workflow_dispatch: {} });
    expect(parse(renderPublishWorkflow(mainSpec({ trigger: 'tag', tagPatterns: ['v*'] }))).on).toEqual({ push: { tags: ['v*'] } });
  });

  it('omits the environment when it is empty', () => {
    expect(publishJob(renderPublishWorkflow(mainSpec({ environment: '' }))).environment).toBeUndefined();
  });

  it('keeps no ${{ }} inside run:', () => {
    for (const [, spec] of variants) {
      for (const step of publishJob(renderPublishWorkflow(spec)).steps) expect(String(step.run ?? '')).not.toContain('${{');
    }
  });
});

describe('renderPublishWorkflow over an existing file', () => {
  it('gives the same bytes when run on its own output', () => {
    for (const [, spec] of variants) {
      const first = renderPublishWorkflow(spec);
      expect(renderPublishWorkflow(spec, first)).toBe(first);
    }
  });

  it('keeps the user comments, added keys and added steps', () => {
    const first = renderPublishWorkflow(mainSpec({ ecosystems: ['npm'] }));
    const edited = first
      .replace('name: Publish\n', '# Owned by the release team.\nname: Publish\n')
      .replace('    timeout-minutes: 30\n', "    timeout-minutes: 30 # raised for big releases\n    if: github.repository_owner == 'acme'\n")
      .replace(
        '      - name: Check publish readiness\n',
        '      # Our own build step.\n      - name: Build docs\n        run: npx nx run docs:build\n      - name: Check publish readiness\n',
      );
    const merged = renderPublishWorkflow(mainSpec({ ecosystems: ['npm', 'cargo'] }), edited);
    expect(merged).toContain('# Owned by the release team.\nname: Publish');
    expect(merged).toContain('timeout-minutes: 30 # raised for big releases');
    expect(merged).toContain("if: github.repository_owner == 'acme'");
    expect(merged).toContain('      # Our own build step.\n      - name: Build docs\n        run: npx nx run docs:build\n');
    const names = publishJob(merged).steps.map((s) => s.name);
    // It stays after the step it followed (Install dependencies), before the new Rust setup.
    expect(names.indexOf('Build docs')).toBe(names.indexOf('Install dependencies') + 1);
    expect(names.indexOf('Set up Rust')).toBe(names.indexOf('Build docs') + 1);
    expect(names).toContain('Get a crates.io token (OIDC)');
    expect(renderPublishWorkflow(mainSpec({ ecosystems: ['npm', 'cargo'] }), merged)).toBe(merged);
  });

  it('switches the install steps when the package manager changes, keeping added steps', () => {
    const npm = renderPublishWorkflow(mainSpec({ ecosystems: ['npm'] }));
    const edited = npm.replace(
      '      - name: Check publish readiness\n',
      '      - name: Build\n        run: npx nx run-many -t build\n      - name: Check publish readiness\n',
    );
    const pnpm = renderPublishWorkflow(mainSpec({ ecosystems: ['npm'], packageManager: PNPM_LOCK }), edited);
    expect(pnpm).toBe(
      renderPublishWorkflow(mainSpec({ ecosystems: ['npm'], packageManager: PNPM_LOCK })).replace(
        '      - name: Check publish readiness\n',
        '      - name: Build\n        run: npx nx run-many -t build\n      - name: Check publish readiness\n',
      ),
    );
    // packageManager added later: the `version` input (and its comment) goes.
    const field = renderPublishWorkflow(mainSpec({ ecosystems: ['npm'], packageManager: PNPM_FIELD }), pnpm);
    expect(publishJob(field).steps.find((s) => s.name === 'Set up pnpm')!.with).toBeUndefined();
    expect(field).not.toContain('version: "10"');
    // Back to npm: every pnpm step goes, the user's step stays.
    const back = renderPublishWorkflow(mainSpec({ ecosystems: ['npm'] }), field);
    expect(back).toBe(edited);
  });

  it('drops generated steps and keys that are no longer wanted, and re-pins changed actions', () => {
    const all = renderPublishWorkflow(mainSpec());
    const stale = all.replace(ACTION_PINS.checkout.sha, 'a'.repeat(40)).replace('# v7.0.1', '# v0.0.1');
    const npmOnly = renderPublishWorkflow(mainSpec({ ecosystems: ['npm'], environment: '' }), stale);
    expect(npmOnly).toBe(renderPublishWorkflow(mainSpec({ ecosystems: ['npm'], environment: '' })));
  });

  it('replaces unsafe settings the user had in the generated places', () => {
    const unsafe = renderPublishWorkflow(mainSpec({ ecosystems: ['npm'] }))
      .replace('permissions: {}', 'permissions: write-all')
      .replace('          package-manager-cache: false\n', "          package-manager-cache: false\n          registry-url: 'https://registry.npmjs.org'\n");
    const fixed = renderPublishWorkflow(mainSpec({ ecosystems: ['npm'] }), unsafe);
    expect(auditWorkflow(fixed, { path: 'publish.yml' })).toEqual([]);
  });

  it('reports a broken existing file as a MonochangeError naming it', () => {
    expect(() => renderPublishWorkflow(mainSpec(), 'jobs: [\n', '.github/workflows/publish.yml')).toThrow(/\.github\/workflows\/publish\.yml.*not valid YAML/);
  });
});
