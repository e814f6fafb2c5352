import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PublishEntry, PublishResult, Readiness } from './artifact-schema';
import {
  emitCiReport,
  escapeGithubData,
  escapeGithubProperty,
  githubAnnotations,
  githubSummary,
  gitlabSection,
  plainReport,
  registryPageUrl,
  summaryTable,
} from './ci-report';

const trust = { status: 'configured' as const, repository: null, workflow: null, environment: null, setupUrl: null, message: '' };
const e = (id: string, status: PublishEntry['status'], message: string, extra: Partial<PublishEntry> = {}): PublishEntry => ({
  package: id,
  project: id,
  ecosystem: 'npm',
  registry: 'npm',
  name: id,
  version: '1.2.3',
  status,
  message,
  placeholder: false,
  trustedPublishing: trust,
  ...extra,
});

const result: PublishResult = {
  schemaVersion: 1,
  kind: 'monochange.publishResult',
  mode: 'release',
  dryRun: false,
  packages: [
    e('api', 'failed', '`npm publish` failed: E403 | 100% wrong\nsecond line', { manifest: 'packages/api/package.json' } as Partial<PublishEntry>),
    e('core', 'published', 'published core 1.2.3 to crates.io', { registry: 'crates_io', name: 'acme-core' }),
    e('web', 'blocked', 'not published: its dependency `api` failed | see above', { name: '@acme/web' }),
    e('zed', 'skipped_existing', 'zed 1.2.3 already exists on npm'),
  ],
};

const readiness: Readiness = {
  schemaVersion: 1,
  kind: 'monochange.publishReadiness',
  status: 'blocked',
  packages: [
    {
      package: 'core',
      project: 'core',
      ecosystem: 'cargo',
      registry: 'crates_io',
      name: 'acme-core',
      version: '1.2.3',
      status: 'blocked',
      message: 'not ready',
      checks: [
        { id: 'cargo.version', status: 'pass', message: 'ok' },
        { id: 'cargo.license', status: 'fail', message: 'Cargo.toml has no license', fix: 'add license' },
        { id: 'cargo.readme', status: 'fail', message: 'no readme' },
      ],
      trustedPublishing: trust,
    },
    {
      package: 'web',
      project: 'web',
      ecosystem: 'npm',
      registry: 'npm',
      name: 'web',
      version: '1.0.0',
      status: 'ready',
      message: 'would publish web 1.0.0 to npm',
      checks: [],
      trustedPublishing: trust,
    },
  ],
};

describe('registryPageUrl', () => {
  it('links each registry page of a version', () => {
    expect(registryPageUrl('npm', '@acme/web', '1.2.3')).toBe('https://www.npmjs.com/package/@acme/web/v/1.2.3');
    expect(registryPageUrl('crates_io', 'acme-core', '1.2.3')).toBe('https://crates.io/crates/acme-core/1.2.3');
    expect(registryPageUrl('jsr', '@acme/std', '0.1.0')).toBe('https://jsr.io/@acme/std@0.1.0');
    expect(registryPageUrl('pub_dev', 'acme', '2.0.0')).toBe('https://pub.dev/packages/acme/versions/2.0.0');
    expect(registryPageUrl('pypi', 'acme-lib', '3.1.0')).toBe('https://pypi.org/project/acme-lib/3.1.0/');
    expect(registryPageUrl('go_proxy', 'github.com/acme/mod/v2', '2.0.1')).toBe('https://pkg.go.dev/github.com/acme/mod/v2@v2.0.1');
    expect(registryPageUrl('my-registry', 'x', '1.0.0')).toBeUndefined();
  });

  it('links nothing when a registry URL override is set (loopback)', () => {
    expect(registryPageUrl('npm', 'web', '1.0.0', { MONOCHANGE_NPM_REGISTRY_URL: 'http://127.0.0.1:4873' })).toBeUndefined();
    expect(registryPageUrl('npm', 'web', '1.0.0', { MONOCHANGE_CRATES_IO_API_URL: '' })).toBe('https://www.npmjs.com/package/web/v/1.0.0');
  });
});

