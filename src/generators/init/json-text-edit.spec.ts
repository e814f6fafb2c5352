import { setJsonValue } from './json-text-edit';

describe('setJsonValue', () => {
  it('appends to a compact array on its line and to a multi-line array on a new line', () => {
    expect(setJsonValue('{ "plugins": ["a"] }', ['plugins'], ['a', 'b'])).toBe('{ "plugins": ["a", "b"] }');
    expect(setJsonValue('{\n  "plugins": [\n    "a"\n  ]\n}', ['plugins'], ['a', 'b'])).toBe('{\n  "plugins": [\n    "a",\n    "b"\n  ]\n}');
    expect(setJsonValue('{ "plugins": [] }', ['plugins'], ['a'])).toBe('{ "plugins": ["a"] }');
  });

  it('creates missing keys and objects, keeping comments and the indentation unit', () => {
    expect(setJsonValue('{\n    "a": 1 // one\n}', ['t', 'k'], { executor: 'x' })).toBe(
      '{\n    "a": 1, // one\n    "t": {\n        "k": {\n            "executor": "x"\n        }\n    }\n}',
    );
    expect(setJsonValue('{}', ['a'], 1)).toBe('{\n  "a": 1\n}');
    expect(setJsonValue('{\n  "a": 1,\n}', ['b'], 2)).toBe('{\n  "a": 1,\n  "b": 2\n}');
  });

  it('reads past block and line comments, and leaves `//` and `,}` inside strings alone', () => {
    expect(setJsonValue('{ /* c */ "u": "http://x,}", // d\n "a": 1 }', ['a'], 2)).toBe('{ /* c */ "u": "http://x,}", // d\n "a": 2 }');
  });

  it('adds a key to an existing object and replaces changed scalars only', () => {
    expect(setJsonValue('{"t": {"k": {"cache": true}}}', ['t', 'k'], { executor: 'x', cache: true })).toBe('{"t": {"k": {"cache": true, "executor": "x"}}}');
    expect(setJsonValue('{"a": 1, "b": [1]}', [], { a: 2, b: [1] })).toBe('{"a": 2, "b": [1]}');
    expect(setJsonValue('{"a": 1}', ['a'], 1)).toBe('{"a": 1}');
  });

  it('replaces an array item that changed, keeping the others', () => {
    const text = '{"d": [{"filter": {"x": 1}}, {"cache": false}]}';
    expect(setJsonValue(text, ['d'], [{ filter: { x: 1 } }, { executor: 'e', cache: false }])).toBe(
      '{"d": [{"filter": {"x": 1}}, {"cache": false, "executor": "e"}]}',
    );
  });

  it('throws when the text has another shape at the path', () => {
    expect(() => setJsonValue('{"a": 1}', ['a', 'b'], 1)).toThrow(/another shape/);
    expect(() => setJsonValue('{"a": ', ['a'], 1)).toThrow(/not valid JSON/);
  });
});
