import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Claims } from '../test-utils/oidc-issuer';
import { initGitRepo, startRegistryWorld, type RegistryWorld } from '../test-utils/registry-world';
import { createNxWorkspace, nxEnv, type Workspace } from './support/nx-workspace';
import { packPlugin } from './support/plugin-tarball';

/**
 * A simulated GitLab CI/CD job against the packed plugin in a real Nx workspace (one npm package,
 * one Go module): the job's ID tokens are minted by the loopback issuer playing a GitLab instance
 * (`[source.oidc] issuer`), npm exchanges NPM_ID_TOKEN at the OIDC proxy in front of Verdaccio, and
 * the Go tag goes to a bare git origin. Forged, expired and other-project tokens, and variables that
 * disagree with the token, publish nothing (uploads counted at the registry, tags at the origin);
 * the genuine job publishes both.
 */
jest.setTimeout(900_000);

const GO_TAG = 'go/v1.0.0';

function files(): Record<string, string> {
  const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
  return {
    LICENSE: 'MIT License\n',
    'packages/core/package.json': json({
      name: '@acme/core',
      version: '1.0.0',
      description: 'Acme core',
      license: 'MIT',
      main: 'index.js',
      repository: { type: 'git', url: 'git+https://gitlab.com/acme/widgets.git' },
      files: ['index.js'],
    }),
    'packages/core/index.js': "exports.hello = () => 'hello';\n",
    'go/go.mod': 'module example.com/acme/widgets/go\n\ngo 1.22\n',
    'go/widgets.go': 'package widgets\n\nfunc Answer() int { return 42 }\n',
  };
}

function monochangeToml(issuerUrl: string): string {
  return `[source]
provider = "gitlab"
owner = "acme"
repo = "widgets"

[source.oidc]
issuer = ${JSON.stringify(issuerUrl)}

[package.core]
path = "packages/core"
type = "npm"

[package.core.publish.trusted_publishing]
environment = "release"

[package.go]
path = "go"
type = "go"
version = "1.0.0"
`;
}

interface Outcome {
  case: string;
  exit: number;
  uploads: number;
  tags: number;
  leaked: boolean;
}

