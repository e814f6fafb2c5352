import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A real Verdaccio on 127.0.0.1 for tests: never proxies out (`uplinks: {}`), stores in a temp dir,
 * lets anyone publish, and gives npm a temp `.npmrc` (fake token) and a temp cache so tests never
 * touch ~/.npm or ~/.npmrc.
 *
 * Verdaccio runs in a child Node process started with `require('verdaccio').runServer(config)`:
 * under Jest every module goes through swc, and loading Verdaccio's large dependency tree (and its
 * logger's open handles) into the test process makes suites slow and keeps Jest from exiting. The
 * child exits on its own when its stdin closes, so a crashed test run leaves nothing behind.
 */
export interface VerdaccioServer {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  url: string;
  port: number;
  storageDir: string;
  /** Temp `.npmrc` with `registry=` and a fake `_authToken` for this server. */
  npmrcPath: string;
  /** Variables for npm child processes and for the adapter (`MONOCHANGE_NPM_REGISTRY_URL`). */
  env: Record<string, string>;
  /** Sorted list of files under `storageDir`, relative and `/`-separated (to assert nothing changed). */
  storageListing(): string[];
  /**
   * Fault injection: SIGKILLs the server process (no graceful shutdown, open connections reset).
   * Its storage is kept, so `restart()` brings back everything published before.
   */
  kill(): Promise<void>;
  /** Starts the server again on the same port with the same storage (after `kill()`; kills first if still running). */
  restart(): Promise<void>;
  /** Stops the server and removes every temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

export const FAKE_NPM_TOKEN = 'fake-test-token';

const CHILD_SCRIPT = `
const { runServer } = require(process.env.MONOCHANGE_VERDACCIO_MODULE);
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
(async () => {
  const app = await runServer(process.env.MONOCHANGE_VERDACCIO_CONFIG);
  app.listen(Number(process.env.MONOCHANGE_VERDACCIO_PORT || 0), '127.0.0.1', () => {
    process.stdout.write('MONOCHANGE_VERDACCIO_PORT=' + app.address().port + '\\n');
  });
})().catch((error) => {
  process.stderr.write(String((error && error.stack) || error) + '\\n');
  process.exit(1);
});
`;

export interface StartVerdaccioOptions {
  /** Fixed port; default: a free one chosen by the OS. */
  port?: number;
  /** Verdaccio log level (default `fatal`: quiet). */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'http' | 'debug';
  /** How long to wait for `/-/ping`, ms (default 30000). */
  startTimeoutMs?: number;
  /**
   * Package rules placed before the open defaults, e.g.
   * `{ '@locked/*': { access: '$all', publish: '$authenticated' } }`.
   */
  packages?: Record<string, { access: string; publish: string; unpublish?: string }>;
}

