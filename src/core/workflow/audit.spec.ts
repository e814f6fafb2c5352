import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ACTION_PINS } from './action-pins';
import { auditWorkflow, auditWorkflowFile, type Finding } from './audit';
import { renderPublishWorkflow } from './render-workflow';
import { mainSpec } from './testing/specs';

const CHECKOUT = `actions/checkout@${ACTION_PINS.checkout.sha} # v7.0.1`;
const NODE = `actions/setup-node@${ACTION_PINS.setupNode.sha} # v7.0.0`;

/** A clean publish workflow; each test breaks one thing in it. */
const GOOD = `name: Publish
on:
  release:
    types: [published]
permissions: {}
concurrency:
  group: publish-\${{ github.ref }}
  cancel-in-progress: false
jobs:
  publish:
    runs-on: ubuntu-24.04
    environment: publisher
    permissions:
      contents: read
      id-token: write
    steps:
      - uses: ${CHECKOUT}
        with:
          persist-credentials: false
      - uses: ${NODE}
        with:
          node-version: "24"
          package-manager-cache: false
      - run: npm ci --ignore-scripts
      - run: npx nx run-many -t publish
`;

const audit = (text: string, expected?: Parameters<typeof auditWorkflow>[1]['expected']) =>
  auditWorkflow(text, { path: '.github/workflows/publish.yml', expected });
