import { execFileSync } from 'node:child_process';
import type { Tree } from '@nx/devkit';
import type { SourceProvider } from '../../core/config/types';

/** What `[source]` should say, read from a git remote URL. */
export interface RemoteSource {
  provider: SourceProvider;
  owner: string;
  repo: string;
  /** Set for hosts other than the provider's public one. */
  host?: string;
}

const PUBLIC_HOSTS: Record<string, SourceProvider> = {
  'github.com': 'github',
  'ssh.github.com': 'github',
  'gitlab.com': 'gitlab',
  'altssh.gitlab.com': 'gitlab',
  'bitbucket.org': 'bitbucket',
};

const HOST_HINTS: [string, SourceProvider][] = [
  ['github', 'github'],
  ['gitlab', 'gitlab'],
  ['gitea', 'gitea'],
  ['forgejo', 'forgejo'],
  ['codeberg', 'forgejo'],
  ['bitbucket', 'bitbucket'],
];

/**
 * Reads a remote URL in any of git's forms: `https://host/o/r(.git)`, `ssh://git@host[:port]/o/r.git`
 * and scp-like `git@host:o/r(.git)`. Credentials in the URL are ignored. `undefined` for local paths
 * or URLs without an owner and a repository.
 */
export function parseRemoteUrl(url: string): RemoteSource | undefined {
  const trimmed = url.trim();
  let host: string;
  let path: string;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    let parsed: URL;
    try {
      parsed = new URL(trimmed);
    } catch {
      return undefined;
    }
    if (parsed.protocol === 'file:' || !parsed.hostname) return undefined;
    const webPort = (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.port ? `:${parsed.port}` : '';
    host = `${parsed.hostname}${webPort}`;
    path = decodeURIComponent(parsed.pathname);
  } else {
    const scp = /^(?:[^@\s/]+@)?([^:\s/]+):(?!\/)(.+)$/.exec(trimmed);
    if (!scp) return undefined;
    host = scp[1];
    path = scp[2];
  }
  const segments = path
    .replace(/\.git\/?$/, '')
    .split('/')
    .filter(Boolean);
  if (segments.length < 2) return undefined;
  const repo = segments[segments.length - 1];
  const owner = segments.slice(0, -1).join('/');
  const lowerHost = host.toLowerCase();
  const known = PUBLIC_HOSTS[lowerHost];
  if (known) return { provider: known, owner, repo };
  const hint = HOST_HINTS.find(([word]) => lowerHost.includes(word));
  return { provider: hint ? hint[1] : 'other', owner, repo, host: lowerHost };
}

/** The `url` of `[remote "origin"]` in a git config file. */
export function originUrlFromGitConfig(text: string): string | undefined {
  let inOrigin = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('[')) {
      inOrigin = /^\[\s*remote\s+"origin"\s*\]$/.test(line);
      continue;
    }
    if (!inOrigin) continue;
    const match = /^url\s*=\s*(.+)$/.exec(line);
    if (match) return match[1].trim().replace(/^"(.*)"$/, '$1');
  }
  return undefined;
}

/**
 * The `origin` remote of the workspace: `.git/config` at the workspace root (read through the
 * tree), else `git remote get-url origin` run in the workspace (worktrees, nested workspaces).
 */
export function readOriginUrl(tree: Tree): string | undefined {
  const config = tree.isFile('.git/config') ? tree.read('.git/config', 'utf-8') : null;
  if (config) return originUrlFromGitConfig(config);
  try {
    const out = execFileSync('git', ['remote', 'get-url', 'origin'], {
      cwd: tree.root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 10_000,
    });
    return out.trim() || undefined;
  } catch {
    return undefined;
  }
}

export function detectSource(tree: Tree): RemoteSource | undefined {
  const url = readOriginUrl(tree);
  return url ? parseRemoteUrl(url) : undefined;
}
