import { packageTable } from '../config/key-path';
import type { Manifest } from '../manifests/types';
import type { Env } from '../types';
import { assertSafeArg, stripUserinfo } from '../util/argv-guard';
import type { CommandRunner } from '../util/command';
import type { FailureRules } from './support/command-step';
import { describeCommand, failedAttempt, isSuccess, outputFields } from './support/command-step';
import { commandFailure } from './command-attempt';
import { withTempDir } from './support/temp-dir';
import type { PlaceholderRequest, PublishAttempt, PublishRequest, RegistryAdapter } from './types';
import { annotatedTagArgs, deleteTagArgs, git, GitSession, pushTagArgs } from './go-proxy/git';
import { goVersionExists, infoUrl } from './go-proxy/lookup';
import { assertPublishableGoVersion, goTagFor, goVersion, modulePathOf, tagPrefixOf } from './go-proxy/module-path';
import { buildPlaceholderCommit } from './go-proxy/placeholder-commit';
import { DEFAULT_GO_PROXY, GO_PROXY_ENV, goProxyUrl, goRemote } from './go-proxy/urls';
import { warmUpProxy } from './go-proxy/warm-up';
import { goTrustRules } from './go-proxy/trust-rules';
import { goProxyRateLimit, goVersionPageUrl } from './go-proxy/policy';
import { goReadinessChecks } from './go-proxy/readiness-checks';

export { escapeModulePath, goTagFor, goVersion } from './go-proxy/module-path';
export { DEFAULT_GO_PROXY, GO_PROXY_ENV, GO_REMOTE_ENV } from './go-proxy/urls';

const LABEL = 'Go proxy';
const ALREADY = /already exists/i;
const AUTH =
  /permission denied|permission to .* denied|authentication failed|could not read username|access denied|\b40[13]\b|not allowed to push|protected (tag|ref)|refusing to allow/i;

function failureRules(remote: string, tag: string): FailureRules {
  return {
    tool: 'git',
    installHint: 'install git',
    isAlreadyPublished: (output) => ALREADY.test(output),
    authFix: (output) =>
      AUTH.test(output)
        ? `git push to \`${remote}\` was refused: give the workflow job \`permissions: contents: write\` and keep the credentials of actions/checkout (or set MONOCHANGE_GO_REMOTE to a remote that accepts tag pushes), and check tag protection rules matching ${tag}`
        : undefined,
  };
}

interface TagContext {
  manifest: Manifest;
  modulePath: string;
  version: string;
  tag: string;
  /** As given to git. */
  remote: string;
  /** For messages: a remote URL without its userinfo. */
  shownRemote: string;
  session: GitSession;
  env: Env;
  dryRun: boolean;
}

/** Throws before any git command runs when the remote or the tag could be read as a git option. */
function context(req: PublishRequest | PlaceholderRequest, version: string, runner: CommandRunner): TagContext {
  const remote = goRemote(req.env);
  return {
    manifest: req.manifest,
    modulePath: modulePathOf(req.manifest),
    version: goVersion(version),
    tag: assertSafeArg(goTagFor(req.manifest, version), { source: `${packageTable(req.pkg.id)} path`, what: 'the git tag', tool: 'git' }),
    remote,
    shownRemote: stripUserinfo(remote),
    session: new GitSession(runner, req.manifest.dir, req.env),
    env: req.env,
    dryRun: req.dryRun,
  };
}

/**
 * Read-only checks before tagging: the module dir must match the tag prefix relative to the git
 * root, and the tag must not exist locally or on the remote (Go tags are permanent; the proxy and
 * the checksum database remember them). Returns a failed attempt, or notes for the message.
 */
