import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startNpmOidcProxy, type NpmOidcProxy, type TrustedPublisherRecord } from './npm-oidc-proxy';
import { startOidcIssuer, type Claims, type LoopbackOidcIssuer } from './oidc-issuer';
import { startLoopbackCratesRegistry, type LoopbackCratesRegistry } from './registry-world/crates-registry';
import { DEFAULT_JOB, jobClaims, jobEnv, renderSourceToml, type GithubJob } from './registry-world/github-job';
import { startGoOriginProxy, type GoOriginProxy } from './registry-world/go-origin-proxy';
import { writePublishStandIns, type PublishStandIns } from './registry-world/publish-stand-ins';
import { startStandInRegistries, type StandInRegistries } from './registry-world/stand-in-registries';
import { startVerdaccio, type VerdaccioServer } from './verdaccio';

export type { GithubJob } from './registry-world/github-job';
export type { StandInToolCall } from './registry-world/publish-stand-ins';
export type { StandInUpload } from './registry-world/stand-in-registries';
export { initGitRepo } from './registry-world/git-workspace';

/**
 * Every registry the end-to-end tests and the demo publish to, on 127.0.0.1, plus the GitHub
 * Actions job that publishes: a real Verdaccio behind npm's OIDC token exchange, a crates.io that
 * takes real `cargo publish` uploads, JSR / PyPI / pub.dev answered from what stand-in
 * `deno` / `uv` / `dart` / `flutter` published, and a Go proxy computed from the tags pushed to a
 * bare git origin. Nothing outside the world's temp dirs is touched (~/.npmrc, ~/.cargo, ~/.npm).
 */
export interface RegistryWorldOptions {
  /** The workspace that will publish: `ciEnv()` takes GITHUB_SHA from its HEAD when it is a git repo. */
  workspaceRoot?: string;
  log?: (line: string) => void;
  /** The simulated job (default: acme/widgets, publish.yml, job `publish`, environment `release`, tag v1.0.0 push). */
  job?: Partial<GithubJob>;
}

export interface CiEnvOverrides {
  /** Change the job: env and claims both follow (they still agree). */
  job?: Partial<GithubJob>;
  /** Change only the OIDC claims (`undefined` deletes one): env and claims then disagree. */
  claims?: Claims;
  /** Change only environment variables (`undefined` deletes one). */
  env?: Record<string, string | undefined>;
  /** Mint every token with the claims' own `jti` (a replay), instead of a new one each time. */
  sameJti?: boolean;
}

/** One real upload, wherever it went. Go versions are given without their `v`; PyPI names PEP 503-normalized. */
export interface WorldUpload {
  registry: 'npm' | 'crates_io' | 'jsr' | 'pypi' | 'pub_dev' | 'go_proxy';
  name: string;
  version: string;
  /** ms since the epoch, when the registry took it. */
  at: number;
}

