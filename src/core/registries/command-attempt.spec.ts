import {
  attemptFromResult,
  commandEnd,
  commandFailure,
  failedCommandMessage,
  summarizeOutput,
  type AttemptInput,
  type FinishedCommand,
} from './command-attempt';
import { failedAttempt, type FailureRules, type StepResult } from './support/command-step';

const base: Omit<AttemptInput, 'result'> = {
  command: 'tool publish',
  env: {},
  dryRun: false,
  successMessage: 'published x 1.0.0',
  isAlreadyPublished: (o) => /already there/.test(o),
  isAuthFailure: (o) => /E401/.test(o),
  authFix: 'log in properly',
};
const result = (over: Partial<AttemptInput['result']>) => ({ exitCode: 0, stdout: '', stderr: '', ...over });

describe('summarizeOutput', () => {
  it('prefers error lines, drops noise and ANSI colours, strips a prefix', () => {
    const stderr =
      'npm notice 📦 x@1.0.0\n\u001b[31mnpm error\u001b[0m code E409\nnpm error 409 Conflict - PUT http://r/x\nnpm error A complete log of this run can be found in: /x.log';
    expect(summarizeOutput(stderr, '', { noise: [/^npm notice/, /complete log/], linePrefix: /^npm error\s*/ })).toBe(
      'code E409 | 409 Conflict - PUT http://r/x',
    );
  });

  it('falls back to the last meaningful lines of stderr (else stdout) and caps their number', () => {
    expect(summarizeOutput('', 'one\n\ntwo\nthree\nfour')).toBe('two | three | four');
    expect(summarizeOutput('a\nb', 'c', { max: 1 })).toBe('b');
    expect(summarizeOutput('', '')).toBe('');
  });

  it('takes error lines from stderr, then stdout: error words in any case, npm/pnpm codes in upper case only', () => {
    expect(summarizeOutput('Compiling x\nfatal: repository not found', 'Permission denied (publickey)')).toBe(
      'fatal: repository not found | Permission denied (publickey)',
    );
    expect(summarizeOutput(' ERR_PNPM_PREPACK  prepack failed\nDone', '')).toBe('ERR_PNPM_PREPACK  prepack failed');
    expect(summarizeOutput('Version 1.2.3 already exists.\nSee the example', '')).toBe('Version 1.2.3 already exists. | See the example');
  });

  it('cuts long lines', () => {
    expect(summarizeOutput(`error: ${'x'.repeat(400)}`, '')).toHaveLength(300);
  });

  it('drops Rust backtrace lines', () => {
    expect(summarizeOutput('error: Found 1 problem\n\nStack backtrace:\n   0: <unknown>', '')).toBe('error: Found 1 problem');
  });
});

describe('failedCommandMessage and commandFailure: the one wording of a failed command', () => {
  it('names the command and its exit code, then what the output says when it says anything', () => {
    expect(failedCommandMessage('tool up', 2, 'error: no')).toBe('`tool up` failed (exit 2): error: no');
    expect(failedCommandMessage('tool up', 2, '')).toBe('`tool up` failed (exit 2)');
  });

  it('says when the command could not start or was interrupted, and summarises the output otherwise', () => {
    const done = (over: Partial<FinishedCommand>): FinishedCommand => ({ exitCode: 1, stdout: '', stderr: '', ...over });
    expect(commandFailure('tool up', done({ exitCode: 127, spawnError: 'spawn tool ENOENT' }))).toBe('`tool up` could not start: spawn tool ENOENT');
    expect(commandFailure('tool up', done({ exitCode: 130, interrupted: true }))).toBe('`tool up` was interrupted');
    expect(commandFailure('tool up', done({ stderr: 'npm error code E403\nnpm error 403 Forbidden' }), { linePrefix: /^npm error\s*/ })).toBe(
      '`tool up` failed (exit 1): code E403 | 403 Forbidden',
    );
  });
});

