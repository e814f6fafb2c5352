import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startRegistryWorld, initGitRepo, type RegistryWorld } from '../test-utils/registry-world';
import { createNxWorkspace, nxEnv, type Workspace } from './support/nx-workspace';
import { packPlugin } from './support/plugin-tarball';
import type { RunResult } from './support/run';

/**
 * An attacker's cases against the packed plugin in a real Nx workspace (one npm package, one Go
 * module) with a loopback OIDC issuer, Verdaccio behind npm's token exchange and a bare git origin.
 * Every case must end refused: exit non-zero, no upload at the registry, no tag at the origin, no
 * file made by an injected command, no token in the log. The genuine job still publishes both.
 */
jest.setTimeout(900_000);

const GO_TAG = 'go/v1.0.0';
const LEAK_PROBE = `const fs = require('node:fs');
const seen = ['ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_URL', 'MONOCHANGE_OIDC_TOKEN', 'NPM_ID_TOKEN']
  .map((k) => k + '=' + (process.env[k] ? 'present' : 'absent'));
if (process.env.LEAK_FILE) fs.appendFileSync(process.env.LEAK_FILE, process.argv[2] + ' ' + seen.join(' ') + '\\n');
`;

function files(): Record<string, string> {
  const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
  const scripts = Object.fromEntries(['prepare', 'prepack', 'postpack', 'prepublishOnly'].map((s) => [s, `node probe.js ${s}`]));
  return {
    LICENSE: 'MIT License\n',
    'packages/core/package.json': json({
      name: '@acme/core',
      version: '1.0.0',
      description: 'Acme core',
      license: 'MIT',
      main: 'index.js',
      repository: { type: 'git', url: 'git+https://github.com/acme/widgets.git' },
      scripts,
      files: ['index.js'],
    }),
    'packages/core/index.js': "exports.hello = () => 'hello';\n",
    'packages/core/probe.js': LEAK_PROBE,
    'go/go.mod': 'module example.com/acme/widgets/go\n\ngo 1.22\n',
    'go/widgets.go': 'package widgets\n\nfunc Answer() int { return 42 }\n',
  };
}

function monochangeToml(source: string, extra = ''): string {
  return `${source}
[package.core]
path = "packages/core"
type = "npm"

[package.go]
path = "go"
type = "go"
version = "1.0.0"
${extra}`;
}

interface Outcome {
  case: string;
  item: number;
  exit: number;
  uploads: number;
  tags: number;
  executed: boolean;
  leaked: boolean;
}

