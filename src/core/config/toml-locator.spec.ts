import { parseConfig } from './parse-config';
import { TomlKeyLocator } from './toml-locator';

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

  it('prefers an explicit header over a table implied by an earlier longer header', () => {
    const l = new TomlKeyLocator('[package.web.publish]\nenabled = true\n[package.web]\npath = "x"\n');
    expect(l.locate(['package', 'web'])).toEqual({ line: 3, column: 2 });
    expect(l.locate(['package'])).toEqual({ line: 1, column: 2 });
  });
});

describe('TomlKeyLocator in parseConfig', () => {
  // `scan` is private; spying on it is the only way to see whether positions were computed.
  const scan = () => jest.spyOn(TomlKeyLocator.prototype as unknown as { scan(lines: string[]): void }, 'scan');
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
});
