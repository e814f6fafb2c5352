import { packageTable } from '../../config/key-path';
import semver from 'semver';
import { goTagFor } from '../../registries/go-proxy/module-path';
import { GO_REMOTE_ENV, goRemote } from '../../registries/go-proxy/urls';
import { isMonochangeError } from '../../errors';
import type { Check } from '../../types';
import { assertSafeArg, stripUserinfo } from '../../util/argv-guard';
import type { CommandResult } from '../../util/command';
import type { ReadinessCheck, ReadinessContext } from '../types';
import { commandFailure } from '../../registries/command-attempt';
import { fail, firstLines, listOf, pass, warn, willPublish } from './support';

/**
 * Go releases are git tags, and tags are permanent (the proxy and checksum database remember
 * them): the module path must carry the right major-version suffix, the tag must be free locally
 * and on the remote, and the tree must be clean so the tag holds what was tested.
 */
export const goChecks: ReadinessCheck = async (ctx) => {
  if (!willPublish(ctx)) return [];
  return [majorVersionCheck(ctx), await tagFreeCheck(ctx), await cleanTreeCheck(ctx)];
};

/** Why the module path and the version disagree on the major version, if they do. */
export function majorVersionProblem(modulePath: string, version: string): string | undefined {
  const parsed = semver.parse(version.replace(/^v/, ''));
  if (!parsed) return `\`${version}\` is not a semantic version (Go needs vMAJOR.MINOR.PATCH)`;
  const major = parsed.major;
  const gopkg = /^gopkg\.in\/.*\.v(\d+)$/.exec(modulePath);
  if (gopkg) return Number(gopkg[1]) === major ? undefined : `gopkg.in path \`${modulePath}\` is for v${gopkg[1]}, but the version is ${version}`;
  const suffix = /\/v(\d+)$/.exec(modulePath);
  if (suffix && Number(suffix[1]) >= 2) {
    return Number(suffix[1]) === major ? undefined : `module path \`${modulePath}\` ends in /v${suffix[1]}, but the version is ${version} (major ${major})`;
  }
  return major >= 2
    ? `version ${version} is major ${major}, but module path \`${modulePath}\` has no /v${major} suffix; Go would refuse the tag (+incompatible)`
    : undefined;
}

function majorVersionCheck(ctx: ReadinessContext): Check {
  const modulePath = ctx.target.manifest.go?.modulePath ?? ctx.target.manifest.name;
  const problem = majorVersionProblem(modulePath, ctx.target.version);
  if (!problem) return pass('go.major-version', `module path \`${modulePath}\` agrees with version ${ctx.target.version}`);
  const major = semver.parse(ctx.target.version.replace(/^v/, ''))?.major;
  return fail(
    'go.major-version',
    problem,
    major !== undefined && major >= 2
      ? `change the module line in ${ctx.target.manifest.file} to \`module ${modulePath.replace(/\/v\d+$/, '')}/v${major}\` (and the imports that use it), or release a v0/v1 version`
      : `remove the /vN suffix from the module path in ${ctx.target.manifest.file}, or release a matching major version`,
  );
}

function git(ctx: ReadinessContext, args: string[]): Promise<CommandResult> {
  // GIT_OPTIONAL_LOCKS=0: `git status` must not even refresh the index.
  return ctx.runner.run({ command: 'git', args, cwd: ctx.target.manifest.dir, env: { GIT_OPTIONAL_LOCKS: '0' } });
}

const notGit = (r: CommandResult) => Boolean(r.spawnError) || /not a git repository/i.test(r.stderr);