describe('adversarial cases against the packed plugin (security issue)', () => {
  let world: RegistryWorld;
  let ws: Workspace;
  let tmp: string;
  const outcomes: Outcome[] = [];
  const originTags = () => execFileSync('git', ['ls-remote', '--tags', world.go.originUrl], { encoding: 'utf8' }).trim();
  const leakFile = () => path.join(tmp, 'leak.log');
  let ledger = 0;
  /** A job of its own: a fresh RUNNER_TEMP (its jti ledger) and the probe's output file. */
  const job = (env: Record<string, string | undefined>): NodeJS.ProcessEnv =>
    nxEnv({ ...env, RUNNER_TEMP: fs.mkdtempSync(path.join(tmp, `runner-${ledger++}-`)), LEAK_FILE: leakFile() });
  const publishAll = ['run-many', '-t', 'publish', '--projects=@acme/core,go'];

  /** Runs one attack and records what reached the registry, the origin and the log. */
  async function attack(name: string, item: number, args: string[], env: NodeJS.ProcessEnv, secrets: string[] = [], marker?: string): Promise<RunResult> {
    const before = (await world.uploads()).length;
    const result = await ws.nx(args, env);
    const uploads = (await world.uploads()).length - before;
    const outcome: Outcome = {
      case: name,
      item,
      exit: result.code,
      uploads,
      tags: originTags() ? originTags().split('\n').length : 0,
      executed: marker ? fs.existsSync(marker) : false,
      leaked: secrets.some((s) => result.output.includes(s)),
    };
    outcomes.push(outcome);
    return result;
  }

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-adversarial-'));
    const tarball = packPlugin();
    world = await startRegistryWorld({ log: () => undefined });
    ws = await createNxWorkspace({ tarball, files: { ...files(), 'monochange.toml': monochangeToml(world.sourceToml()) }, name: 'mc-adversarial' });
    initGitRepo(ws.root, world.go.originUrl);
  });

  afterAll(async () => {
    if (outcomes.length) {
      const rows = outcomes.map(
        (o) => `| ${o.item} | ${o.case} | ${o.exit} | ${o.uploads} | ${o.tags} | ${o.executed ? 'yes' : 'no'} | ${o.leaked ? 'yes' : 'no'} |`,
      );
      process.stdout.write(
        [
          '| item | case | exit | uploads | origin tags | injected command ran | token in log |',
          '| --- | --- | --- | --- | --- | --- | --- |',
          ...rows,
          '',
        ].join('\n'),
      );
    }
    await world?.stop();
    ws?.remove();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const refused = (o: Outcome | undefined) => {
    expect(o).toBeDefined();
    expect(o!.exit).not.toBe(0);
    expect(o!.uploads).toBe(0);
    expect(o!.tags).toBe(0);
    expect(o!.executed).toBe(false);
    expect(o!.leaked).toBe(false);
  };
  const last = () => outcomes[outcomes.length - 1];
  const goJob = (claims: Record<string, unknown> = {}, env: Record<string, string | undefined> = {}) =>
    world.ciEnv({ job: { ref: `refs/tags/${GO_TAG}`, workflow: 'publish-go.yml', environment: null }, claims, env });

  it('1. GitLab CI variables in a plain shell publish nothing and push no Go tag', async () => {
    const env = {
      ...world.env,
      GITLAB_CI: 'true',
      CI_PROJECT_PATH: 'acme/widgets',
      CI_JOB_ID: '1',
      CI_COMMIT_TAG: GO_TAG,
      CI_COMMIT_REF_NAME: GO_TAG,
      CI_PIPELINE_SOURCE: 'push',
    };
    const result = await attack('GitLab variables, plain shell', 1, publishAll, job(env));
    refused(last());
    expect(result.output).toContain('GitLab CI/CD');
    expect(result.output).toContain('signature-verified');
  });

  it('1. Cloud Build variables (BUILD_ID, PROJECT_ID) publish nothing', async () => {
    await attack('Cloud Build variables, plain shell', 1, publishAll, job({ ...world.env, BUILD_ID: 'b-1', PROJECT_ID: 'acme', REPO_NAME: 'widgets' }));
    refused(last());
  });

  it.each<[string, Record<string, string>]>([
    ['NPM_CONFIG__AUTH', { NPM_CONFIG__AUTH: 'ZmFrZTpmYWtl' }],
    ['npm_config_//host/:_password with username', {}],
  ])('2. npm credential in the environment (%s) is refused before the upload', async (label, extra) => {
    const host = new URL(world.npm.url).host;
    const vars = label.startsWith('npm_config_//') ? { [`npm_config_//${host}/:_password`]: 'ZmFrZQ==', [`npm_config_//${host}/:username`]: 'mallory' } : extra;
    const result = await attack(`npm credential ${label}`, 2, ['run', '@acme/core:publish'], job({ ...world.ciEnv(), ...vars }), Object.values(vars));
    refused(last());
    expect(result.output).toMatch(/credential|token environment variables/);
  });

  it('2. a literal _authToken in the workspace .npmrc, and one in the npmrc npm_config_userconfig names, are refused', async () => {
    const host = new URL(world.npm.url).host;
    const secret = 'npm_fakeliteraltokenvalue0000000000';
    ws.write('.npmrc', `//${host}/:_authToken=${secret}\n`);
    try {
      const result = await attack('literal _authToken in workspace .npmrc', 2, ['run', '@acme/core:publish'], job(world.ciEnv()), [secret]);
      refused(last());
      expect(result.output).toContain('.npmrc:1');
    } finally {
      fs.rmSync(path.join(ws.root, '.npmrc'));
    }
    const userconfig = path.join(tmp, 'user.npmrc');
    fs.writeFileSync(userconfig, `_authToken=${secret}\n`);
    await attack('_authToken in npm_config_userconfig', 2, ['run', '@acme/core:publish'], job({ ...world.ciEnv(), npm_config_userconfig: userconfig }), [
      secret,
    ]);
    refused(last());
  });

  it('4. a token of another run, one living 60 days, and a replayed one are refused', async () => {
    await attack('token of another run_id', 4, ['run', '@acme/core:publish'], job(world.ciEnv({ claims: { run_id: '999999' } })));
    refused(last());
    await attack(
      'token with a 60-day lifetime',
      4,
      ['run', '@acme/core:publish'],
      job(world.ciEnv({ claims: { exp: Math.floor(Date.now() / 1000) + 60 * 86_400 } })),
    );
    refused(last());

    // The same token twice in one job: readiness uses it first, the publish gets it again.
    const env = job(world.ciEnv({ claims: { jti: 'replayed-jti-1' }, sameJti: true }));
    const readiness = await ws.nx(['run', '@acme/core:readiness', '--failOnBlocked=false'], env);
    expect(readiness.output).not.toContain('oidc.token-replayed');
    const result = await attack('the same jti twice in one job', 4, ['run', '@acme/core:publish'], env);
    refused(last());
    expect(result.output).toContain('already used in this job');
  });

  it('5. an issue_comment run is refused by its event name', async () => {
    const result = await attack(
      'issue_comment event',
      5,
      ['run', '@acme/core:publish'],
      job(world.ciEnv({ claims: { event_name: 'issue_comment' }, env: { GITHUB_EVENT_NAME: 'issue_comment' } })),
    );
    refused(last());
    expect(result.output).toContain('"issue_comment"');
  });

  it("7. a third party's reusable workflow does not push a Go tag", async () => {
    const result = await attack(
      "Go tag from a third party's reusable workflow",
      7,
      ['run', 'go:publish'],
      job(goJob({ job_workflow_ref: 'mallory/actions/.github/workflows/release.yml@refs/heads/main' })),
    );
    refused(last());
    expect(result.output).toContain('mallory/actions');
  });

  it('8. MONOCHANGE_GO_REMOTE cannot inject a git option', async () => {
    const marker = path.join(tmp, 'injected');
    const result = await attack(
      'MONOCHANGE_GO_REMOTE=--upload-pack=…',
      8,
      ['run', 'go:publish'],
      job(goJob({}, { MONOCHANGE_GO_REMOTE: `--upload-pack=touch ${marker};:` })),
      [],
      marker,
    );
    refused(last());
    expect(result.output).toContain('MONOCHANGE_GO_REMOTE');
  });

  it('12. a package directory that is a symlink out of the workspace is refused', async () => {
    const outside = fs.mkdtempSync(path.join(tmp, 'outside-'));
    fs.writeFileSync(
      path.join(outside, 'package.json'),
      JSON.stringify({ name: '@acme/outside', version: '1.0.0', license: 'MIT', repository: { type: 'git', url: 'git+https://github.com/acme/widgets.git' } }),
    );
    fs.mkdirSync(path.join(ws.root, 'vendor'), { recursive: true });
    fs.symlinkSync(outside, path.join(ws.root, 'vendor', 'outside'));
    const toml = ws.read('monochange.toml');
    ws.write('monochange.toml', `${toml}\n[package.outside]\npath = "vendor/outside"\ntype = "npm"\n`);
    try {
      // Nx shows this configuration error from the graph step only with --verbose (known, tracked with the first-hour issue).
      const result = await attack('package path symlinked out of the workspace', 12, [...publishAll, '--verbose'], job(world.ciEnv()));
      refused(last());
      expect(result.output).toContain('outside the workspace root');
    } finally {
      ws.write('monochange.toml', toml);
      fs.rmSync(path.join(ws.root, 'vendor'), { recursive: true });
    }
  });

  it('controls: the genuine job publishes npm (build scripts never see the OIDC variables) and pushes the Go tag', async () => {
    fs.rmSync(leakFile(), { force: true });
    // A process per task with prefixed streaming output: the mask must still reach the raw log.
    const npm = await ws.nx(['run', '@acme/core:publish', '--batch=false', '--output-style=stream'], job(world.ciEnv()));
    if (npm.code !== 0) throw new Error(npm.output);
    const masks = npm.stdout.split('\n').filter((l) => l.includes('::add-mask::'));
    expect(masks.length).toBeGreaterThan(0);
    expect(masks.every((l) => l.startsWith('::add-mask::'))).toBe(true);
    const token = masks[0].slice('::add-mask::'.length).trim();
    expect(npm.output.split(token).length - 1).toBe(masks.filter((l) => l.includes(token)).length);
    if ((await world.uploads()).filter((u) => u.registry === 'npm' && u.name === '@acme/core').length !== 1)
      throw new Error(`${npm.output}\n${ws.read('.monochange/publish-result.json')}`);
    const probes = fs.readFileSync(leakFile(), 'utf8').trim().split('\n');
    expect(probes.length).toBeGreaterThan(0);
    expect(probes.filter((l) => l.includes('present'))).toEqual([]);

    const go = await ws.nx(['run', 'go:publish'], job(goJob()));
    if (go.code !== 0) throw new Error(go.output);
    expect(originTags()).toContain(`refs/tags/${GO_TAG}`);
    expect(outcomes.filter((o) => o.exit === 0 || o.uploads > 0 || o.tags > 0 || o.executed || o.leaked)).toEqual([]);
  });
});
