import fs from 'node:fs';
import path from 'node:path';
import { jsrRegistry } from '../../registries/jsr';
import type { CommandResult } from '../../util/command';
import { createJsrChecks, jsrChecks, JSR_DENO_ENV, parseDenoProblems } from './jsr';
import { clearToolVersionCache } from './tools';
import { makeContext, manifest, pkgConfig, recordingRunner, statuses, tempDir, writeFiles } from './testing/context';

const REPO_ROOT = path.resolve(__dirname, '../../../..');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
beforeEach(() => clearToolVersionCache());
// ts-morph loads TypeScript itself (through the swc transform in Jest): seconds, not milliseconds.
jest.setTimeout(60_000);

const TYPED =
  'export function add(a: number, b: number): number {\n  return a + b;\n}\nexport const answer = 42;\nexport class Box {\n  value: number = 1;\n  label = "box";\n  #secret = compute();\n  get size(): number {\n    return this.value;\n  }\n}\nfunction compute(): number {\n  return 1;\n}\n';
const SLOW =
  'export function add(a: number, b: number) {\n  return a + b;\n}\nexport const twice = (n: number) => n * 2;\nexport class Box {\n  value = compute();\n  private hidden = compute();\n  area() {\n    return 1;\n  }\n}\nfunction compute(): number {\n  return 1;\n}\n';

interface Setup {
  json?: Record<string, unknown>;
  mod?: string;
  root?: string;
  env?: Record<string, string>;
  answers?: Record<string, Partial<CommandResult>>;
}

function setup(o: Setup = {}) {
  const dir = tempDir('mc-jsr-');
  dirs.push(dir);
  const json = o.json ?? { name: '@acme/widgets', version: '1.2.3', license: 'MIT', exports: './mod.ts' };
  writeFiles(dir, { 'deno.json': JSON.stringify(json), 'mod.ts': o.mod ?? TYPED });
  const pkg = pkgConfig({ id: 'widgets', type: 'deno' });
  const m = manifest(dir, {
    ecosystem: 'deno',
    name: String(json.name ?? ''),
    version: json.version as string | undefined,
    deno: { fileName: 'deno.json', exports: json.exports },
  });
  return makeContext({
    root: o.root ?? dir,
    pkg,
    manifest: m,
    adapter: jsrRegistry,
    env: { PATH: process.env.PATH ?? '', ...o.env },
    runner: recordingRunner(o.answers),
    version: '1.2.3',
  });
}

const NO_DENO = { 'deno --version': { exitCode: 127, spawnError: 'spawn deno ENOENT' } };

describe('jsr checks', () => {
  it('jsr.metadata passes for @scope/name, version and exports', async () => {
    expect(statuses(await createJsrChecks({ useDeno: false })(setup()), 'jsr.metadata')).toEqual(['pass']);
  });

  it('jsr.metadata fails for an unscoped name, no version and no exports', async () => {
    const checks = await jsrChecks(setup({ json: { name: 'widgets' } }));
    expect(checks.map((c) => `${c.id}:${c.status}`)).toEqual(['jsr.metadata:fail', 'jsr.metadata:fail', 'jsr.metadata:fail']);
    expect(checks[0].message).toContain('@scope/name');
  });

  it('jsr.slow-types passes with `deno publish --dry-run` (real deno) for an explicitly typed API', async () => {
    const ctx = setup({ root: REPO_ROOT });
    const checks = await jsrChecks(ctx);
    expect(checks.map((c) => `${c.id}:${c.status}`)).toEqual(['jsr.metadata:pass', 'jsr.slow-types:pass', 'jsr.dry-run:pass']);
    expect((ctx.runner as ReturnType<typeof recordingRunner>).calls.map((c) => c.args.join(' '))).toContain(
      'publish --dry-run --allow-dirty --no-lock --no-check',
    );
    expect(fs.readdirSync(ctx.target.manifest.dir).sort()).toEqual(['deno.json', 'mod.ts']);
  });

  it('jsr.slow-types fails with `deno publish --dry-run` (real deno) per slow type; jsr.dry-run fails for the missing license', async () => {
    const ctx = setup({ root: REPO_ROOT, mod: SLOW, json: { name: '@acme/widgets', version: '1.2.3', exports: './mod.ts' } });
    const checks = await jsrChecks(ctx);
    const slow = checks.filter((c) => c.id === 'jsr.slow-types');
    expect(slow.length).toBeGreaterThanOrEqual(2);
    expect(slow.every((c) => c.status === 'fail')).toBe(true);
    expect(slow[0].message).toMatch(/^mod\.ts:1:\d+: missing explicit return type in the public API \(missing-explicit-return-type\)$/);
    expect(checks.filter((c) => c.id === 'jsr.dry-run')).toEqual([
      expect.objectContaining({ status: 'fail', message: expect.stringContaining('(missing-license)') }),
    ]);
  });

  it('jsr.slow-types passes with the static check when deno is turned off by env', async () => {
    const ctx = setup({ root: REPO_ROOT, env: { [JSR_DENO_ENV]: 'off' } });
    const checks = await jsrChecks(ctx);
    expect(checks.filter((c) => c.id === 'jsr.slow-types')).toEqual([
      expect.objectContaining({ status: 'pass', message: expect.stringContaining('static check') }),
    ]);
    expect((ctx.runner as ReturnType<typeof recordingRunner>).calls).toEqual([]);
  });

  it('jsr.slow-types fails with the static check (ts-morph) when deno is not installed', async () => {
    const checks = await jsrChecks(setup({ mod: SLOW, answers: NO_DENO }));
    const messages = checks.filter((c) => c.id === 'jsr.slow-types' && c.status === 'fail').map((c) => c.message.replace(/ \(static check.*$/, ''));
    const unsure = checks.filter((c) => c.id === 'jsr.slow-types' && c.status === 'warn').map((c) => c.message.replace(/ \(static check.*$/, ''));
    // deno accepts an arrow returning a simple expression; the static rules do not decide it.
    expect(unsure).toEqual(['mod.ts:4: exported function `twice` has no explicit return type; JSR infers it only from a simple expression']);
    expect(messages).toEqual([
      'mod.ts:1: exported function `add` has no explicit return type',
      'mod.ts:6: public field `Box.value` has no explicit type',
      'mod.ts:8: public method `Box.area` has no explicit return type',
    ]);
  });

  it('jsr.dry-run warns when deno cannot finish, and the static check answers for slow types', async () => {
    const answers = {
      'deno --version': { stdout: 'deno 2.9.6' },
      'deno publish --dry-run --allow-dirty --no-lock --no-check': { exitCode: 1, stderr: 'error: Import "jsr:@std/path" failed: dns error' },
    };
    const checks = await jsrChecks(setup({ answers }));
    expect(checks.map((c) => `${c.id}:${c.status}`)).toEqual(['jsr.metadata:pass', 'jsr.dry-run:warn', 'jsr.slow-types:pass']);
    expect(checks[1].message).toContain('dns error');
  });

  it('parses deno problem blocks', () => {
    const out =
      'error[missing-explicit-type]: missing explicit type in the public API\n --> /p/mod.ts:2:20\n  docs: https://jsr.io/go/slow-type-missing-explicit-type\n\nerror[missing-license]: missing license field or file\n --> /p/deno.json\n  docs: https://jsr.io/go/missing-license\n';
    expect(parseDenoProblems(out)).toEqual([
      { code: 'missing-explicit-type', message: 'missing explicit type in the public API', location: '/p/mod.ts:2:20', slow: true },
      { code: 'missing-license', message: 'missing license field or file', location: '/p/deno.json', slow: false },
    ]);
  });
});

/** A copy of a fixture package under __fixtures__/jsr-inference, as a readiness context. */
function fixture(name: 'accepted' | 'slow' | 'unsure', o: Pick<Setup, 'answers' | 'root'> = {}) {
  const dir = tempDir('mc-jsr-inference-');
  dirs.push(dir);
  fs.cpSync(path.join(__dirname, '__fixtures__/jsr-inference', name), dir, { recursive: true });
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'deno.json'), 'utf8')) as Record<string, string>;
  const pkg = pkgConfig({ id: name, type: 'deno' });
  const m = manifest(dir, { ecosystem: 'deno', name: json.name, version: json.version, deno: { fileName: 'deno.json', exports: json.exports } });
  return makeContext({
    root: o.root ?? dir,
    pkg,
    manifest: m,
    adapter: jsrRegistry,
    env: { PATH: process.env.PATH ?? '' },
    runner: recordingRunner(o.answers),
    version: json.version,
  });
}