export interface RegistryWorld {
  /** Registry URL overrides only (the `MONOCHANGE_*_URL` variables). */
  urls: Record<string, string>;
  /**
   * Environment outside CI (a maintainer's shell without credentials): `urls`, PATH with the
   * stand-ins first, CARGO_HOME, npm config without any token. Merge over a clean process env.
   */
  env: Record<string, string>;
  /** `env` plus an owner's long-lived credentials (npm token the proxy accepts, CARGO_REGISTRY_TOKEN, UV_PUBLISH_TOKEN): placeholders from a laptop. */
  tokenEnv: Record<string, string>;
  /** The simulated GitHub Actions job's environment (see CiEnvOverrides). Also sets what the issuer's token endpoint mints. */
  ciEnv(overrides?: CiEnvOverrides): Record<string, string>;
  /** The default job. */
  job: GithubJob;
  issuer: LoopbackOidcIssuer;
  /** `[source]` + `[source.oidc]` for monochange.toml (default owner/repo: the job's). */
  sourceToml(owner?: string, repo?: string): string;
  npm: {
    proxy: NpmOidcProxy;
    verdaccio: VerdaccioServer;
    /** Registry URL the job uses (the proxy). */
    url: string;
    /** Set (or with `undefined` remove) the trusted-publisher record for a package, `*` for all. */
    setTrustedPublisher(record: TrustedPublisherRecord | undefined, name?: string): void;
    ownerToken: string;
  };
  crates: LoopbackCratesRegistry;
  /** JSR, PyPI and pub.dev. */
  registries: StandInRegistries;
  standIns: PublishStandIns;
  go: GoOriginProxy & { /** `file://` URL of the bare origin, for `initGitRepo`. */ originUrl: string };
  /** Real uploads across all registries, oldest first. */
  uploads(): Promise<WorldUpload[]>;
  /** Every temp dir the world made (all removed by `stop`). */
  tempDirs: string[];
  /** Stops every server and removes every temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

/** Stands in for the short-lived token rust-lang/crates-io-auth-action mints from the OIDC token into CARGO_REGISTRY_TOKEN. */
export const CI_CARGO_TOKEN = 'cio-tp-fake-short-lived';
/** A maintainer's long-lived tokens (tokenEnv only: trusted publishing keeps them out of the job). */
export const OWNER_NPM_TOKEN = 'fake-npm-owner-token-for-tests';
export const OWNER_CARGO_TOKEN = 'cio-owner-fake-long-lived';
export const OWNER_UV_TOKEN = 'fake-uv-publish-token-for-tests';

export async function startRegistryWorld(options: RegistryWorldOptions = {}): Promise<RegistryWorld> {
  const log = options.log ?? (() => undefined);
  const job: GithubJob = { ...DEFAULT_JOB, ...options.job };
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'monochange-registry-world-'));
  const closers: Array<() => Promise<void>> = [];
  const tempDirs = [root];
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await Promise.allSettled(closers.reverse().map((close) => close()));
    fs.rmSync(root, { recursive: true, force: true });
  };

  try {
    const issuer = await startOidcIssuer();
    closers.push(() => issuer.close());
    const verdaccio = await startVerdaccio();
    closers.push(() => verdaccio.stop());
    tempDirs.push(path.dirname(verdaccio.storageDir));
    const proxy = await startNpmOidcProxy({ upstream: verdaccio.url, issuer: issuer.url, ownerTokens: [OWNER_NPM_TOKEN] });
    closers.push(() => proxy.close());
    const setTrustedPublisher = (record: TrustedPublisherRecord | undefined, name = '*') => {
      if (record) proxy.trust.set(name, record);
      else proxy.trust.delete(name);
    };
    setTrustedPublisher({ repository: `${job.owner}/${job.repo}`, workflow: job.workflow, ...(job.environment ? { environment: job.environment } : {}) });

    const crates = await startLoopbackCratesRegistry({ acceptToken: (token) => token === CI_CARGO_TOKEN || token === OWNER_CARGO_TOKEN });
    closers.push(() => crates.close());
    const registries = await startStandInRegistries(issuer);
    closers.push(() => registries.close());
    fs.mkdirSync(path.join(root, 'go'));
    const go = await startGoOriginProxy(path.join(root, 'go'));
    closers.push(() => go.close());
    const standIns = writePublishStandIns(path.join(root, 'bin'));

    const npmDir = path.join(root, 'npm');
    fs.mkdirSync(path.join(npmDir, 'cache'), { recursive: true });
    const proxyHost = new URL(proxy.url).host;
    // No _authToken: in the job npm authenticates by the OIDC exchange, or not at all.
    fs.writeFileSync(path.join(npmDir, 'job.npmrc'), `registry=${proxy.url}/\n`);
    fs.writeFileSync(path.join(npmDir, 'owner.npmrc'), `registry=${proxy.url}/\n//${proxyHost}/:_authToken=${OWNER_NPM_TOKEN}\n`);

    const cargoHome = path.join(root, 'cargo-home');
    fs.mkdirSync(cargoHome);
    // Crates that depend on crates of the same workspace name crates.io as the dependency's
    // registry in their upload; cargo's verify build then resolves them here instead.
    fs.writeFileSync(
      path.join(cargoHome, 'config.toml'),
      `[source.crates-io]\nreplace-with = "registry-world"\n\n[source.registry-world]\nregistry = "sparse+${crates.indexUrl}/"\n`,
    );

    const urls: Record<string, string> = {
      MONOCHANGE_NPM_REGISTRY_URL: proxy.url,
      MONOCHANGE_CRATES_IO_API_URL: crates.apiUrl,
      MONOCHANGE_CRATES_IO_INDEX_URL: crates.indexUrl,
      MONOCHANGE_JSR_BASE_URL: registries.jsrUrl,
      MONOCHANGE_PYPI_API_URL: registries.pypiUrl,
      MONOCHANGE_PUB_DEV_API_URL: registries.pubUrl,
      MONOCHANGE_GO_PROXY_URL: go.url,
    };
    const npmEnv = (userconfig: string) => ({
      npm_config_userconfig: userconfig,
      npm_config_cache: path.join(npmDir, 'cache'),
      npm_config_update_notifier: 'false',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
    });
    const env: Record<string, string> = {
      ...urls,
      PATH: [standIns.binDir, process.env.PATH ?? ''].join(path.delimiter),
      CARGO_HOME: cargoHome,
      ...npmEnv(path.join(npmDir, 'job.npmrc')),
    };
    const tokenEnv: Record<string, string> = {
      ...env,
      ...npmEnv(path.join(npmDir, 'owner.npmrc')),
      CARGO_REGISTRY_TOKEN: OWNER_CARGO_TOKEN,
      UV_PUBLISH_TOKEN: OWNER_UV_TOKEN,
    };

    const ciEnv = (overrides: CiEnvOverrides = {}): Record<string, string> => {
      const current: GithubJob = { ...job, ...overrides.job };
      const sha = current.sha ?? headSha(options.workspaceRoot) ?? 'a'.repeat(40);
      const claims: Claims = { ...jobClaims(issuer, current, sha), ...overrides.claims };
      for (const [k, v] of Object.entries(claims)) if (v === undefined) delete claims[k];
      issuer.serve({ claims, refreshTimes: true, sameJti: overrides.sameJti });
      const out: Record<string, string> = {
        ...env,
        ...jobEnv(issuer, current, sha),
        // Stands in for the output of rust-lang/crates-io-auth-action (a short-lived token minted by OIDC).
        CARGO_REGISTRY_TOKEN: CI_CARGO_TOKEN,
      };
      for (const [k, v] of Object.entries(overrides.env ?? {})) {
        if (v === undefined) delete out[k];
        else out[k] = v;
      }
      return out;
    };

    const originUrl = `file://${go.originDir}`;
    log(`registry world in ${root}`);
    log(`  npm        ${proxy.url} (OIDC exchange) -> Verdaccio ${verdaccio.url}`);
    log(`  crates.io  ${crates.apiUrl} (index ${crates.indexUrl})`);
    log(`  JSR        ${registries.jsrUrl}   PyPI ${registries.pypiUrl}   pub.dev ${registries.pubUrl}`);
    log(`  Go proxy   ${go.url} (tags of ${go.originDir})`);
    log(`  OIDC       ${issuer.url}   stand-ins (deno, uv, dart, flutter) in ${standIns.binDir}`);

    return {
      urls,
      env,
      tokenEnv,
      ciEnv,
      job,
      issuer,
      sourceToml: (owner = job.owner, repo = job.repo) => renderSourceToml(owner, repo, issuer.url),
      npm: { proxy, verdaccio, url: proxy.url, setTrustedPublisher, ownerToken: OWNER_NPM_TOKEN },
      crates,
      registries,
      standIns,
      go: Object.assign(go, { originUrl }),
      async uploads() {
        const all: WorldUpload[] = [
          ...proxy.uploads
            .filter((u) => u.status >= 200 && u.status < 300)
            .flatMap((u) =>
              (u.version ?? '')
                .split(',')
                .filter(Boolean)
                .map((version) => ({ registry: 'npm' as const, name: u.name, version, at: u.at })),
            ),
          ...crates.published().map((c) => ({ registry: 'crates_io' as const, name: c.name, version: c.vers, at: c.at })),
          ...registries.uploads().map((u) => ({ registry: u.registry, name: u.name, version: u.version, at: u.at })),
          ...(await go.pushedVersions()).map((g) => ({ registry: 'go_proxy' as const, name: g.module, version: g.version.replace(/^v/, ''), at: g.at })),
        ];
        return all.sort((a, b) => a.at - b.at);
      },
      tempDirs,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function headSha(root: string | undefined): string | undefined {
  if (!root || !fs.existsSync(path.join(root, '.git'))) return undefined;
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}
