import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { escapeModulePath } from '../src/core/registries/go-proxy/module-path';
import { startHttpStub, type HttpStub } from './http-stub';

/** One module version to put in the proxy folder: module path, its dir in the repo, tag and version. */
export interface GoProxyVersion {
  modulePath: string;
  /** Module dir relative to the repository root (`""` for the root module). */
  dir: string;
  tag: string;
  /** `v1.2.3`. */
  version: string;
}

const gitText = (repo: string, args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });

/**
 * Builds a GOPROXY folder from tags of a real git repository: `<escaped module>/@v/list`,
 * `<v>.info` ({"Version","Time"}), `<v>.mod` and `<v>.zip` (from `git archive`, paths prefixed
 * `module@version/`), the layout `GOPROXY=file:///DIR` and proxy.golang.org serve.
 */
export async function buildGoProxyFolder(repo: string, outDir: string, versions: GoProxyVersion[]): Promise<void> {
  const lists = new Map<string, string[]>();
  for (const v of versions) {
    const vDir = path.join(outDir, escapeModulePath(v.modulePath), '@v');
    await mkdir(vDir, { recursive: true });
    const base = path.join(vDir, escapeModulePath(v.version));
    const treeish = v.dir ? `${v.tag}:${v.dir}` : `${v.tag}^{tree}`;
    const time = gitText(repo, ['log', '-1', '--format=%cI', v.tag]).trim();
    await writeFile(`${base}.info`, JSON.stringify({ Version: v.version, Time: new Date(time).toISOString() }));
    await writeFile(`${base}.mod`, gitText(repo, ['show', `${v.tag}:${v.dir ? `${v.dir}/` : ''}go.mod`]));
    execFileSync('git', ['archive', '--format=zip', `--prefix=${v.modulePath}@${v.version}/`, '-o', `${base}.zip`, treeish], { cwd: repo });
    const list = lists.get(vDir) ?? [];
    list.push(v.version);
    lists.set(vDir, list);
  }
  for (const [vDir, list] of lists) await writeFile(path.join(vDir, 'list'), `${list.join('\n')}\n`);
}

/** Serves a GOPROXY folder over loopback HTTP (404 for anything missing, like the real proxy). */
export async function serveGoProxyFolder(dir: string): Promise<HttpStub> {
  const stub = await startHttpStub();
  stub.route('GET', /^\/.+/, async (req) => {
    const file = path.join(dir, ...req.path.split('/').filter(Boolean));
    if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) return { status: 404, body: `not found: ${req.path}` };
    const type = file.endsWith('.info') ? 'application/json' : file.endsWith('.zip') ? 'application/zip' : 'text/plain; charset=utf-8';
    return { headers: { 'content-type': type }, body: await readFile(file) };
  });
  return stub;
}