describe('GitLab CI/CD identity from the signed ID token (packed plugin, real Nx)', () => {
  let world: RegistryWorld;
  let ws: Workspace;
  let tmp: string;
  let sha: string;
  let jobId = 99_000;
  const outcomes: Outcome[] = [];
  const originTags = () => execFileSync('git', ['ls-remote', '--tags', world.go.originUrl], { encoding: 'utf8' }).trim();
  const publishAll = ['run-many', '-t', 'publish', '--projects=@acme/core,go'];

  /** Claims of a job of acme/widgets on the protected tag go/v1.0.0 (a new job id each time). */
  const claims = (overrides: Claims = {}): Claims =>
    world.issuer.gitlabClaims({
      job_id: String(++jobId),
      ref: GO_TAG,
      ref_path: `refs/tags/${GO_TAG}`,
      sha,
      ci_config_ref_uri: `${new URL(world.issuer.url).host}/acme/widgets//.gitlab-ci.yml@refs/tags/${GO_TAG}`,
      ...overrides,
    });

  /** The job's environment: the world's URLs, the CI_* variables of `c`, our token and npm's. */
  async function gitlabJob(c: Claims, opts: { token?: string; env?: Record<string, string | undefined> } = {}): Promise<NodeJS.ProcessEnv> {
    const token = opts.token ?? (await world.issuer.mint(c));
    const npmToken = await world.issuer.mint({ ...c, jti: `${String(c.jti)}-npm`, aud: `npm:${new URL(world.npm.url).hostname}` });
    const env: Record<string, string | undefined> = {
      ...world.env,
      ...world.issuer.gitlabEnv(c, token),
      NPM_ID_TOKEN: npmToken,
      TMPDIR: fs.mkdtempSync(path.join(tmp, 'job-')),
      ...opts.env,
    };
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
    return nxEnv(env);
  }

  async function attempt(name: string, env: NodeJS.ProcessEnv) {
    const before = (await world.uploads()).length;
    const result = await ws.nx(publishAll, env);
    const secrets = [env.MONOCHANGE_ID_TOKEN, env.NPM_ID_TOKEN].filter((s): s is string => Boolean(s));
    const outcome: Outcome = {
      case: name,
      exit: result.code,
      uploads: (await world.uploads()).length - before,
      tags: originTags() ? originTags().split('\n').length : 0,
      leaked: secrets.some((s) => result.output.includes(s) || result.output.includes(s.split('.')[2])),
    };
    outcomes.push(outcome);
    return { result, outcome };
  }

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-gitlab-identity-'));
    const tarball = packPlugin();
    world = await startRegistryWorld({ log: () => undefined });
    world.npm.setTrustedPublisher({ repository: 'acme/widgets', workflow: '.gitlab-ci.yml', environment: 'release' });
    ws = await createNxWorkspace({ tarball, files: { ...files(), 'monochange.toml': monochangeToml(world.issuer.url) }, name: 'mc-gitlab-identity' });
    initGitRepo(ws.root, world.go.originUrl);
    sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ws.root, encoding: 'utf8' }).trim();
  });

  afterAll(async () => {
    if (outcomes.length) {
      const rows = outcomes.map((o) => `| ${o.case} | ${o.exit} | ${o.uploads} | ${o.tags} | ${o.leaked ? 'yes' : 'no'} |`);
      process.stdout.write(['| GitLab case | exit | uploads | origin tags | token in log |', '| --- | --- | --- | --- | --- |', ...rows, ''].join('\n'));
    }
    await world?.stop();
    ws?.remove();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it.each<[string, () => Promise<NodeJS.ProcessEnv>, RegExp]>([
    [
      'no MONOCHANGE_ID_TOKEN (GitLab variables only)',
      async () => gitlabJob(claims(), { env: { MONOCHANGE_ID_TOKEN: undefined } }),
      /MONOCHANGE_ID_TOKEN is not set/,
    ],
    [
      'forged token (another key, the issuer kid)',
      async () => {
        const { generateKeyPair } = await import('jose');
        const { privateKey } = await generateKeyPair('RS256');
        const c = claims();
        return gitlabJob(c, { token: await world.issuer.mint(c, { key: privateKey }) });
      },
      /signature does not verify/,
    ],
    [
      'expired token',
      async () =>
        gitlabJob(claims({ iat: Math.floor(Date.now() / 1000) - 900, nbf: Math.floor(Date.now() / 1000) - 900, exp: Math.floor(Date.now() / 1000) - 120 })),
      /expired/,
    ],
    [
      'token of another project (variables agree with it)',
      async () =>
        gitlabJob(
          claims({
            project_path: 'evil/widgets',
            namespace_path: 'evil',
            project_id: '666',
            ci_config_ref_uri: `${new URL(world.issuer.url).host}/evil/widgets//.gitlab-ci.yml@refs/tags/${GO_TAG}`,
          }),
        ),
      /acme\/widgets[\s\S]*evil\/widgets|evil\/widgets[\s\S]*acme\/widgets/,
    ],
    [
      'spoofed variables: CI_COMMIT_REF_PROTECTED=true on an unprotected tag',
      async () => gitlabJob(claims({ ref_protected: 'false' }), { env: { CI_COMMIT_REF_PROTECTED: 'true' } }),
      /CI_COMMIT_REF_PROTECTED="true" but the token says ref_protected="false"/,
    ],
    [
      'spoofed variables: CI_PROJECT_PATH of another project',
      async () => gitlabJob(claims(), { env: { CI_PROJECT_PATH: 'acme/other' } }),
      /CI_PROJECT_PATH="acme\/other"/,
    ],
  ])('refuses: %s', async (name, arrange, says) => {
    const { result, outcome } = await attempt(name, await arrange());
    expect(outcome.exit).not.toBe(0);
    expect(outcome).toMatchObject({ uploads: 0, tags: 0, leaked: false });
    expect(result.output).toMatch(says);
  });

  it('the genuine job publishes npm through the token exchange and pushes the Go tag', async () => {
    const { result, outcome } = await attempt('genuine GitLab job', await gitlabJob(claims()));
    if (outcome.exit !== 0) throw new Error(result.output);
    const uploads = await world.uploads();
    expect(uploads.filter((u) => u.registry === 'npm' && u.name === '@acme/core').map((u) => u.version)).toEqual(['1.0.0']);
    expect(world.npm.proxy.exchanges.filter((e) => e.ok).map((e) => e.name)).toEqual(['@acme/core']);
    expect(originTags()).toContain(`refs/tags/${GO_TAG}`);
    expect(outcome.leaked).toBe(false);
    expect(outcomes.filter((o) => o.case !== 'genuine GitLab job' && (o.exit === 0 || o.uploads > 0 || o.tags > 0 || o.leaked))).toEqual([]);
  });
});
