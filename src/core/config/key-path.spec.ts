import * as fc from 'fast-check';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { describeTable, formatKeyPath, packageTable } from './key-path';
import { parseConfig } from './parse-config';
import { PACKAGE_ID_PATTERN } from './schema';

describe('packageTable', () => {
  it('quotes scoped ids so the header is valid TOML for that package', () => {
    const header = packageTable('@acme/core', 'publish', 'trusted_publishing');
    expect(header).toBe('[package."@acme/core".publish.trusted_publishing]');
    const table = parseToml(`${header}\nworkflow = "publish.yml"\n`);
    expect(table).toEqual({ package: { '@acme/core': { publish: { trusted_publishing: { workflow: 'publish.yml' } } } } });
  });

  it('leaves bare ids bare', () => {
    expect(packageTable('web')).toBe('[package.web]');
    expect(packageTable('rust:core', 'publish')).toBe('[package."rust:core".publish]');
  });

  it('pasted under a declared package, any valid id addresses that package', () => {
    const idChar = fc.constantFrom(...'abcXYZ019_.@/:-'.split(''));
    const id = fc.string({ unit: idChar, minLength: 1, maxLength: 12 }).filter((s) => PACKAGE_ID_PATTERN.test(s));
    fc.assert(
      fc.property(id, (pkgId) => {
        const text = `${packageTable(pkgId)}\npath = "packages/x"\ntype = "npm"\n${packageTable(pkgId, 'publish')}\nenabled = false\n`;
        const config = parseConfig(text, { file: path.join(os.tmpdir(), 'monochange.toml'), root: os.tmpdir(), checkPaths: false });
        expect(config.packages.map((p) => [p.id, p.publish.enabled])).toEqual([[pkgId, false]]);
      }),
      { numRuns: 200, seed: 3 },
    );
  });
});

describe('describeTable', () => {
  it('names entries of arrays of tables by their [[header]]', () => {
    expect(describeTable(['cli', 'release', 'steps', 0])).toBe('entry 1 of `[[cli.release.steps]]`');
    expect(describeTable(['package', '@a/b'])).toBe('`[package."@a/b"]`');
    expect(formatKeyPath(['package', '@a/b', 'path'])).toBe('package."@a/b".path');
  });
});
