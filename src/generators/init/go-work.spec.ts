import { goWorkUses } from './go-work';

describe('goWorkUses', () => {
  it('reads use lines and use blocks, with comments, quotes and other directives around them', () => {
    const text = [
      '// Development workspace.',
      'go 1.22',
      'toolchain go1.22.4',
      '',
      'use ./a // first',
      'use (',
      '\t.',
      '\t// ./commented',
      '\t./b',
      '\t"./with space"',
      '\t`./raw`',
      ')',
      'replace example.com/x => ./replaced',
      'replace (',
      '\texample.com/y v1.0.0 => ./replaced-too',
      ')',
      'godebug (',
      '\tdefault=go1.21',
      ')',
    ].join('\r\n');
    expect(goWorkUses(text)).toEqual(['./a', '.', './b', './with space', './raw']);
  });

  it('reads nothing from an empty block or an empty file', () => {
    expect(goWorkUses('go 1.22\nuse ()\n')).toEqual([]);
    expect(goWorkUses('')).toEqual([]);
  });
});
