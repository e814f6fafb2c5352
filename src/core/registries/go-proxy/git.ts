import type { Env } from '../../types';
import type { CommandRunner, CommandSpec } from '../../util/command';
import { runStep, type StepResult } from '../support/command-step';

/** Git never prompts for credentials here: a push without access fails instead of hanging. */
const NO_PROMPT = { GIT_TERMINAL_PROMPT: '0' };

export function git(cwd: string, args: string[], env: Env = {}): CommandSpec {
  return { command: 'git', args, cwd, env: { ...NO_PROMPT, ...env } };
}

// `--` ends git's options: a remote or tag after it is never read as one (`--upload-pack=…`).

/** `git push -- <remote> refs/tags/<tag>`. */
export function pushTagArgs(remote: string, tag: string): string[] {
  return ['push', '--', remote, `refs/tags/${tag}`];
}

/** `git tag -a -m <message> -- <tag> [<commit>]`. */
export function annotatedTagArgs(tag: string, message: string, commit?: string): string[] {
  return ['tag', '-a', '-m', message, '--', tag, ...(commit ? [commit] : [])];
}

export function deleteTagArgs(tag: string): string[] {
  return ['tag', '-d', '--', tag];
}

export class GitSession {
  constructor(
    private readonly runner: CommandRunner,
    private readonly cwd: string,
    private readonly env: Env,
  ) {}

  run(args: string[], extraEnv: Env = {}): Promise<StepResult> {
    return runStep(this.runner, git(this.cwd, args, extraEnv), this.env);
  }

  /** Exit 0 with the tag, 1 without; anything else is a failure to ask. */
  async localTag(tag: string): Promise<{ exists: boolean; step: StepResult }> {
    const step = await this.run(['rev-parse', '-q', '--verify', `refs/tags/${tag}`]);
    return { exists: step.exitCode === 0 && !step.spawnError, step };
  }

  /** Read-only: does the remote have the tag? `step` tells whether the question could be asked. */
  async remoteTag(remote: string, tag: string): Promise<{ exists: boolean; step: StepResult }> {
    const step = await this.run(['ls-remote', '--tags', '--', remote, `refs/tags/${tag}`]);
    return { exists: step.exitCode === 0 && step.stdout.trim() !== '', step };
  }

  /** Commit a ref points at (tags peeled), or undefined. */
  async commitOf(ref: string): Promise<string | undefined> {
    const step = await this.run(['rev-parse', '-q', '--verify', `${ref}^{commit}`]);
    return step.exitCode === 0 ? step.stdout.trim() : undefined;
  }

  /** Commit the remote's tag points at (peeled), or undefined when absent or not askable. */
  async remoteTagCommit(remote: string, tag: string): Promise<string | undefined> {
    const step = await this.run(['ls-remote', '--tags', '--', remote, `refs/tags/${tag}`, `refs/tags/${tag}^{}`]);
    if (step.exitCode !== 0) return undefined;
    const lines = step.stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(/\s+/));
    const peeled = lines.find(([, ref]) => ref.endsWith('^{}'));
    return (peeled ?? lines[0])?.[0];
  }

  /** The module dir relative to the repository root (`git rev-parse --show-prefix`), `/`-trimmed. */
  async repoPrefix(): Promise<{ prefix?: string; step: StepResult }> {
    const step = await this.run(['rev-parse', '--show-prefix']);
    return { prefix: step.exitCode === 0 ? step.stdout.trim().replace(/\/+$/, '') : undefined, step };
  }

  /**
   * Identity for annotated tags and commits: the user's when configured (env or git config),
   * else a neutral one, so CI runners without `user.name` can still tag.
   */
  async identityEnv(): Promise<Env> {
    if (this.env.GIT_COMMITTER_NAME && this.env.GIT_COMMITTER_EMAIL) return {};
    const name = await this.run(['config', '--get', 'user.name']);
    const email = await this.run(['config', '--get', 'user.email']);
    if (name.exitCode === 0 && email.exitCode === 0 && name.stdout && email.stdout) return {};
    const id = { name: 'monochange', email: 'monochange@localhost' };
    return { GIT_COMMITTER_NAME: id.name, GIT_COMMITTER_EMAIL: id.email, GIT_AUTHOR_NAME: id.name, GIT_AUTHOR_EMAIL: id.email };
  }
}