async function preflight(c: TagContext): Promise<PublishAttempt | string[]> {
  const rules = failureRules(c.shownRemote, c.tag);
  const where = await c.session.repoPrefix();
  if (where.prefix === undefined) return failedAttempt([where.step], rules, `${c.manifest.dir} is not usable as a git working tree`);
  const expected = tagPrefixOf(c.manifest);
  if (where.prefix !== expected) {
    return {
      status: 'failed',
      message: `${c.modulePath} lives in \`${where.prefix || '.'}\` of its git repository but its tag prefix would be \`${expected || '.'}\`; Go finds nested modules by tags relative to the repository root. Fix: put monochange.toml at the git repository root`,
    };
  }
  const local = await c.session.localTag(c.tag);
  if (local.exists) {
    return {
      status: 'failed',
      alreadyExists: true,
      message: `tag ${c.tag} already exists in this repository; Go module tags are permanent, so it is neither moved nor re-created. Fix: if ${c.modulePath} ${c.version} is meant to be that commit, push it (\`git push ${c.shownRemote} refs/tags/${c.tag}\`); otherwise release a new version`,
    };
  }
  const remote = await c.session.remoteTag(c.remote, c.tag);
  if (remote.exists) {
    return {
      status: 'failed',
      alreadyExists: true,
      message: `tag ${c.tag} already exists on \`${c.shownRemote}\`; Go module tags are permanent, so it is not pushed again. Fix: the Go proxy may simply not have fetched it yet: request ${infoUrl(c.env, c.modulePath, c.version)} or wait, then re-run`,
    };
  }
  if (!isSuccess(remote.step)) {
    if (!c.dryRun) return failedAttempt([remote.step], rules, `could not check \`${c.shownRemote}\` for tag ${c.tag}`);
    return [`could not check \`${c.shownRemote}\` for tag ${c.tag}: ${commandFailure(remote.step.command, remote.step)}`];
  }
  return [];
}

/** Creates the annotated tag, pushes it (removing it again when the push fails), warms the proxy up. */
async function tagAndPush(c: TagContext, tagArgs: string[], identity: Env): Promise<PublishAttempt> {
  const rules = failureRules(c.shownRemote, c.tag);
  const tagStep = await c.session.run(tagArgs, identity);
  if (!isSuccess(tagStep)) return failedAttempt([tagStep], rules, `creating tag ${c.tag}`);
  const pushStep = await c.session.run(pushTagArgs(c.remote, c.tag));
  if (!isSuccess(pushStep)) {
    const cleanup = await c.session.run(deleteTagArgs(c.tag));
    const attempt = failedAttempt([tagStep, pushStep], rules, `pushing tag ${c.tag} to \`${c.shownRemote}\``);
    const undo = isSuccess(cleanup)
      ? 'the local tag was removed again, so a re-run starts clean'
      : `the local tag could not be removed (${commandFailure(cleanup.command, cleanup)}); delete it with \`git tag -d ${c.tag}\` before re-running`;
    return { ...attempt, message: `${attempt.message} (${undo})` };
  }
  const warm = await warmUpProxy(c.env, c.modulePath, c.version);
  return { status: 'published', message: `tagged ${c.tag} and pushed it to \`${c.shownRemote}\`; ${warm.note}`, ...outputFields([tagStep, pushStep]) };
}

const withNotes = (message: string, notes: string[]) => (notes.length ? `${message} (${notes.join('; ')})` : message);

/**
 * A CI job started by pushing the release tag (the way Go modules are released, and what the trust
 * rules require) finds the tag already at HEAD: publishing then means making sure the remote has it
 * and asking the proxy to fetch the version. Returns undefined when the tag is not at HEAD.
 */
async function publishExistingTagAtHead(c: TagContext): Promise<PublishAttempt | undefined> {
  const head = await c.session.commitOf('HEAD');
  if (!head) return undefined;
  const local = await c.session.commitOf(`refs/tags/${c.tag}`);
  const remote = await c.session.remoteTagCommit(c.remote, c.tag);
  if (local !== head && remote !== head) return undefined;
  if (c.dryRun) {
    return {
      status: 'planned',
      message: `tag ${c.tag} is at HEAD; would ${remote === head ? '' : `push it to \`${c.shownRemote}\` and `}ask the Go proxy for ${c.modulePath} ${c.version}`,
    };
  }
  if (remote !== head) {
    const push = await c.session.run(pushTagArgs(c.remote, c.tag));
    if (!isSuccess(push)) return failedAttempt([push], failureRules(c.shownRemote, c.tag), `pushing tag ${c.tag} to \`${c.shownRemote}\``);
  }
  const warm = await warmUpProxy(c.env, c.modulePath, c.version);
  return { status: 'published', message: `tag ${c.tag} is at HEAD and on \`${c.shownRemote}\`; ${warm.note}` };
}

