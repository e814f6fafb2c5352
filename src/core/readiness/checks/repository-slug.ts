/**
 * `owner/repo` (or `group/sub/project`) from a repository URL in any form npm accepts:
 * `git+https://github.com/o/r.git`, `https://github.com/o/r`, `git@github.com:o/r.git`,
 * `ssh://git@github.com/o/r.git`, `git://github.com/o/r.git`, `github:o/r`, `gitlab:g/p`, `o/r`.
 */
export function repositorySlug(url: string): string | undefined {
  let text = url.trim().replace(/^git\+/, '');
  if (!text) return undefined;
  const shorthand = /^(github|gitlab|bitbucket|gist):(.+)$/i.exec(text);
  if (shorthand) text = shorthand[2];
  else {
    const scp = /^[^@/\s]+@([^:/\s]+):(.+)$/.exec(text);
    if (scp) text = scp[2];
    else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
      try {
        text = new URL(text).pathname;
      } catch {
        return undefined;
      }
    }
  }
  const slug = text
    .replace(/[#?].*$/, '')
    .replace(/^\/+|\/+$/g, '')
    .replace(/\.git$/i, '');
  const parts = slug.split('/').filter(Boolean);
  // `github.com/o/r` without a scheme: the first segment is the host.
  if (parts.length >= 3 && parts[0].includes('.') && !/^[a-z][a-z0-9+.-]*:/i.test(url.trim())) parts.shift();
  return parts.length >= 2 ? parts.join('/') : undefined;
}

/** Case-insensitive comparison of two repository references (GitHub and GitLab paths are case-insensitive). */
export function sameRepository(url: string, expected: string): boolean {
  const slug = repositorySlug(url);
  const want = repositorySlug(expected) ?? expected;
  return slug !== undefined && slug.toLowerCase() === want.toLowerCase();
}