/** `file:line` of each jsr.slow-types check with `status`, from the static check's or deno's message. */
const slowLines = (checks: Awaited<ReturnType<typeof jsrChecks>>, status: string) =>
  checks.filter((c) => c.id === 'jsr.slow-types' && c.status === status).map((c) => /^(mod\.ts:\d+)/.exec(c.message)?.[1]);

describe("static slow-type check: JSR's simple inference", () => {
  // Lines of fixtures/jsr-inference/slow/mod.ts that `deno publish --dry-run` (deno 2.9) reports.
  const SLOW_LINES = ['mod.ts:3', 'mod.ts:7', 'mod.ts:9', 'mod.ts:11', 'mod.ts:15', 'mod.ts:19', 'mod.ts:24', 'mod.ts:26'];

  it('passes what JSR infers: no return statement, async void, as const, as T, satisfies, literals, regex, literal objects', async () => {
    const checks = await createJsrChecks({ useDeno: false })(fixture('accepted'));
    expect(checks.filter((c) => c.id === 'jsr.slow-types').map((c) => `${c.status}: ${c.message}`)).toEqual([
      expect.stringMatching(/^pass: no slow types found by the static check of 1 entry file/),
    ]);
  });

  it('still fails real slow types: a returned value, call and new initialisers, function expressions, block arrows, generators', async () => {
    const checks = await createJsrChecks({ useDeno: false })(fixture('slow'));
    expect(slowLines(checks, 'fail').sort()).toEqual([...SLOW_LINES].sort());
    expect(slowLines(checks, 'warn')).toEqual([]);
  });

  it('warns, not fails, for forms it cannot decide (an arrow returning an expression, a reference)', async () => {
    const checks = await createJsrChecks({ useDeno: false })(fixture('unsure'));
    expect(slowLines(checks, 'fail')).toEqual([]);
    expect(slowLines(checks, 'warn')).toEqual(['mod.ts:2', 'mod.ts:4']);
  });

  it('agrees with the real `deno publish --dry-run` on the accepted and the slow fixture', async () => {
    const accepted = await jsrChecks(fixture('accepted', { root: REPO_ROOT }));
    expect(accepted.map((c) => `${c.id}:${c.status}`)).toEqual(['jsr.metadata:pass', 'jsr.slow-types:pass', 'jsr.dry-run:pass']);
    const slow = await jsrChecks(fixture('slow', { root: REPO_ROOT }));
    expect(slowLines(slow, 'fail').sort()).toEqual([...SLOW_LINES].sort());
    const unsure = await jsrChecks(fixture('unsure', { root: REPO_ROOT }));
    expect(unsure.map((c) => `${c.id}:${c.status}`)).toEqual(['jsr.metadata:pass', 'jsr.slow-types:pass', 'jsr.dry-run:pass']);
  });
});