async function publish(req: PublishRequest, runner: CommandRunner): Promise<PublishAttempt> {
  assertPublishableGoVersion(req.manifest, req.version);
  const c = context(req, req.version, runner);
  const atHead = await publishExistingTagAtHead(c);
  if (atHead) return atHead;
  const pre = await preflight(c);
  if (!Array.isArray(pre)) return pre;
  const tagArgs = annotatedTagArgs(c.tag, `${c.modulePath} ${c.tag}`);
  if (req.dryRun) {
    return {
      status: 'planned',
      message: withNotes(`would tag ${c.tag} at HEAD and push it to \`${c.shownRemote}\` so the Go proxy serves ${c.modulePath} ${c.version}`, pre),
      command: [git(c.manifest.dir, tagArgs), git(c.manifest.dir, pushTagArgs(c.remote, c.tag))].map((s) => describeCommand(s, req.env)).join(' && '),
    };
  }
  return tagAndPush(c, tagArgs, await c.session.identityEnv());
}

/**
 * Placeholder `v0.0.0`: a tag on a parentless commit holding only the module's go.mod and
 * README.md under its directory, so the module path exists on the proxy before its first release.
 */
async function publishPlaceholder(req: PlaceholderRequest, runner: CommandRunner): Promise<PublishAttempt> {
  const c = context(req, 'v0.0.0', runner);
  const prefix = tagPrefixOf(req.manifest);
  const pre = await preflight(c);
  if (!Array.isArray(pre)) return pre;
  const message = `${c.modulePath} ${c.tag} placeholder`;
  const files = prefix ? `${prefix}/go.mod and ${prefix}/README.md` : 'go.mod and README.md';
  if (req.dryRun) {
    const tag = describeCommand(git(c.manifest.dir, annotatedTagArgs(c.tag, message, 'PLACEHOLDER_COMMIT')), req.env).replace(
      'PLACEHOLDER_COMMIT',
      '<placeholder-commit>',
    );
    return {
      status: 'planned',
      message: withNotes(
        `would tag ${c.tag} on a new commit holding only ${files} (on no branch; the working tree is not touched) and push it to \`${c.shownRemote}\``,
        pre,
      ),
      command: `${tag} && ${describeCommand(git(c.manifest.dir, pushTagArgs(c.remote, c.tag)), req.env)}`,
    };
  }
  const identity = await c.session.identityEnv();
  return withTempDir('go-placeholder', async (dir) => {
    const built = await buildPlaceholderCommit(c.session, dir, {
      prefix,
      goMod: `module ${c.modulePath}\n\ngo 1.22\n`,
      readme: req.readme,
      message,
      identity,
    });
    if (!built.commit) return failedAttempt(built.steps, failureRules(c.shownRemote, c.tag), 'building the placeholder commit');
    return tagAndPush(c, annotatedTagArgs(c.tag, message, built.commit), identity);
  });
}

export const goProxyRegistry: RegistryAdapter = {
  id: 'go_proxy',
  trust: goTrustRules,
  label: LABEL,
  baseUrlEnv: GO_PROXY_ENV,
  defaultBaseUrl: DEFAULT_GO_PROXY,
  baseUrl: goProxyUrl,
  registryName: modulePathOf,
  versionExists: (manifest, version, ctx) => goVersionExists(modulePathOf(manifest), version, ctx.env, ctx.http),
  publish,
  publishPlaceholder,
  setupUrl: (manifest) => `https://pkg.go.dev/${modulePathOf(manifest)}`,
  isAlreadyPublishedOutput: (output) => ALREADY.test(output),
  requiredTools: () => ['git'],
  rateLimit: goProxyRateLimit,
  versionPageUrl: goVersionPageUrl,
  readinessChecks: goReadinessChecks,
};
