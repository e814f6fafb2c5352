import * as fc from 'fast-check';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'smol-toml';
import { isMonochangeError } from '../errors';
import { parseConfig } from './index';

const file = path.join(os.tmpdir(), 'monochange.toml');
const options = { file, root: os.tmpdir(), checkPaths: false };

/** Either a config, or a MonochangeError naming the file and carrying a fix: never a bare crash. */
function parseOutcome(text: string): 'ok' | 'user-error' {
  try {
    parseConfig(text, options);
    return 'ok';
  } catch (error) {
    if (!isMonochangeError(error)) throw error;
    expect(error.message.startsWith(file)).toBe(true);
    expect(error.details.fix).toBeTruthy();
    return 'user-error';
  }
}

const key = fc.constantFrom(
  'enabled',
  'mode',
  'registry',
  'trusted_publishing',
  'attestations',
  'placeholder',
  'rate_limits',
  'path',
  'type',
  'version',
  'publish',
  'readme',
  'readme_file',
  'enforce',
  'workflow',
  'repository',
  'environment',
  'repository_id',
  'owner',
  'repo',
  'branches',
  'issuer',
  'timeout_ms',
  'zzz',
);
const scalar = fc.oneof(
  fc.boolean(),
  fc.integer({ min: -5, max: 100 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom('npm', 'cargo', 'builtin', 'external', 'crates.io', 'publish.yml', 'a/b', '', '../x', 'http://x'),
);
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, scalar, fc.array(scalar, { maxLength: 2 }), tie('table')),
  table: fc.dictionary(key, tie('node'), { maxKeys: 4 }),
})).node;

const document = fc.record(
  {
    source: fc.dictionary(key, value, { maxKeys: 4 }),
    package: fc.dictionary(fc.constantFrom('web', 'api', 'bad id'), fc.dictionary(key, value, { maxKeys: 4 }), { maxKeys: 2 }),
    ecosystems: fc.dictionary(fc.constantFrom('npm', 'cargo', 'rust'), fc.dictionary(key, value, { maxKeys: 3 }), { maxKeys: 2 }),
    lookup: fc.dictionary(key, scalar, { maxKeys: 3 }),
  },
  { requiredKeys: [] },
);

describe('parseConfig on generated input', () => {
  it('turns any TOML document into a config or a MonochangeError', () => {
    fc.assert(
      fc.property(document, (doc) => {
        parseOutcome(stringify(doc));
      }),
      { numRuns: 300, seed: 20240611 },
    );
  });

  it('turns arbitrary text into a config or a MonochangeError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        parseOutcome(text);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('is deterministic: the same bad input gives the same message', () => {
    fc.assert(
      fc.property(document, (doc) => {
        const text = stringify(doc);
        const first = messageOf(text);
        expect(messageOf(text)).toBe(first);
      }),
      { numRuns: 100, seed: 99 },
    );
  });
});

function messageOf(text: string): string {
  try {
    parseConfig(text, options);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}
