import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Makes `workspaceRoot` a git repository with one commit of everything in it (honouring its
 * .gitignore) on `main`, and `originUrl` (the world's bare repo) as `origin`, pushed. The Go
 * adapter later pushes its tags there. A workspace that already is a repository keeps its history:
 * only `origin` is (re)pointed and the current branch pushed. Returns the HEAD commit.
 */
export function initGitRepo(workspaceRoot: string, originUrl: string): string {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: workspaceRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  if (!fs.existsSync(path.join(workspaceRoot, '.git'))) {
    git('init', '--quiet', '--initial-branch=main');
    // A runner has no git identity of its own; give this repository one so tags and commits work anywhere.
    git('config', 'user.name', 'registry-world');
    git('config', 'user.email', 'registry-world@example.invalid');
    git('add', '-A');
    git('commit', '--quiet', '--allow-empty', '-m', 'initial commit');
  }
  const remotes = git('remote').split('\n');
  if (remotes.includes('origin')) git('remote', 'set-url', 'origin', originUrl);
  else git('remote', 'add', 'origin', originUrl);
  git('push', '--quiet', 'origin', 'HEAD');
  return git('rev-parse', 'HEAD');
}
