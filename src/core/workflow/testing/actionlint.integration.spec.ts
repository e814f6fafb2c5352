import { actionlint } from './actionlint';

// Guards the zero-findings checks elsewhere: actionlint must really report problems.
describe('actionlint helper', () => {
  it('reports an unknown permission scope and a bad expression', async () => {
    const text = [
      'name: x',
      'on: push',
      'permissions:',
      '  id-tokens: write',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-24.04',
      '    steps:',
      '      - run: echo "${{ github.nope( }}"',
      '',
    ].join('\n');
    const findings = await actionlint(text);
    expect(findings.map((f) => f.line)).toEqual(expect.arrayContaining([4, 9]));
  });
});
