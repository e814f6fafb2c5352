import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../src/core/config';
import { publishResultSchema } from '../src/core/run/artifact-schema';

/**
 * The README is tested: every TOML block is a valid monochange.toml, the JSON artifact example
 * matches the published schema, and every command it shows is run by a test (or CI).
 */
const root = path.resolve(__dirname, '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const blocks = (lang: string) => [...readme.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);

describe('README', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-readme-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('has TOML examples', () => {
    expect(blocks('toml').length).toBeGreaterThanOrEqual(3);
  });

  it.each(blocks('toml').map((b, i) => [i + 1, b]))('TOML block %i is a valid monochange.toml', (_n, text) => {
    expect(() => parseConfig(text as string, { file: 'README.md', root: tmp, checkPaths: false })).not.toThrow();
  });

  it('the publish-result example matches the artifact schema', () => {
    const [json] = blocks('json');
    expect(publishResultSchema.safeParse(JSON.parse(json)).success).toBe(true);
  });

  /** Commands that cannot run inside the test suite, and what runs them instead. */
  const RUN_ELSEWHERE: Record<string, (text: string) => boolean> = {
    // .ci/run is this exact sequence; CI runs it on every submission.
    'npm ci && npm test': () => /npm ci[^\n]*\n(.*\n)*npm test/.test(fs.readFileSync(path.join(root, '.ci/run'), 'utf8')),
    // e2e/demo.spec.ts runs the demo driver `npm run demo` starts.
    'npm ci && npm run demo': () => fs.readFileSync(path.join(root, 'e2e/demo.spec.ts'), 'utf8').includes("'scripts/demo.js'"),
    // Needs @monochange/nx on a public registry; it installs the package and runs the init generator, which the e2e runs.
    'nx add @monochange/nx': (sources) => sources.includes("'g', '@monochange/nx:init'"),
  };

  it('every command it shows is run by a test', () => {
    const sources = fs
      .readdirSync(path.join(root, 'e2e'))
      .filter((f) => f.endsWith('.spec.ts'))
      .map((f) => fs.readFileSync(path.join(root, 'e2e', f), 'utf8'))
      .join('\n');
    const commands = blocks('sh').flatMap((b) =>
      b
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#')),
    );
    expect(commands.length).toBeGreaterThanOrEqual(6);
    for (const command of commands) {
      if (RUN_ELSEWHERE[command]) {
        expect([command, RUN_ELSEWHERE[command](sources)]).toEqual([command, true]);
        continue;
      }
      const args = command.replace(/^npx nx /, '').split(/\s+/);
      const asArray = args.map((a) => `'${a}'`).join(', ');
      expect([command, sources.includes(asArray)]).toEqual([command, true]);
    }
  });
});