const brief = (findings: Finding[]) => findings.map((f) => ({ rule: f.rule, severity: f.severity, line: f.line }));
const blocking = (findings: Finding[]) => findings.map((f) => ({ rule: f.rule, severity: f.severity, line: f.line, blocking: f.blocking }));
const withRun = (script: string) => GOOD.replace('      - run: npx nx run-many -t publish\n', `      - run: |\n          ${script}\n`);
const withCheckoutInput = (input: string) =>
  GOOD.replace('          persist-credentials: false\n', `          persist-credentials: false\n          ${input}\n`);
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('auditWorkflow', () => {
  it('finds nothing in a hardened workflow', () => {
    expect(audit(GOOD, { environment: 'publisher', registries: ['npm'] })).toEqual([]);
  });

  it('flags an action pinned to a tag, with its line and a fix', () => {
    const text = GOOD.replace(CHECKOUT, 'actions/checkout@v4');
    const findings = audit(text);
    expect(brief(findings)).toEqual([{ rule: 'unpinned-action', severity: 'error', line: 17 }]);
    expect(findings[0]).toMatchObject({ file: '.github/workflows/publish.yml' });
    expect(findings[0].message).toContain('actions/checkout@v4');
    expect(findings[0].fix).toContain('actions/checkout@<40-hex commit SHA>');
  });

  it('flags local actions and unpinned reusable workflows', () => {
    const text =
      GOOD.replace('      - run: npm ci --ignore-scripts\n', '      - uses: ./.github/actions/setup\n      - run: npm ci --ignore-scripts\n') +
      '  other:\n    permissions:\n      contents: read\n    uses: acme/workflows/.github/workflows/x.yml@main\n';
    expect(brief(audit(text))).toEqual([
      { rule: 'unpinned-action', severity: 'error', line: lineOf(text, './.github/actions/setup') },
      { rule: 'unpinned-action', severity: 'error', line: lineOf(text, 'x.yml@main') },
    ]);
  });

  it('warns about a pinned SHA without a version comment', () => {
    const text = GOOD.replace(CHECKOUT, `actions/checkout@${ACTION_PINS.checkout.sha}`);
    expect(brief(audit(text))).toEqual([{ rule: 'missing-version-comment', severity: 'warning', line: 17 }]);
  });

  it('flags id-token: write at workflow level', () => {
    const text = GOOD.replace('permissions: {}\n', 'permissions:\n  id-token: write\n');
    expect(brief(audit(text))).toEqual([{ rule: 'workflow-level-id-token', severity: 'error', line: 6 }]);
  });

  it('flags a missing top-level permissions block, and write-all / read-all', () => {
    expect(brief(audit(GOOD.replace('permissions: {}\n', '')))).toEqual([{ rule: 'missing-top-level-permissions', severity: 'error', line: 1 }]);
    expect(audit(GOOD.replace('permissions: {}', 'permissions: read-all')).map((f) => f.rule)).toEqual(['broad-permissions']);
    expect(audit(GOOD.replace('permissions: {}', 'permissions: write-all')).map((f) => f.rule)).toEqual(['workflow-level-id-token']);
    expect(brief(audit(GOOD.replace('permissions: {}\n', 'permissions:\n  contents: write\n')))).toEqual([
      { rule: 'broad-permissions', severity: 'error', line: 6 },
    ]);
  });

  it('flags pull_request_target and workflow_run', () => {
    const text = GOOD.replace('  release:\n    types: [published]\n', '  pull_request_target:\n  workflow_run:\n    workflows: [ci]\n');
    expect(brief(audit(text))).toEqual([
      { rule: 'dangerous-trigger', severity: 'error', line: 3 },
      { rule: 'dangerous-trigger', severity: 'error', line: 4 },
    ]);
    expect(audit(GOOD.replace('on:\n  release:\n    types: [published]', 'on: [push, pull_request_target]')).map((f) => f.rule)).toEqual(['dangerous-trigger']);
  });

  it.each(['issue_comment', 'issues', 'discussion', 'discussion_comment'])('flags the %s trigger as a blocking dangerous trigger', (trigger) => {
    const text = GOOD.replace('  release:\n    types: [published]\n', `  release:\n    types: [published]\n  ${trigger}:\n    types: [created]\n`);
    const findings = audit(text);
    expect(blocking(findings)).toEqual([{ rule: 'dangerous-trigger', severity: 'error', line: 5, blocking: true }]);
    expect(findings[0].message).toContain(`\`${trigger}\` runs with the base repository's privileges`);
    expect(findings[0].fix).toBe(`remove \`${trigger}\`; publish on \`release: types: [published]\`, a tag push or \`workflow_dispatch\` instead`);
  });

  it('marks pull_request_target and workflow_run as blocking, and leaves pull_request and the publish events alone', () => {
    const text = GOOD.replace('on:\n  release:\n    types: [published]', 'on: [pull_request_target, workflow_run]');
    expect(audit(text).map((f) => [f.rule, f.blocking])).toEqual([
      ['dangerous-trigger', true],
      ['dangerous-trigger', true],
    ]);
    const benign = GOOD.replace('on:\n  release:\n    types: [published]', 'on: [push, release, workflow_dispatch, schedule, workflow_call, pull_request]');
    expect(audit(benign)).toEqual([]);
  });

  it('flags a checkout of the pull request head as a blocking finding, with a fix', () => {
    const text = withCheckoutInput('ref: ${{ github.event.pull_request.head.sha }}');
    const findings = audit(text);
    expect(blocking(findings)).toEqual([{ rule: 'untrusted-checkout', severity: 'error', line: lineOf(text, 'head.sha'), blocking: true }]);
    expect(findings[0].message).toBe(
      "actions/checkout in job `publish` checks out the pull request head (`ref: ${{ github.event.pull_request.head.sha }}`): code anyone can push to a pull request then runs with this job's token and secrets",
    );
    expect(findings[0].fix).toBe('remove `ref:` so the commit that triggered the run (the tag or release being published) is checked out');
  });

  it.each([
    'ref: ${{ github.event.pull_request.head.ref }}',
    'ref: ${{ github.head_ref }}',
    'ref: refs/pull/${{ github.event.issue.number }}/head',
    'ref: ${{ github.event.workflow_run.head_sha }}',
    'repository: ${{ github.event.pull_request.head.repo.full_name }}',
  ])('flags the pull request head checkout `%s`', (input) => {
    expect(audit(withCheckoutInput(input)).map((f) => [f.rule, f.blocking])).toEqual([['untrusted-checkout', true]]);
  });

  it('accepts a checkout of the released ref', () => {
    expect(audit(withCheckoutInput('ref: ${{ github.ref }}'))).toEqual([]);
    expect(audit(withCheckoutInput('ref: v1.2.3'))).toEqual([]);
  });

  it('flags caches in the publish job: actions/cache, setup-node defaults, setup-go, setup-uv, rust-cache', () => {
    const cacheStep =
      '      - uses: actions/cache@0400d5f644dc74513175e3cd8d07132dd4860809 # v4.2.4\n        with:\n          path: ~/.npm\n          key: npm\n';
    const withCache = GOOD.replace('      - run: npm ci --ignore-scripts\n', `${cacheStep}      - run: npm ci --ignore-scripts\n`);
    expect(brief(audit(withCache))).toEqual([{ rule: 'cache-in-publish-job', severity: 'error', line: lineOf(withCache, 'actions/cache@') }]);

    const nodeDefault = GOOD.replace('          package-manager-cache: false\n', '');
    expect(brief(audit(nodeDefault))).toEqual([{ rule: 'cache-in-publish-job', severity: 'error', line: lineOf(nodeDefault, 'actions/setup-node@') }]);

    const nodeCache = GOOD.replace('          package-manager-cache: false\n', '          package-manager-cache: false\n          cache: npm\n');
    expect(brief(audit(nodeCache))).toEqual([{ rule: 'cache-in-publish-job', severity: 'error', line: lineOf(nodeCache, 'cache: npm') }]);

    const others = GOOD.replace(
      '      - run: npm ci --ignore-scripts\n',
      `      - uses: actions/setup-go@${ACTION_PINS.setupGo.sha} # v7.0.0\n` +
        `      - uses: astral-sh/setup-uv@${ACTION_PINS.setupUv.sha} # v10.0.1\n        with:\n          enable-cache: true\n` +
        '      - uses: Swatinem/rust-cache@9d47c6ad4b02e050fd481d890b2ea34778fd09d6 # v2.7.8\n' +
        '      - run: npm ci --ignore-scripts\n',
    );
    expect(brief(audit(others))).toEqual([
      { rule: 'cache-in-publish-job', severity: 'error', line: lineOf(others, 'actions/setup-go@') },
      { rule: 'cache-in-publish-job', severity: 'error', line: lineOf(others, 'enable-cache: true') },
      { rule: 'cache-in-publish-job', severity: 'error', line: lineOf(others, 'Swatinem/rust-cache@') },
    ]);
  });

  it('accepts pnpm/action-setup without a cache and flags its store cache (v5+ `cache` input)', () => {
    const PNPM = `pnpm/action-setup@${ACTION_PINS.setupPnpm.sha} # v4.1.0`;
    const pnpm = (extra: string) =>
      GOOD.replace(`      - uses: ${NODE}\n`, `      - uses: ${PNPM}\n${extra}      - uses: ${NODE}\n`).replace(
        'npm ci --ignore-scripts',
        'pnpm install --frozen-lockfile --ignore-scripts',
      );
    expect(audit(pnpm(''), { environment: 'publisher', registries: ['npm'] })).toEqual([]);
    expect(audit(pnpm('        with:\n          version: "10"\n          cache: false\n'))).toEqual([]);
    const cached = pnpm('        with:\n          version: "10"\n          cache: true\n');
    expect(brief(audit(cached))).toEqual([{ rule: 'cache-in-publish-job', severity: 'error', line: lineOf(cached, 'cache: true') }]);
    // Only a pinned pnpm/action-setup passes.
    expect(brief(audit(pnpm('').replace(PNPM, 'pnpm/action-setup@v4')))).toEqual([
      { rule: 'unpinned-action', severity: 'error', line: lineOf(pnpm(''), 'pnpm/action-setup@') },
    ]);
  });

  it('flags setup-bun unless its binary cache is off (`no-cache: true`)', () => {
    const BUN = `oven-sh/setup-bun@${ACTION_PINS.setupBun.sha} # v2.2.0`;
    const bun = (inputs: string) =>
      GOOD.replace('      - run: npm ci --ignore-scripts\n', `      - uses: ${BUN}\n${inputs}      - run: bun install --frozen-lockfile\n`);
    expect(audit(bun('        with:\n          no-cache: true\n'))).toEqual([]);
    const byDefault = bun('');
    expect(brief(audit(byDefault))).toEqual([{ rule: 'cache-in-publish-job', severity: 'error', line: lineOf(byDefault, 'oven-sh/setup-bun@') }]);
    const off = bun('        with:\n          no-cache: false\n');
    expect(brief(audit(off))).toEqual([{ rule: 'cache-in-publish-job', severity: 'error', line: lineOf(off, 'no-cache: false') }]);
  });

  it('warns about caches in other jobs of a release-triggered workflow', () => {
    const text = `${GOOD}  build:\n    runs-on: ubuntu-24.04\n    permissions:\n      contents: read\n    steps:\n      - uses: ${NODE}\n        with:\n          cache: npm\n          package-manager-cache: false\n`;
    expect(brief(audit(text))).toEqual([{ rule: 'cache-in-publish-job', severity: 'warning', line: lineOf(text, 'cache: npm') }]);
  });

  it('flags ${{ }} inside run:, on the line where it appears', () => {
    const text = GOOD.replace(
      '      - run: npx nx run-many -t publish\n',
      '      - run: |\n          echo start\n          echo "${{ github.event.release.name }}"\n',
    );
    const findings = audit(text);
    expect(brief(findings)).toEqual([{ rule: 'template-injection', severity: 'error', line: lineOf(text, 'github.event.release.name') }]);
    expect(findings[0].fix).toContain('env:');
  });

  it.each([
    'github.event.issue.title',
    'github.event.comment.body',
    'github.event.pull_request.title',
    'github.event.pull_request.body',
    'github.event.pull_request.head.ref',
    'github.head_ref',
    'github.event.head_commit.message',
    'github.event.review.body',
    'github.event.commits[0].message',
  ])('flags ${{ %s }} inside run: as blocking, naming the context', (context) => {
    const text = withRun(`echo "\${{ ${context} }}"`);
    const findings = audit(text);
    expect(blocking(findings)).toEqual([{ rule: 'template-injection', severity: 'error', line: lineOf(text, context), blocking: true }]);
    expect(findings[0].message).toContain(`\`${context}\` inside \`run:\` of job \`publish\` pastes text from the triggering event`);
    expect(findings[0].fix).toBe(`pass it through \`env:\` (e.g. \`env: { VALUE: \${{ ${context} }} }\`) and use \`"$VALUE"\` in the script`);
  });

  it('reads event contexts case-insensitively and inside function calls', () => {
    expect(blocking(audit(withRun('echo "${{ GitHub.Event.Issue.Title }}"')))[0].blocking).toBe(true);
    expect(audit(withRun("echo '${{ toJSON(github.event) }}'"))[0]).toMatchObject({ blocking: true, message: expect.stringContaining('`github.event`') });
    // one finding per line, blocking when any expression of it is event text
    const mixed = withRun('echo "${{ inputs.tag }} ${{ github.event.comment.body }}"');
    expect(blocking(audit(mixed))).toEqual([{ rule: 'template-injection', severity: 'error', line: lineOf(mixed, 'inputs.tag'), blocking: true }]);
  });

  it('keeps other ${{ }} inside run: (workflow_dispatch inputs, github.ref, event_name) a non-blocking error', () => {
    for (const expression of ['inputs.version', 'github.event.inputs.version', 'github.ref', 'github.event_name', 'steps.meta.outputs.tag']) {
      const findings = audit(withRun(`echo "\${{ ${expression} }}"`));
      expect([expression, blocking(findings)]).toEqual([
        expression,
        [{ rule: 'template-injection', severity: 'error', line: expect.any(Number), blocking: false }],
      ]);
      expect(findings[0].message).toContain('is pasted into the script before the shell runs');
    }
  });

  it('flags checkout without persist-credentials: false', () => {
    const text = GOOD.replace('        with:\n          persist-credentials: false\n', '');
    expect(brief(audit(text))).toEqual([{ rule: 'persist-credentials', severity: 'error', line: 17 }]);
    const explicitTrue = GOOD.replace('persist-credentials: false', 'persist-credentials: true');
    expect(brief(audit(explicitTrue))).toEqual([{ rule: 'persist-credentials', severity: 'error', line: 19 }]);
  });

  it('flags a publish job without environment, or with another one than expected', () => {
    const none = GOOD.replace('    environment: publisher\n', '');
    expect(brief(audit(none))).toEqual([{ rule: 'missing-environment', severity: 'error', line: 10 }]);
    expect(audit(none, { environment: '' })).toEqual([]);
    const other = audit(GOOD, { environment: 'release' });
    expect(brief(other)).toEqual([{ rule: 'missing-environment', severity: 'error', line: 12 }]);
    expect(other[0].message).toContain('`publisher` but the registries expect `release`');
    expect(audit(GOOD.replace('environment: publisher', 'environment:\n      name: publisher'), { environment: 'publisher' })).toEqual([]);
  });

  it('warns about missing concurrency and cancel-in-progress: true', () => {
    const none = GOOD.replace('concurrency:\n  group: publish-${{ github.ref }}\n  cancel-in-progress: false\n', '');
    expect(brief(audit(none))).toEqual([{ rule: 'missing-concurrency', severity: 'warning', line: 7 }]);
    const cancel = GOOD.replace('cancel-in-progress: false', 'cancel-in-progress: true');
    expect(brief(audit(cancel))).toEqual([{ rule: 'missing-concurrency', severity: 'warning', line: 8 }]);
  });

  it('flags registry-url and npm token variables', () => {
    const text = GOOD.replace(
      '          package-manager-cache: false\n',
      '          package-manager-cache: false\n          registry-url: https://registry.npmjs.org\n',
    ).replace(
      '      - run: npx nx run-many -t publish\n',
      '      - run: npx nx run-many -t publish\n        env:\n          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}\n',
    );
    expect(brief(audit(text))).toEqual([
      { rule: 'registry-url-token-plumbing', severity: 'warning', line: lineOf(text, 'registry-url') },
      { rule: 'registry-url-token-plumbing', severity: 'error', line: lineOf(text, 'NODE_AUTH_TOKEN') },
    ]);
  });

  it('flags secrets: inherit', () => {
    const text = `${GOOD}  call:\n    permissions:\n      contents: read\n    uses: acme/wf/.github/workflows/x.yml@${'b'.repeat(40)} # v1.0.0\n    secrets: inherit\n`;
    expect(brief(audit(text))).toEqual([{ rule: 'secrets-inherit', severity: 'error', line: lineOf(text, 'secrets: inherit') }]);
  });

  it('checks what each expected registry needs', () => {
    const findings = audit(GOOD, { registries: ['crates_io', 'pub_dev', 'go_proxy'] });
    expect(findings.map((f) => [f.rule, f.line, f.message.split(' ').slice(0, 2).join(' ')])).toEqual([
      ['registry-requirement', 2, 'pub.dev accepts'],
      ['registry-requirement', 2, 'Go modules'],
      ['registry-requirement', 9, 'crates.io packages'],
    ]);
    const goWrite = GOOD.replace('contents: read', 'contents: write');
    expect(brief(audit(goWrite, { registries: ['npm'] }))).toEqual([{ rule: 'broad-permissions', severity: 'warning', line: 14 }]);
  });

  it('asks a tag-started Go workflow for least privilege: contents: read is enough, write is flagged', () => {
    const tagged = GOOD.replace('  release:\n    types: [published]\n', "  push:\n    tags: ['v[0-9]+.[0-9]+.[0-9]+']\n");
    expect(audit(tagged, { environment: 'publisher', registries: ['go_proxy'] })).toEqual([]);
    const write = tagged.replace('contents: read', 'contents: write');
    const findings = audit(write, { environment: 'publisher', registries: ['go_proxy'] });
    expect(brief(findings)).toEqual([{ rule: 'broad-permissions', severity: 'warning', line: lineOf(write, 'contents: write') }]);
    expect(findings[0].fix).toBe('use `contents: read`');
  });

  describe('upload of the .monochange results', () => {
    const withUpload = (inputs: string) =>
      `${GOOD}      - if: always()\n        uses: actions/upload-artifact@${ACTION_PINS.uploadArtifact.sha} # v7.0.0\n        with:\n          name: results\n${inputs}`;

    it('flags a dot-folder path without include-hidden-files, and if-no-files-found: ignore', () => {
      const text = withUpload('          path: .monochange/*.json\n          if-no-files-found: ignore\n');
      const findings = audit(text);
      expect(brief(findings)).toEqual([
        { rule: 'hidden-artifact-path', severity: 'error', line: lineOf(text, 'path: .monochange') },
        { rule: 'hidden-artifact-path', severity: 'warning', line: lineOf(text, 'if-no-files-found') },
      ]);
      expect(findings[0].message).toContain('`.monochange/*.json`');
      expect(findings[0].fix).toBe("add `include-hidden-files: true` to the upload step's `with:`");
      expect(findings[1].fix).toBe('set `if-no-files-found: error`');
    });

    it('flags include-hidden-files: false on its line, and a hidden path in a multi-line list', () => {
      const text = withUpload('          path: |\n            dist/report.txt\n            tmp/.monochange/*.json\n          include-hidden-files: false\n');
      expect(brief(audit(text))).toEqual([{ rule: 'hidden-artifact-path', severity: 'error', line: lineOf(text, 'include-hidden-files') }]);
    });

    it('accepts include-hidden-files: true with if-no-files-found: error, and uploads without dot-folders', () => {
      expect(audit(withUpload('          path: .monochange/*.json\n          include-hidden-files: true\n          if-no-files-found: error\n'))).toEqual([]);
      expect(audit(withUpload('          path: dist/*.json\n          if-no-files-found: ignore\n'))).toEqual([]);
    });
  });

  it('reports invalid YAML as a finding instead of throwing', () => {
    expect(brief(audit('jobs: [\n'))).toEqual([{ rule: 'invalid-yaml', severity: 'error', line: expect.any(Number) }]);
  });

  it('finds nothing in every generated workflow', () => {
    const text = renderPublishWorkflow(mainSpec());
    expect(audit(text, { environment: 'publisher', registries: ['npm', 'crates_io', 'jsr', 'pypi'] })).toEqual([]);
    // Go publishes only from a run its release tag started.
    const tagged = renderPublishWorkflow(mainSpec({ trigger: 'tag' }));
    expect(audit(tagged, { environment: 'publisher', registries: ['npm', 'crates_io', 'jsr', 'pypi', 'go_proxy'] })).toEqual([]);
  });
});

describe('auditWorkflowFile', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-audit-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads the file and names it in findings', () => {
    const file = path.join(dir, 'publish.yml');
    fs.writeFileSync(file, GOOD.replace(CHECKOUT, 'actions/checkout@v4'));
    expect(auditWorkflowFile(file)).toEqual([expect.objectContaining({ rule: 'unpinned-action', file, line: 17 })]);
  });
});
