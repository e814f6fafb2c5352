import { parseWorkflowRef } from './workflow-ref';

const SHA = '0123456789abcdef0123456789abcdef01234567';

describe('parseWorkflowRef', () => {
  it.each([
    ['acme/widgets/.github/workflows/publish.yml@refs/heads/main', 'acme/widgets', 'publish.yml', 'publish.yml', 'refs/heads/main'],
    ['acme/widgets/.github/workflows/publish.yaml@refs/tags/v1.0.0', 'acme/widgets', 'publish.yaml', 'publish.yaml', 'refs/tags/v1.0.0'],
    [`acme/widgets/.github/workflows/publish.yml@${SHA}`, 'acme/widgets', 'publish.yml', 'publish.yml', SHA],
    ['Acme-Org/my.repo_x/.github/workflows/release.yml@refs/pull/12/merge', 'Acme-Org/my.repo_x', 'release.yml', 'release.yml', 'refs/pull/12/merge'],
    ['acme/widgets/.github/workflows/release/publish.yml@refs/heads/main', 'acme/widgets', 'release/publish.yml', 'publish.yml', 'refs/heads/main'],
    ['acme/widgets/.github/workflows/a/b/deep.yaml@refs/heads/main', 'acme/widgets', 'a/b/deep.yaml', 'deep.yaml', 'refs/heads/main'],
    // `@` inside the file name: the name runs to the last `.yml@` of its segment.
    ['acme/widgets/.github/workflows/pub@lish.yml@refs/heads/main', 'acme/widgets', 'pub@lish.yml', 'pub@lish.yml', 'refs/heads/main'],
    // lookalike: never `release.yml` with a clean ref
    ['acme/widgets/.github/workflows/release.yml@evil.yml@refs/heads/main', 'acme/widgets', 'release.yml@evil.yml', 'release.yml@evil.yml', 'refs/heads/main'],
    // `@` inside the branch name stays in the ref
    ['acme/widgets/.github/workflows/basic.yml@refs/heads/misleading@branch.yml', 'acme/widgets', 'basic.yml', 'basic.yml', 'refs/heads/misleading@branch.yml'],
    ['acme/widgets/.github/workflows/foo.yml.yml@refs/heads/main', 'acme/widgets', 'foo.yml.yml', 'foo.yml.yml', 'refs/heads/main'],
  ])('%s', (ref, repository, workflowPath, workflowFile, gitRef) => {
    expect(parseWorkflowRef(ref)).toEqual({ repository, workflowPath, workflowFile, ref: gitRef });
  });

  it.each([
    ['empty', ''],
    ['undefined', undefined],
    ['no separator', 'bad-value'],
    ['missing @', 'acme/widgets/.github/workflows/publish.yml'],
    ['empty ref', 'acme/widgets/.github/workflows/publish.yml@'],
    ['double @', 'acme/widgets/.github/workflows/publish.yml@@'],
    ['lookalike ref that is a file, not a ref', 'acme/widgets/.github/workflows/release.yml@evil.yml'],
    ['wrong suffix', 'acme/widgets/.github/workflows/publish.json@refs/heads/main'],
    ['bare extension', 'acme/widgets/.github/workflows/.yml@refs/heads/main'],
    ['not under .github/workflows', 'acme/widgets/workflows/publish.yml@refs/heads/main'],
    ['extra path before .github', 'acme/widgets/sub/.github/workflows/publish.yml@refs/heads/main'],
    ['missing owner', '/widgets/.github/workflows/publish.yml@refs/heads/main'],
    ['path traversal', 'acme/widgets/.github/workflows/../secrets.yml@refs/heads/main'],
    ['empty segment', 'acme/widgets/.github/workflows//publish.yml@refs/heads/main'],
    ['whitespace', 'acme/widgets/.github/workflows/pub lish.yml@refs/heads/main'],
    ['short sha', 'acme/widgets/.github/workflows/publish.yml@0123abc'],
    ['only the file', 'publish.yml@refs/heads/main'],
  ])('rejects %s', (_label, ref) => {
    expect(parseWorkflowRef(ref)).toBeUndefined();
  });
});
