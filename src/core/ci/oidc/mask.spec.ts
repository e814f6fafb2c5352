import { maskInGithubLog } from './mask';

describe('maskInGithubLog', () => {
  it('prints ::add-mask:: only on GitHub Actions', () => {
    const out: string[] = [];
    maskInGithubLog('fake.jwt.value', { GITHUB_ACTIONS: 'true' }, (t) => out.push(t));
    maskInGithubLog('fake.jwt.value', { GITHUB_ACTIONS: 'false' }, (t) => out.push(t));
    maskInGithubLog('fake.jwt.value', {}, (t) => out.push(t));
    expect(out).toEqual(['::add-mask::fake.jwt.value\n']);
  });

  it('never prints a value that would break out of the workflow command line', () => {
    const out: string[] = [];
    maskInGithubLog('fake\n::set-output name=x::y', { GITHUB_ACTIONS: 'true' }, (t) => out.push(t));
    expect(out).toEqual([]);
  });
});
