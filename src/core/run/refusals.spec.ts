import { groupRefusals, refusalError, type Refusal } from './refusals';

const unverified = (project: string, id: string, registry: string): Refusal => ({
  project,
  id,
  registry,
  code: 'trust.identity-unverifiable',
  reason: `\`${id}\` requires trusted publishing from a CI job whose identity is proven by a signed OIDC token, but no CI provider was detected. No supported CI provider identity was detected for ${registry} trusted publishing. Run \`nx run-many -t publish\` from the configured CI workflow.`,
});

describe('grouped refusals', () => {
  it('one reason for many packages reads once, with the count, the project names and one fix on its own line', () => {
    const refusals = [unverified('@acme/core', 'core', 'npm'), unverified('@acme/web', 'web', 'npm'), unverified('acme-types', 'acme-types', 'crates_io')];
    const message = refusalError(refusals, 3, false, '.monochange/publish-result.json').message;
    expect(message).toContain('✖ no verified CI identity: 3 packages (@acme/core, @acme/web, acme-types)');
    expect(message.match(/requires trusted publishing from a CI job/g)).toHaveLength(1);
    expect(message.match(/fix: /g)).toHaveLength(1);
    expect(message).toMatch(/^ {4}fix: .*id-token: write/m);
    expect(message).not.toContain('Fix:');
    expect(message).toContain('the refusals are in .monochange/publish-result.json');
    // The package's own names are not in the shared wording.
    expect(message).not.toContain('`core`');
  });

  it('a reason only one package has keeps its own words and its own fix', () => {
    const manifest: Refusal = {
      project: 'go',
      id: 'go',
      registry: 'go_proxy',
      code: 'package.manifest',
      reason: 'package `go` has no version to publish',
      fix: 'set `version = "1.2.3"` under [package.go]',
    };
    const [group] = groupRefusals([manifest]);
    expect(group).toMatchObject({ projects: ['go'], detail: 'package `go` has no version to publish', fix: 'set `version = "1.2.3"` under [package.go]' });
  });

  it('different reasons stay apart; a dry run says the real run would be refused and nothing changed', () => {
    const token: Refusal = { project: 'a', id: 'a', registry: 'npm', code: 'trust.token-present', reason: '`a` refused: NPM_TOKEN is set' };
    const groups = groupRefusals([token, unverified('b', 'b', 'npm')]);
    expect(groups.map((g) => g.code)).toEqual(['trust.token-present', 'trust.identity-unverifiable']);
    const message = refusalError([token], 1, true).message;
    expect(message).toContain('dry run: the real run would be refused before any upload');
    expect(message).toContain('Nothing was changed.');
  });
});
