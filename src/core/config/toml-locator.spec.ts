import { parseConfig } from './parse-config';
import { scanToml, TomlKeyLocator } from './toml-locator';

const text = [
  '# comment', // 1
  '[source]', // 2
  'owner = "acme"  # trailing', // 3
  '', // 4
  '[package."@scope/web"]', // 5
  '  path = "packages/web"', // 6
  'publish.trusted_publishing = { workflow = "p.yml", environment = "e" }', // 7
  "notes = '''", // 8
  '[not.a.table]', // 9
  "'''", // 10
  'list = [', // 11
  '  "a", # ]', // 12
  ']', // 13
  '[ package . web . publish ]', // 14
  '"quoted.key" = 1', // 15
  '[[arr]]', // 16
].join('\n');

describe('TomlKeyLocator', () => {
  const locator = new TomlKeyLocator(text);

  it('locates headers and keys with 1-based line and column', () => {
    expect(locator.locate(['source'])).toEqual({ line: 2, column: 2 });
    expect(locator.locate(['source', 'owner'])).toEqual({ line: 3, column: 1 });
    expect(locator.locate(['package', '@scope/web', 'path'])).toEqual({ line: 6, column: 3 });
    expect(locator.locate(['package', 'web', 'publish'])).toEqual({ line: 14, column: 3 });
    expect(locator.locate(['package', 'web', 'publish', 'quoted.key'])).toEqual({ line: 15, column: 1 });
    expect(locator.locate(['arr'])).toEqual({ line: 16, column: 3 });
  });

  it('locates dotted keys and keys inside inline tables', () => {
    expect(locator.locate(['package', '@scope/web', 'publish', 'trusted_publishing'])).toEqual({ line: 7, column: 1 });
    expect(locator.locate(['package', '@scope/web', 'publish', 'trusted_publishing', 'environment'])).toEqual({
      line: 7,
      column: 52,
    });
  });

  it('falls back to the nearest written ancestor for a missing key', () => {
    expect(locator.locate(['source', 'repo'])).toEqual({ line: 2, column: 2 });
    expect(locator.has(['source', 'repo'])).toBe(false);
    expect(locator.locate(['nothing'])).toBeUndefined();
  });

  it('skips multi-line strings and arrays', () => {
    expect(locator.has(['not', 'a', 'table'])).toBe(false);
    expect(locator.pathAtLine(9)).toEqual(['package', '@scope/web', 'notes']);
    expect(locator.pathAtLine(12)).toEqual(['package', '@scope/web', 'list']);
  });

  it('knows the key or table at a line', () => {
    expect(locator.pathAtLine(3)).toEqual(['source', 'owner']);
    expect(locator.pathAtLine(4)).toEqual(['source']);
    expect(locator.pathAtLine(1)).toEqual([]);
  });

  it('reads multi-line strings with escaped quotes and inside arrays, and inline tables over several lines', () => {
    const l = new TomlKeyLocator(
      ['t = """a\\"""', '[not.a.table]', '"""', 'k = [', "  '''x", "]''', 1,", ']', 'inline = {', '  a = 1,', '  b = { c = 2 },', '}', 'after = 1'].join('\n'),
    );
    expect(l.has(['not', 'a', 'table'])).toBe(false);
    expect(l.pathAtLine(2)).toEqual(['t']);
    expect(l.pathAtLine(6)).toEqual(['k']);
    expect(l.locate(['inline', 'b', 'c'])).toEqual({ line: 10, column: 9 });
    expect(l.pathAtLine(11)).toEqual(['inline']);
    expect(l.locate(['after'])).toEqual({ line: 12, column: 1 });
  });

  it('does not take keys of inline tables inside arrays for keys of the table', () => {
    const l = new TomlKeyLocator('[a]\nlist = [{ name = "x" }]\n');
    expect(l.has(['a', 'list', 'name'])).toBe(false);
    expect(l.locate(['a', 'list'])).toEqual({ line: 2, column: 1 });
  });

  it('prefers an explicit header over a table implied by an earlier longer header', () => {
    const l = new TomlKeyLocator('[package.web.publish]\nenabled = true\n[package.web]\npath = "x"\n');
    expect(l.locate(['package', 'web'])).toEqual({ line: 3, column: 2 });
    expect(l.locate(['package'])).toEqual({ line: 1, column: 2 });
  });
});

describe('scanToml', () => {
  it('gives offsets of headers, keys and values, for text edits', () => {
    const text = '# c\n[a]\n  b = "x" # note\nc.d = [\n 1,\n]\n';
    const statements = scanToml(text);
    expect(statements.map((s) => [s.kind, s.path, s.table, s.line, s.column, s.lastLine])).toEqual([
      ['table', ['a'], ['a'], 2, 2, 2],
      ['keyval', ['b'], ['a'], 3, 3, 3],
      ['keyval', ['c', 'd'], ['a'], 4, 1, 6],
    ]);
    const b = statements[1];
    expect([text.slice(b.start, b.end), text.slice(b.valueStart, b.valueEnd), b.indent]).toEqual(['  b = "x" # note\n', '"x"', '  ']);
    expect(text.slice(statements[2].valueStart, statements[2].valueEnd)).toBe('[\n 1,\n]');
  });

  it('reads past lines that are neither a header nor a key (text that does not parse)', () => {
    expect(scanToml('= 1\n[a]\nb "x"\nc = "open\nd = 1\n').map((s) => [s.kind, s.path, s.line])).toEqual([
      ['unknown', [], 1],
      ['table', ['a'], 2],
      ['keyval', ['b'], 3],
      ['keyval', ['c'], 4],
      ['keyval', ['d'], 5],
    ]);
  });
});

describe('TomlKeyLocator in parseConfig', () => {
  // `scan` is private; spying on it is the only way to see whether positions were computed.
  const scan = () => jest.spyOn(TomlKeyLocator.prototype as unknown as { scan(text: string): void }, 'scan');
  const options = { file: 'monochange.toml', root: '/work', checkPaths: false };

  it('does not scan a valid config for key positions (every graph computation parses one)', () => {
    const spy = scan();
    try {
      const config = parseConfig('[package.web]\npath = "packages/web"\ntype = "npm"\n', options);
      expect(config.packages.map((p) => p.id)).toEqual(['web']);
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  it('scans once when a problem needs its position', () => {
    const spy = scan();
    try {
      expect(() => parseConfig('[package.web]\npath = "packages/web"\ntype = "npm"\nbogus = 1\n', options)).toThrow(/^monochange\.toml:4:1: /);
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('names the key whose inline table is left open, not the next key, in a syntax error', () => {
    expect(() => parseConfig('[package.a]\npath = "a"\npublish = { enabled = false\n\n[package.b]\npath = "b"\n', options)).toThrow(
      /^monochange\.toml:5:1: invalid TOML at `package\.a\.publish`: /,
    );
  });
});
