// Test helper: runs gitlab-ci-local (a dev dependency) on a directory holding a .gitlab-ci.yml.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * gitlab-ci-local 4.75 calls `Set.prototype.union`, which Node only has from 22 on; the project
 * supports Node 20, so the method is added (with the same meaning) before the tool loads.
 */
const SET_UNION =
  'data:text/javascript,if(!Set.prototype.union)Object.defineProperty(Set.prototype,"union",{value(o){const r=new Set(this);for(const v of o.keys())r.add(v);return r},writable:true,configurable:true});';

export function gitlabCiLocalBin(): string {
  const pkg = require.resolve('gitlab-ci-local/package.json', { paths: [path.resolve(__dirname, '../../../..')] });
  return path.join(path.dirname(pkg), 'dist', 'index.js');
}

export interface GitlabCiLocalResult {
  code: number;
  stdout: string;
  stderr: string;
  output: string;
}

/**
 * `gitlab-ci-local <args>` in `cwd` (which must be a git work tree: the tool reads its commit).
 * `home` keeps the tool's per-user files out of the real home directory.
 */
export function gitlabCiLocal(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; home?: string },
): Promise<GitlabCiLocalResult> {
  const home = options.home ?? path.join(options.cwd, '.gitlab-ci-local-home');
  fs.mkdirSync(home, { recursive: true });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', SET_UNION, gitlabCiLocalBin(), '--home', home, '--no-color', ...args], {
      cwd: options.cwd,
      env: { ...(options.env ?? process.env), FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let output = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      output += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      output += c.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr, output });
    });
  });
}