export async function startVerdaccio(options: StartVerdaccioOptions = {}): Promise<VerdaccioServer> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'monochange-verdaccio-'));
  const storageDir = path.join(root, 'storage');
  const npmCache = path.join(root, 'npm-cache');
  const npmrcPath = path.join(root, '.npmrc');
  const configPath = path.join(root, 'config.yaml');
  fs.mkdirSync(storageDir);
  fs.mkdirSync(npmCache);
  fs.writeFileSync(
    configPath,
    [
      `storage: ${JSON.stringify(storageDir)}`,
      'uplinks: {}',
      'auth:',
      '  htpasswd:',
      `    file: ${JSON.stringify(path.join(root, 'htpasswd'))}`,
      '    max_users: 1000',
      'packages:',
      ...Object.entries(options.packages ?? {}).flatMap(([pattern, rule]) => [
        `  ${JSON.stringify(pattern)}:`,
        `    access: ${rule.access}`,
        `    publish: ${rule.publish}`,
        `    unpublish: ${rule.unpublish ?? rule.publish}`,
      ]),
      "  '@*/*':",
      '    access: $all',
      '    publish: $all',
      '    unpublish: $all',
      "  '**':",
      '    access: $all',
      '    publish: $all',
      '    unpublish: $all',
      'web:',
      '  enable: false',
      'max_body_size: 100mb',
      `log: { type: stdout, format: json, level: ${options.logLevel ?? 'fatal'} }`,
      '',
    ].join('\n'),
  );

  let output = '';
  const cleanup = () => fs.rmSync(root, { recursive: true, force: true });
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const launch = async (port: number): Promise<{ child: ChildProcess; port: number }> => {
    const started = spawn(process.execPath, ['-e', CHILD_SCRIPT], {
      cwd: root,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '',
        HOME: root,
        MONOCHANGE_VERDACCIO_MODULE: require.resolve('verdaccio'),
        MONOCHANGE_VERDACCIO_CONFIG: configPath,
        MONOCHANGE_VERDACCIO_PORT: String(port),
      },
    });
    try {
      const announced = await waitForPort(started, timeoutMs, (chunk) => {
        output = (output + chunk).slice(-4000);
      });
      await waitForPing(`http://127.0.0.1:${announced}`, timeoutMs);
      return { child: started, port: announced };
    } catch (error) {
      await stopChild(started);
      throw error;
    }
  };
  try {
    const first = await launch(options.port ?? 0);
    let running = first.child;
    const port = first.port;
    const url = `http://127.0.0.1:${port}`;
    fs.writeFileSync(npmrcPath, `registry=${url}/\n//127.0.0.1:${port}/:_authToken=${FAKE_NPM_TOKEN}\n`);

    let stopped = false;
    const kill = async () => {
      if (running.exitCode !== null || running.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        running.once('exit', () => resolve());
        running.kill('SIGKILL');
      });
    };
    return {
      url,
      port,
      storageDir,
      npmrcPath,
      env: {
        MONOCHANGE_NPM_REGISTRY_URL: url,
        npm_config_userconfig: npmrcPath,
        npm_config_registry: `${url}/`,
        npm_config_cache: npmCache,
        npm_config_update_notifier: 'false',
        npm_config_audit: 'false',
        npm_config_fund: 'false',
        npm_config_loglevel: 'notice',
      },
      storageListing: () => listFiles(storageDir),
      kill,
      async restart() {
        if (stopped) throw new Error('Verdaccio was stopped; it cannot be restarted');
        await kill();
        // The port was just freed; a few tries cover a slow release of the socket.
        for (let attempt = 1; ; attempt++) {
          try {
            running = (await launch(port)).child;
            return;
          } catch (error) {
            if (attempt >= 5) throw new Error(`could not restart Verdaccio on port ${port}: ${(error as Error).message}\n${output.trim()}`);
            await new Promise((r) => setTimeout(r, 200 * attempt));
          }
        }
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        await stopChild(running);
        cleanup();
      },
    };
  } catch (error) {
    cleanup();
    const detail = output.trim() ? `\nVerdaccio output:\n${output.trim()}` : '';
    throw new Error(`could not start Verdaccio: ${(error as Error).message}${detail}`);
  }
}

function waitForPort(child: ChildProcess, timeoutMs: number, onOutput: (chunk: string) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => done(new Error(`no port announced within ${timeoutMs} ms`)), timeoutMs);
    const done = (error: Error | null, port?: number) => {
      clearTimeout(timer);
      child.off('exit', onExit);
      child.off('error', onError);
      if (error) reject(error);
      else resolve(port as number);
    };
    const onExit = (code: number | null) => done(new Error(`Verdaccio exited with code ${code} before listening`));
    const onError = (error: Error) => done(error);
    child.on('exit', onExit);
    child.on('error', onError);
    child.stderr?.on('data', (chunk: Buffer) => onOutput(chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      onOutput(text);
      stdout += text;
      const match = /MONOCHANGE_VERDACCIO_PORT=(\d+)/.exec(stdout);
      if (match) done(null, Number(match[1]));
    });
  });
}

async function waitForPing(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/-/ping`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url}/-/ping did not answer 200 within ${timeoutMs} ms (${last})`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.stdin?.end();
    child.kill('SIGTERM');
  });
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (current: string, prefix: string) => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path.join(current, entry.name), rel);
      else out.push(rel);
    }
  };
  if (fs.existsSync(dir)) walk(dir, '');
  return out.sort();
}
