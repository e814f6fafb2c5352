import { stripJsonc } from './json-text';

describe('stripJsonc', () => {
  it('removes line and block comments but not // inside strings', () => {
    const text = '{\n  // note\n  "url": "https://x.dev/a//b", /* block\n comment */ "b": "/* not */"\n}';
    expect(JSON.parse(stripJsonc(text))).toEqual({ url: 'https://x.dev/a//b', b: '/* not */' });
  });

  it('removes trailing commas before } and ], also across comments', () => {
    expect(JSON.parse(stripJsonc('{"a": [1, 2,], "b": {"c": 1, // x\n},}'))).toEqual({ a: [1, 2], b: { c: 1 } });
  });

  it('keeps commas and brackets inside strings, including escaped quotes', () => {
    expect(JSON.parse(stripJsonc('{"a": "x,]", "b": "q\\",}"}'))).toEqual({ a: 'x,]', b: 'q",}' });
  });

  it('keeps every offset and newline so parse errors point into the original text', () => {
    const text = '{ /* c */ "a": 1, // d\n "b": 2, }';
    const out = stripJsonc(text);
    expect(out).toHaveLength(text.length);
    expect(out.indexOf('\n')).toBe(text.indexOf('\n'));
    expect(out.indexOf('"b"')).toBe(text.indexOf('"b"'));
  });

  it('leaves a comma that is followed by a value alone', () => {
    expect(JSON.parse(stripJsonc('[1, /* x */ 2]'))).toEqual([1, 2]);
  });
});