describe('GitHub reporting', () => {
  it('escapes workflow-command data and properties per GitHub rules', () => {
    expect(escapeGithubData('100%\r\nnext')).toBe('100%25%0D%0Anext');
    expect(escapeGithubProperty('a:b,c%\n')).toBe('a%3Ab%2Cc%25%0A');
  });

  it('writes a summary table with status emoji, escaped cells and a link for published packages', () => {
    const md = githubSummary(result, {}, { artifactPath: '.monochange/publish-result.json' });
    expect(md).toContain('## Publish\n');
    expect(md).toContain('4 packages: 1 failed, 1 published, 1 blocked, 1 skipped_existing');
    expect(md).toContain('| Package | Version | Registry | Status | Message |');
    expect(md).toContain('| [core](https://crates.io/crates/acme-core/1.2.3) | 1.2.3 | crates_io | ✅ published | published core 1.2.3 to crates.io |');
    expect(md).toContain('| api | 1.2.3 | npm | ❌ failed | `npm publish` failed: E403 \\| 100% wrong<br>second line |');
    expect(md).toContain('| web | 1.2.3 | npm | ⛔ blocked | not published: its dependency `api` failed \\| see above |');
    expect(md).toContain('Artifact: `.monochange/publish-result.json`');
  });

  it('summarises readiness with the first failing check', () => {
    const md = githubSummary(readiness);
    expect(md).toContain('## Publish readiness: blocked');
    expect(md).toContain('| core | 1.2.3 | crates_io | ⛔ blocked | cargo.license: Cargo.toml has no license |');
    expect(md).toContain('| web | 1.0.0 | npm | ✅ ready | would publish web 1.0.0 to npm |');
  });

  it('annotates failed packages as errors and blocked ones as warnings, on their manifest', () => {
    const lines = githubAnnotations(result, {}, { manifestFor: (id) => (id === 'web' ? 'apps/web/package.json' : undefined) });
    expect(lines).toEqual([
      '::error file=packages/api/package.json,title=api 1.2.3 failed (npm)::`npm publish` failed: E403 | 100%25 wrong%0Asecond line',
      '::warning file=apps/web/package.json,title=web 1.2.3 blocked (npm)::not published: its dependency `api` failed | see above',
    ]);
    expect(githubAnnotations(readiness)).toEqual(['::error title=core 1.2.3 blocked (crates_io)::cargo.license: Cargo.toml has no license']);
  });
});

describe('GitLab and plain reporting', () => {
  it('wraps a report in a collapsible section', () => {
    const text = gitlabSection('monochange publish', 'Publish', 'line 1\nline 2\n', 1700000000);
    expect(text).toBe(
      '\u001b[0Ksection_start:1700000000:monochange_publish[collapsed=true]\r\u001b[0KPublish\nline 1\nline 2\n\u001b[0Ksection_end:1700000000:monochange_publish\r\u001b[0K\n',
    );
  });

  it('prints plain lines, coloured only when asked', () => {
    const plain = plainReport(result);
    expect(plain).toContain('❌ api 1.2.3 npm failed: `npm publish` failed: E403 | 100% wrong second line');
    expect(plain).not.toContain('\u001b[');
    expect(plainReport(result, { color: true })).toContain('\u001b[31mfailed\u001b[0m');
  });
});

describe('summaryTable', () => {
  it('lists every package with status and message, then the artifact path', () => {
    const table = summaryTable(result, '.monochange/publish-result.json');
    const lines = table.trimEnd().split('\n');
    expect(lines[0]).toBe('Publish');
    expect(lines[1]).toBe('package  version  registry   status            message');
    expect(lines[2]).toBe('api      1.2.3    npm        failed            `npm publish` failed: E403 | 100% wrong second line');
    expect(lines[3]).toBe('core     1.2.3    crates_io  published         published core 1.2.3 to crates.io');
    expect(lines[lines.length - 1]).toBe('result: .monochange/publish-result.json');
    expect(table).not.toContain('\u001b[');
  });

  it('shows the first failing check of readiness', () => {
    const table = summaryTable(readiness);
    expect(table).toContain('first failing check');
    expect(table).toMatch(/core\s+1\.2\.3\s+crates_io\s+blocked\s+cargo\.license: Cargo\.toml has no license/);
  });
});

describe('emitCiReport', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-ci-report-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('appends the job summary in GitHub Actions and writes annotations', () => {
    const summary = path.join(dir, 'summary.md');
    fs.writeFileSync(summary, 'earlier step\n');
    const out: string[] = [];
    emitCiReport('publish', result, { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary }, (t) => out.push(t));
    const text = fs.readFileSync(summary, 'utf8');
    expect(text.startsWith('earlier step\n## Publish')).toBe(true);
    expect(out.join('')).toMatch(/^::error file=packages\/api\/package.json,title=api 1.2.3 failed \(npm\)::/);
    expect(out).toHaveLength(2);
  });

  it('writes a GitLab section, expanded when something failed', () => {
    const out: string[] = [];
    emitCiReport('publish', result, { GITLAB_CI: 'true' }, (t) => out.push(t), { timestamp: 1 });
    expect(out.join('')).toContain('section_start:1:monochange_publish\r');
    const ok: string[] = [];
    emitCiReport('readiness', { ...readiness, status: 'ready', packages: [readiness.packages[1]] }, { GITLAB_CI: 'true' }, (t) => ok.push(t), { timestamp: 1 });
    expect(ok.join('')).toContain('section_start:1:monochange_readiness[collapsed=true]');
  });

  it('prints plain lines elsewhere: colour on a TTY, none with NO_COLOR or without a TTY', () => {
    const write = (env: Record<string, string>, isTTY: boolean) => {
      const out: string[] = [];
      emitCiReport('publish', result, env, (t) => out.push(t), { isTTY });
      return out.join('');
    };
    expect(write({}, true)).toContain('\u001b[31m');
    expect(write({ NO_COLOR: '1' }, true)).not.toContain('\u001b[');
    expect(write({}, false)).not.toContain('\u001b[');
  });
});
