import * as fc from 'fast-check';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'smol-toml';
import { commonShape } from './common-shape';
import { configSchema } from './schema';

/** Deep equality with keys compared as sets (the schema lists a table's keys in its own order). */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** The rule: what the zod schema outputs, or undefined (never a table the schema would refuse or read otherwise). */
function expectAgrees(table: Record<string, unknown>): unknown {
  const common = commonShape(table);
  if (common !== undefined) {
    const validated = configSchema.safeParse(table);
    if (!validated.success) throw new Error(`accepted a table the schema refuses: ${JSON.stringify(table)}\n${validated.error.message}`);
    expect(canonical(common)).toEqual(canonical(validated.data));
  }
  return common;
}

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

describe('commonShape', () => {
  it('checks the configs the generators and the benchmarks write, with the schema’s result', () => {
    const texts = [
      '[source]\nprovider = "github"\nowner = "acme"\nrepo = "widgets"\n\n[package.web]\npath = "packages/web"\ntype = "npm"\n\n[package."@scope/x"]\npath = "x"\n',
      '[defaults]\npackage_type = "cargo"\n[package.core]\npath = "crates/core"\nversion = "1.2.3"\npublish = false\n',
      '[ecosystems.npm.publish.trusted_publishing]\nenabled = true\nrepository = "acme/widgets"\nworkflow = "publish.yml"\nenvironment = "release"\nrepository_id = "123"\nrepository_owner_id = 456\n\n[ecosystems.npm.publish.attestations]\nrequire_registry_provenance = false\n',
      '[ecosystems.cargo]\npublish = true\npublish_order = { dependency_fields = ["dependencies"] }\n[lookup]\ntimeout_ms = 1000\nretries = 0\nconcurrency = 4\n',
      '[source]\nowner = "o"\nrepo = "r"\nhost = "https://gitlab.example.com"\n[source.releases]\nbranches = ["main", "release/*"]\nenforce_for_publish = false\n[source.oidc]\nissuer = "https://token.actions.githubusercontent.com/acme"\n',
      '[package.web]\npath = "web"\n[package.web.publish]\nmode = "external"\nregistry = "internal"\nplaceholder = { readme_file = "README.md" }\nrate_limits = { enforce = true }\ntimeout = { timeout_seconds = 30, retries = 2 }\n',
    ];
    for (const text of texts) expect(expectAgrees(parse(text))).toBeDefined();
  });

  it('leaves to the schema every key outside the common shape and every value it does not accept', () => {
    const texts = [
      '[group.main]\npackages = ["a"]\n',
      '[package.web]\npath = "web"\ntag = true\n',
      '[package.web]\ntype = "npm"\n', // no path
      '[package.web]\npath = ""\n',
      '[package.web]\npath = "web"\ntype = "rust"\n',
      '[package.web]\npath = "web"\nversion = "1 2"\n',
      '[source]\nowner = "o"\n', // no repo
      '[source]\nowner = "o"\nrepo = "a/b"\n',
      '[source]\nowner = "o"\nrepo = "r"\napi_url = "https://x"\n',
      '[source]\nowner = "o"\nrepo = "r"\nhost = "http://x"\n',
      '[source.releases]\nbranches = []\n',
      '[ecosystems.flutter]\nenabled = true\n',
      '[ecosystems.npm]\nroots = ["x"]\n',
      '[ecosystems.npm.publish]\nmode = "custom"\n',
      '[ecosystems.npm.publish.trusted_publishing]\nrepository_id = "12a"\n',
      '[ecosystems.npm.publish.trusted_publishing]\nrepository_id = -1\n',
      '[ecosystems.npm.publish.trusted_publishing]\nworkflow = ".github/workflows/x.yml"\n',
      '[ecosystems.npm.publish_order]\n',
      '[lookup]\ntimeout_ms = 0\n',
      '[lookup]\nretries = 1.5\n',
      '[lookup]\nretries = 1979-05-27\n',
      'changelog = true\n',
    ];
    for (const text of texts) expect(expectAgrees(parse(text))).toBeUndefined();
  });

  it('agrees with the schema on the monochange.toml corpus and the fixtures', () => {
    const files: string[] = [];
    const corpus = path.join(REPO_ROOT, '..', 'shared', 'reference', 'monochange-toml-corpus');
    if (fs.existsSync(corpus)) files.push(...fs.readdirSync(corpus).map((name) => path.join(corpus, name)));
    for (const dir of ['src/plugin/__fixtures__/workspace', 'src/plugin/__fixtures__/deno-workspace', 'src/core/manifests/__fixtures__/workspace']) {
      files.push(path.join(REPO_ROOT, dir, 'monochange.toml'));
    }
    for (const file of files.filter((f) => f.endsWith('.toml'))) expectAgrees(parse(fs.readFileSync(file, 'utf8')));
  });

  it('on generated tables: the schema’s result, or undefined', () => {
    // Mostly values of the right shape, sometimes a wrong one, a wrong type or an unknown key.
    const odd = fc.oneof(
      fc.boolean(),
      fc.integer({ min: -2, max: 3 }),
      fc.constantFrom(1.5, 2 ** 53, -0, '', 'a b', 'x', [], ['a'], [1], {}, { zzz: 1 }, new Date(0)),
    );
    const mostly = (good: fc.Arbitrary<unknown>) => fc.oneof({ weight: 40, arbitrary: good }, { weight: 1, arbitrary: odd });
    const tableOf = (keys: Record<string, fc.Arbitrary<unknown>>) =>
      fc.oneof(
        { weight: 40, arbitrary: fc.record(keys, { requiredKeys: [] }) },
        { weight: 1, arbitrary: fc.record({ ...keys, zzz: odd }, { requiredKeys: ['zzz'] }) },
        { weight: 1, arbitrary: odd },
      );
    const text = (good: string[], bad: string[] = []) =>
      mostly(
        bad.length > 0
          ? fc.oneof({ weight: 20, arbitrary: fc.constantFrom(...good) }, { weight: 1, arbitrary: fc.constantFrom(...bad) })
          : fc.constantFrom(...good),
      );
    const whole = fc.integer({ min: -1, max: 40 });
    const publishTable = tableOf({
      enabled: mostly(fc.boolean()),
      mode: text(['builtin', 'external'], ['custom']),
      registry: text(['npm', 'crates_io', 'internal']),
      trusted_publishing: fc.oneof(
        mostly(fc.boolean()),
        tableOf({
          enabled: mostly(fc.boolean()),
          repository: text(['acme/widgets'], ['acme', 'https://github.com/a/b']),
          workflow: text(['publish.yml', 'release.yaml'], ['.github/workflows/x.yml']),
          environment: text(['release'], ['']),
          repository_id: mostly(fc.oneof(whole, fc.constantFrom('123', '12a', '', '0'))),
          repository_owner_id: mostly(fc.oneof(whole, fc.constantFrom('7', ' 7'))),
          mode: text(['required', 'preferred'], ['optional']),
        }),
      ),
      attestations: tableOf({ require_registry_provenance: mostly(fc.boolean()) }),
      placeholder: tableOf({ readme: text(['# x'], ['']), readme_file: text(['README.md'], ['']) }),
      rate_limits: tableOf({ enforce: mostly(fc.boolean()) }),
      fail_on_duplicate: mostly(fc.boolean()),
      timeout: tableOf({ timeout_seconds: mostly(whole), retries: mostly(whole) }),
    });
    const publish = fc.oneof(mostly(fc.boolean()), publishTable);
    const ecosystem = tableOf({
      publish,
      publish_order: mostly(fc.record({ dependency_fields: mostly(fc.array(text(['dependencies'], ['']), { maxLength: 2 })) })),
    });
    const document = fc.record(
      {
        source: fc.record(
          {
            provider: text(['github', 'gitlab'], ['gh']),
            owner: text(['acme'], ['a b']),
            repo: text(['widgets'], ['a/b']),
            host: text(['gitlab.example.com', 'h:8443', 'https://g.example/x/'], ['http://g.example', 'https://u:p@g.example']),
            releases: tableOf({
              branches: mostly(fc.array(text(['main', 'release/*'], ['']), { maxLength: 2 })),
              enforce_for_publish: mostly(fc.boolean()),
              attestations: tableOf({ require_github_artifact_attestations: mostly(fc.boolean()) }),
            }),
            oidc: tableOf({ issuer: text(['https://token.example'], ['']) }),
          },
          { requiredKeys: ['owner', 'repo'] },
        ),
        defaults: tableOf({ package_type: text(['npm', 'cargo', 'flutter'], ['rust']) }),
        package: fc.dictionary(
          fc.constantFrom('web', 'api', '@s/x'),
          tableOf({ path: text(['web', 'crates/a'], ['']), type: text(['npm', 'cargo', 'go'], ['rust']), version: text(['1.0.0'], ['1 0']), publish }),
          { maxKeys: 3 },
        ),
        ecosystems: fc.oneof(
          { weight: 20, arbitrary: tableOf({ npm: ecosystem, cargo: ecosystem, go: ecosystem }) },
          { weight: 1, arbitrary: fc.constant({ flutter: { enabled: true } }) },
        ),
        lookup: tableOf({ timeout_ms: mostly(whole), retries: mostly(whole), concurrency: mostly(whole) }),
      },
      { requiredKeys: [] },
    );
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(document, (doc) => {
        if (expectAgrees(doc as Record<string, unknown>) !== undefined) accepted++;
        else refused++;
      }),
      { numRuns: 4000, seed: 20261202 },
    );
    expect(accepted).toBeGreaterThan(200);
    expect(refused).toBeGreaterThan(200);
  });
});