describe('attemptFromResult', () => {
  it('maps exit 0 to published, or planned in a dry run', () => {
    expect(attemptFromResult({ ...base, result: result({}) })).toMatchObject({ status: 'published', message: 'published x 1.0.0', command: 'tool publish' });
    expect(attemptFromResult({ ...base, dryRun: true, result: result({}) }).status).toBe('planned');
  });

  it('reads an exit 0 that skipped an existing version as already existing', () => {
    const a = attemptFromResult({ ...base, isSkippedExisting: (o) => /Skipping/.test(o), result: result({ stdout: 'Skipping, already there' }) });
    expect(a).toMatchObject({ status: 'failed', alreadyExists: true });
  });

  it('flags already-exists and auth failures (never both) and adds the auth fix', () => {
    const exists = attemptFromResult({ ...base, result: result({ exitCode: 1, stderr: 'E401 but already there' }) });
    expect(exists).toMatchObject({ status: 'failed', alreadyExists: true });
    expect(exists.authFailure).toBeUndefined();
    const auth = attemptFromResult({ ...base, result: result({ exitCode: 1, stderr: 'error E401 Unauthorized' }) });
    expect(auth).toMatchObject({
      status: 'failed',
      authFailure: true,
      message: '`tool publish` failed (exit 1): error E401 Unauthorized. Fix: log in properly',
    });
    expect(attemptFromResult({ ...base, result: result({ exitCode: 3 }) }).message).toBe('`tool publish` failed (exit 3)');
  });

  it('reports spawn errors and interruptions', () => {
    expect(attemptFromResult({ ...base, spawnFix: 'install tool', result: result({ exitCode: 127, spawnError: 'spawn tool ENOENT' }) }).message).toBe(
      '`tool publish` could not start: spawn tool ENOENT. Fix: install tool',
    );
    expect(attemptFromResult({ ...base, result: result({ exitCode: 130, interrupted: true }) })).toMatchObject({
      status: 'failed',
      message: '`tool publish` was interrupted',
    });
  });

  it('redacts secrets from output and message', () => {
    const a = attemptFromResult({
      ...base,
      env: { MY_API_TOKEN: 'fake-value-987654' },
      result: result({ exitCode: 1, stderr: 'error: bad fake-value-987654', stdout: '_authToken=zzz999zzz' }),
    });
    expect(JSON.stringify(a)).not.toMatch(/fake-value-987654|zzz999zzz/);
  });
});

describe('commandEnd', () => {
  const rules = {
    isAlreadyPublished: (o: string) => /already exists/.test(o),
    isSkippedExisting: (o: string) => /^Skipping/m.test(o),
    authFix: (o: string) => (/401/.test(o) ? 'log in' : /403/.test(o) ? '' : undefined),
  };
  const step = (over: Partial<FinishedCommand>): FinishedCommand => ({ exitCode: 1, stdout: '', stderr: '', ...over });

  it('reads a spawn error first, then an interruption, then the exit code', () => {
    expect(commandEnd(step({ spawnError: 'ENOENT', interrupted: true }), rules)).toEqual({ kind: 'spawn-error', error: 'ENOENT' });
    expect(commandEnd(step({ interrupted: true, exitCode: 0 }), rules)).toEqual({ kind: 'interrupted' });
    expect(commandEnd(step({ exitCode: 0, stdout: 'ok' }), rules)).toEqual({ kind: 'succeeded' });
    expect(commandEnd(step({ exitCode: 0, stdout: 'Skipping x@1.0.0' }), rules)).toEqual({ kind: 'skipped-existing' });
  });

  it('never reads an "already exists" answer as an authentication failure; an empty fix still marks one', () => {
    expect(commandEnd(step({ stderr: 'HTTP 401: version already exists' }), rules)).toEqual({ kind: 'failed', alreadyExists: true });
    expect(commandEnd(step({ stderr: 'HTTP 401' }), rules)).toEqual({ kind: 'failed', alreadyExists: false, authFix: 'log in' });
    expect(commandEnd(step({ stdout: 'HTTP 403' }), rules)).toEqual({ kind: 'failed', alreadyExists: false, authFix: '' });
    expect(commandEnd(step({ stderr: 'boom' }), rules)).toEqual({ kind: 'failed', alreadyExists: false });
  });

  it('matches the output without ANSI colours', () => {
    expect(commandEnd(step({ stderr: 'already \u001b[1mexists\u001b[0m' }), rules)).toMatchObject({ alreadyExists: true });
  });
});

describe('failedAttempt (a chain of steps)', () => {
  const rules: FailureRules = {
    tool: 'tool',
    installHint: 'install tool',
    isAlreadyPublished: (o) => /already exists/.test(o),
    authFix: (o) => (/denied/.test(o) ? 'grant access' : undefined),
  };
  const step = (over: Partial<StepResult>): StepResult => ({ command: 'tool up', cwd: '/w', exitCode: 1, stdout: '', stderr: '', ...over });

  it('names the failing step, its exit code and the output summary; the fix follows as one sentence', () => {
    const a = failedAttempt([step({ command: 'tool build', exitCode: 0, stdout: 'built' }), step({ stderr: 'error: access denied.' })], rules, 'upload');
    expect(a).toMatchObject({
      status: 'failed',
      authFailure: true,
      message: 'upload: `tool up` failed (exit 1): error: access denied. Fix: grant access',
      command: 'tool build && tool up',
      stdout: 'built',
    });
    expect(failedAttempt([step({ stderr: 'error: already exists, access denied' })], rules)).toMatchObject({ alreadyExists: true });
    expect(failedAttempt([step({ stderr: 'error: already exists, access denied' })], rules).authFailure).toBeUndefined();
  });

  it('says how to get the tool when it could not start', () => {
    expect(failedAttempt([step({ spawnError: 'spawn tool ENOENT' })], rules, 'build').message).toBe(
      'build: could not run `tool up` in /w: spawn tool ENOENT. Fix: install tool, and make sure `tool` is on PATH',
    );
  });
});
