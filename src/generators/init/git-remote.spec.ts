import { originUrlFromGitConfig, parseRemoteUrl } from './git-remote';

describe('parseRemoteUrl', () => {
  it.each([
    ['https://github.com/acme/widgets.git', { provider: 'github', owner: 'acme', repo: 'widgets' }],
    ['https://github.com/acme/widgets', { provider: 'github', owner: 'acme', repo: 'widgets' }],
    ['https://x-access-token:not-a-real-token@github.com/acme/widgets.git', { provider: 'github', owner: 'acme', repo: 'widgets' }],
    ['git@github.com:acme/widgets.git', { provider: 'github', owner: 'acme', repo: 'widgets' }],
    ['git@github.com:acme/widgets', { provider: 'github', owner: 'acme', repo: 'widgets' }],
    ['ssh://git@github.com/acme/widgets.git', { provider: 'github', owner: 'acme', repo: 'widgets' }],
    ['ssh://git@ssh.github.com:443/acme/widgets.git', { provider: 'github', owner: 'acme', repo: 'widgets' }],
    ['https://gitlab.com/group/sub/project.git', { provider: 'gitlab', owner: 'group/sub', repo: 'project' }],
    ['git@gitlab.example.com:team/app.git', { provider: 'gitlab', owner: 'team', repo: 'app', host: 'gitlab.example.com' }],
    ['https://gitea.example.org:3000/team/app', { provider: 'gitea', owner: 'team', repo: 'app', host: 'gitea.example.org:3000' }],
    ['https://codeberg.org/team/app.git', { provider: 'forgejo', owner: 'team', repo: 'app', host: 'codeberg.org' }],
    ['git@bitbucket.org:team/app.git', { provider: 'bitbucket', owner: 'team', repo: 'app' }],
    ['https://git.example.com/team/app.git', { provider: 'other', owner: 'team', repo: 'app', host: 'git.example.com' }],
    ['https://github.example.com/team/app.git', { provider: 'github', owner: 'team', repo: 'app', host: 'github.example.com' }],
  ])('%s', (url, expected) => {
    expect(parseRemoteUrl(url)).toEqual(expected);
  });

  it.each(['/srv/git/app.git', 'file:///srv/git/app.git', 'https://github.com/acme', '../app'])('ignores %s', (url) => {
    expect(parseRemoteUrl(url)).toBeUndefined();
  });
});

describe('originUrlFromGitConfig', () => {
  it('reads the url of [remote "origin"] only', () => {
    const config = [
      '[core]',
      '\trepositoryformatversion = 0',
      '[remote "upstream"]',
      '\turl = git@github.com:other/fork.git',
      '[remote "origin"]',
      '\turl = git@github.com:acme/widgets.git',
      '\tfetch = +refs/heads/*:refs/remotes/origin/*',
      '[branch "main"]',
      '\tremote = origin',
    ].join('\n');
    expect(originUrlFromGitConfig(config)).toBe('git@github.com:acme/widgets.git');
    expect(originUrlFromGitConfig('[core]\n\tbare = false\n')).toBeUndefined();
  });
});
