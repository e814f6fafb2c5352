import { parse } from 'smol-toml';
import { MonochangeError } from '../errors';
import { editTomlTables, type TomlTableEdit } from './toml-edit';

const TP = ['ecosystems', 'npm', 'publish', 'trusted_publishing'];
const setTp = (values: TomlTableEdit['values'], comment?: string[]): TomlTableEdit[] => [{ table: TP, values, comment }];

describe('editTomlTables', () => {
  it('appends a missing table at the end, with its comment', () => {
    const text = '# my config\n[source]\nowner = "acme" # the org\nrepo = "widgets"\n';
    const out = editTomlTables(text, setTp({ enabled: true, workflow: 'publish.yml' }, ['Trusted publishing.']));
    expect(out).toBe(`${text}\n# Trusted publishing.\n[ecosystems.npm.publish.trusted_publishing]\nenabled = true\nworkflow = "publish.yml"\n`);
  });

  it('writes into an empty file and into a file without final newline', () => {
    expect(editTomlTables('', setTp({ enabled: true }))).toBe('[ecosystems.npm.publish.trusted_publishing]\nenabled = true\n');
    expect(editTomlTables('[source]\nowner = "a"', setTp({ enabled: true }))).toBe(
      '[source]\nowner = "a"\n\n[ecosystems.npm.publish.trusted_publishing]\nenabled = true\n',
    );
  });

  it('replaces values in place, keeping trailing comments, order and spacing', () => {
    const text = [
      '# header',
      '[ecosystems.npm.publish.trusted_publishing]',
      'workflow   =   "old.yml"   # which file',
      '# the environment',
      'environment = "staging"',
      '',
      '[package.web]',
      'path = "packages/web"',
      '',
    ].join('\n');
    const out = editTomlTables(text, setTp({ workflow: 'publish.yml', environment: 'publisher' }));
    expect(out).toBe(text.replace('"old.yml"', '"publish.yml"').replace('"staging"', '"publisher"'));
  });

  it('inserts new keys after the last key of the table, matching its indentation', () => {
    const text = '[ecosystems.npm.publish.trusted_publishing]\n  enabled = true\n\n# next\n[package.web]\npath = "w"\n';
    const out = editTomlTables(text, setTp({ enabled: true, repository: 'acme/widgets' }));
    expect(out).toBe('[ecosystems.npm.publish.trusted_publishing]\n  enabled = true\n  repository = "acme/widgets"\n\n# next\n[package.web]\npath = "w"\n');
  });

  it('removes keys set to undefined', () => {
    const text = '[ecosystems.npm.publish.trusted_publishing]\nenabled = true\nenvironment = "publisher" # gone\nworkflow = "p.yml"\n';
    expect(editTomlTables(text, setTp({ environment: undefined }))).toBe('[ecosystems.npm.publish.trusted_publishing]\nenabled = true\nworkflow = "p.yml"\n');
    // Removing a key that is not there changes nothing.
    expect(editTomlTables(text.replace('environment = "publisher" # gone\n', ''), setTp({ environment: undefined }))).toBe(
      '[ecosystems.npm.publish.trusted_publishing]\nenabled = true\nworkflow = "p.yml"\n',
    );
  });

  it('gives the same bytes when the same edits are applied again', () => {
    const text = '# keep me\n[source]\nowner = "acme"\nrepo = "w"\n';
    const edits: TomlTableEdit[] = [
      { table: TP, values: { enabled: true, repository: 'acme/w', workflow: 'publish.yml', environment: 'publisher' }, comment: ['c'] },
      { table: ['ecosystems', 'npm', 'publish', 'attestations'], values: { require_registry_provenance: true } },
      { table: ['package', 'my.pkg', 'publish', 'trusted_publishing'], values: { workflow: 'publish-x.yml' } },
    ];
    const once = editTomlTables(text, edits);
    expect(editTomlTables(once, edits)).toBe(once);
    expect(once).toContain('[package."my.pkg".publish.trusted_publishing]');
  });

  it('finds headers written with spaces or quoted keys', () => {
    const text = '[ ecosystems . "npm" . publish . \'trusted_publishing\' ]\nenabled = false\n';
    expect(editTomlTables(text, setTp({ enabled: true }))).toBe(text.replace('false', 'true'));
  });

  it('turns a `trusted_publishing = <bool>` shorthand into the table', () => {
    const text = '[ecosystems.npm.publish]\nmode = "builtin"\ntrusted_publishing = false # was off\nregistry = "npm"\n';
    const out = editTomlTables(text, setTp({ enabled: true, workflow: 'publish.yml' }));
    expect(out).toBe(
      '[ecosystems.npm.publish]\nmode = "builtin"\nregistry = "npm"\n\n# was off\n[ecosystems.npm.publish.trusted_publishing]\nenabled = true\nworkflow = "publish.yml"\n',
    );
  });

  it('turns an inline table and dotted keys into the table, keeping their other keys', () => {
    const inline = '[ecosystems.npm.publish]\ntrusted_publishing = { enabled = true, environment = "prod" }\n';
    const out = editTomlTables(inline, setTp({ workflow: 'publish.yml' }));
    expect(parse(out)).toEqual({
      ecosystems: { npm: { publish: { trusted_publishing: { enabled: true, environment: 'prod', workflow: 'publish.yml' } } } },
    });
    const dotted = '[ecosystems.npm]\npublish.trusted_publishing.environment = "prod"\npublish.enabled = true\n';
    expect(parse(editTomlTables(dotted, setTp({ workflow: 'publish.yml' })))).toEqual({
      ecosystems: { npm: { publish: { enabled: true, trusted_publishing: { environment: 'prod', workflow: 'publish.yml' } } } },
    });
  });

  it('refuses to edit through an inline parent table, saying what to rewrite', () => {
    const text = '[ecosystems]\nnpm = { publish = { enabled = true } }\n';
    let error: unknown;
    try {
      editTomlTables(text, setTp({ enabled: true }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MonochangeError);
    expect((error as MonochangeError).message).toMatch(/^monochange\.toml:2: cannot add the table \[ecosystems\.npm\.publish\.trusted_publishing\]/);
    expect((error as MonochangeError).details.fix).toContain('rewrite that entry');
  });

  it('is not fooled by headers inside multi-line strings and arrays', () => {
    const text = [
      '[package.web]',
      'path = "w"',
      'notes = """',
      '[ecosystems.npm.publish.trusted_publishing]',
      'enabled = false',
      '"""',
      'list = [',
      '  "a", # [not a header]',
      '  "b",',
      ']',
      '',
    ].join('\n');
    const out = editTomlTables(text, setTp({ enabled: true }));
    expect(out.startsWith(text)).toBe(true);
    expect((parse(out) as any).ecosystems.npm.publish.trusted_publishing).toEqual({ enabled: true });
  });

  it('reports invalid TOML with the file and line', () => {
    expect(() => editTomlTables('[source]\nowner = \n', setTp({ enabled: true }), 'conf/monochange.toml')).toThrow(
      /^conf\/monochange\.toml:2(:\d+)?: not valid TOML before editing/,
    );
  });
});