async function commitOf(ctx: ReadinessContext, rev: string): Promise<string | undefined> {
  const r = await git(ctx, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

/** `<sha>\trefs/tags/<tag>` lines; the peeled `^{}` line (annotated tags) names the commit. */
export function remoteTagCommit(lsRemote: string, tag: string): string | undefined {
  let direct: string | undefined;
  for (const line of lsRemote.split(/\r?\n/)) {
    const [sha, ref] = line.trim().split(/\s+/);
    if (ref === `refs/tags/${tag}^{}`) return sha;
    if (ref === `refs/tags/${tag}`) direct = sha;
  }
  return direct;
}

/** The tag and remote git will be given, or the guard's refusal as a failed check (before git runs). */
function tagAndRemote(ctx: ReadinessContext): { tag: string; remote: string } | Check {
  try {
    const tag = assertSafeArg(goTagFor(ctx.target.manifest, ctx.target.version), {
      source: `${packageTable(ctx.target.pkg.id)} path`,
      what: 'the git tag',
      tool: 'git',
    });
    return { tag, remote: goRemote(ctx.env) };
  } catch (error) {
    if (!isMonochangeError(error)) throw error;
    return fail('go.tag-free', error.problem, error.details.fix ?? `fix ${error.details.key ?? 'the value'} and run readiness again`);
  }
}

async function tagFreeCheck(ctx: ReadinessContext): Promise<Check> {
  const target = tagAndRemote(ctx);
  if ('status' in target) return target;
  const { tag, remote: remoteArg } = target;
  const remoteName = stripUserinfo(remoteArg);
  const listed = await git(ctx, ['tag', '-l', '--', tag]);
  if (notGit(listed))
    return fail(
      'go.tag-free',
      `cannot look for tag \`${tag}\`: ${firstLines(listed.spawnError ?? listed.stderr) || 'git failed'}`,
      'run from a git clone of the repository with git installed',
    );
  const head = await commitOf(ctx, 'HEAD');
  const short = (sha: string) => sha.slice(0, 12);
  // A job started by the release tag finds it at this commit: publish pushes it if needed and asks the proxy.
  const taken = (where: string, sha: string) =>
    sha === head
      ? pass(
          'go.tag-free',
          `tag \`${tag}\` already exists ${where} at this commit (${short(sha)}); publish will ${where === 'locally' ? `push it to \`${remoteName}\` and ` : ''}ask the Go proxy for ${ctx.target.name} ${ctx.target.version} without re-creating it`,
        )
      : fail(
          'go.tag-free',
          `tag \`${tag}\` already exists ${where} at ${short(sha)}, not at this commit (${head ? short(head) : 'no HEAD'}); Go versions are permanent, so ${ctx.target.name} ${ctx.target.version} cannot be released from here`,
          `release a new version instead; only delete \`${tag}\` if it was never pushed or fetched by anyone`,
        );
  const local = listed.stdout
    .split(/\r?\n/)
    .map((l) => l.trim())
    .includes(tag)
    ? await commitOf(ctx, `refs/tags/${tag}`)
    : undefined;
  if (local) return taken('locally', local);
  const remote = await git(ctx, ['ls-remote', '--tags', '--', remoteArg, `refs/tags/${tag}`]);
  if (remote.exitCode !== 0 || remote.spawnError) {
    return warn(
      'go.tag-free',
      `tag \`${tag}\` is free locally, but the remote was not checked: ${commandFailure(`git ls-remote ${remoteName}`, { ...remote, stdout: '' })}`,
      `make \`${remoteName}\` reachable from this job (or set ${GO_REMOTE_ENV}) and run readiness again`,
    );
  }
  const remoteSha = remoteTagCommit(remote.stdout, tag);
  if (remoteSha) return taken(`on \`${remoteName}\``, remoteSha);
  return pass('go.tag-free', `tag \`${tag}\` is free locally and on \`${remoteName}\``);
}

async function cleanTreeCheck(ctx: ReadinessContext): Promise<Check> {
  const status = await git(ctx, ['status', '--porcelain', '--untracked-files=normal']);
  if (notGit(status) || status.exitCode !== 0) {
    return fail('go.clean-tree', commandFailure('git status', { ...status, stdout: '' }), 'run from a git clone of the repository with git installed');
  }
  // Our own artifacts (.monochange/…) do not count.
  const dirty = status.stdout
    .split(/\r?\n/)
    .filter((l) => l.trim())
    .map((l) => l.slice(3).replace(/^"|"$/g, ''))
    .filter((p) => !/(^|\/)\.monochange(\/|$)/.test(p));
  if (dirty.length === 0) return pass('go.clean-tree', 'the working tree is clean');
  return fail(
    'go.clean-tree',
    `the working tree has ${dirty.length} uncommitted change(s) (${listOf(dirty.slice(0, 5))}${dirty.length > 5 ? ', …' : ''}); the tag would name a commit without them`,
    'commit or discard the changes (or add build outputs to .gitignore) before releasing',
  );
}
