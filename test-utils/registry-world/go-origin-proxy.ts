import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { startHttpStub, type HttpStub, type StubRequest, type StubResponse } from '../http-stub';

const exec = promisify(execFile);

/**
 * A bare git "origin" and a GOPROXY over HTTP whose answers are computed from the origin's tags at
 * request time, so a module version exists on the proxy as soon as its tag is pushed, like
 * proxy.golang.org fetching from GitHub. A `post-receive` hook logs every pushed tag with its time.
 */
export interface GoOriginProxy {
  /** Bare repository (`<dir>/origin.git`); use it as the workspace's `origin`. */
  originDir: string;
  /** GOPROXY base (MONOCHANGE_GO_PROXY_URL). */
  url: string;
  stub: HttpStub;
  /** Module versions pushed as tags, in push order (tags whose module dir has no go.mod are left out). */
  pushedVersions(): Promise<Array<{ module: string; version: string; tag: string; at: number }>>;
  close(): Promise<void>;
}

interface ModuleTag {
  tag: string;
  /** Module dir in the repository (`""` for the root). */
  dir: string;
  version: string;
}

const TAG = /^(?:(.+)\/)?(v\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?)$/;

const HOOK = (logFile: string) => `#!${process.execPath}
// Records pushed refs with the time they arrived (registry-world: "uploads" of Go modules).
const lines = require('fs').readFileSync(0, 'utf8').split('\\n').filter(Boolean);
const at = Date.now();
for (const line of lines) {
  const [oldSha, newSha, ref] = line.split(' ');
  require('fs').appendFileSync(${JSON.stringify(logFile)}, JSON.stringify({ ref, oldSha, newSha, at }) + '\\n');
}
`;

export async function startGoOriginProxy(dir: string): Promise<GoOriginProxy> {
  const originDir = path.join(dir, 'origin.git');
  const logFile = path.join(dir, 'origin-pushes.jsonl');
  await git(dir, 'init', '--quiet', '--bare', '--initial-branch=main', originDir);
  const hooks = path.join(originDir, 'hooks');
  fs.writeFileSync(path.join(hooks, 'post-receive'), HOOK(logFile), { mode: 0o755 });
  // A global core.hooksPath would hide the hook; pin it to this repository's own.
  await git(originDir, 'config', 'core.hooksPath', hooks);
  fs.writeFileSync(logFile, '');

  const stub = await startHttpStub();
  stub.route('GET', /^\/.+\/@(v\/.+|latest)$/, (req) => answer(originDir, req));

  async function moduleOf(tag: ModuleTag): Promise<string | undefined> {
    const gomod = await show(originDir, tag.tag, tag.dir ? `${tag.dir}/go.mod` : 'go.mod');
    return gomod === undefined ? undefined : modulePathIn(gomod);
  }

  async function answer(repo: string, req: StubRequest): Promise<StubResponse> {
    const match = /^\/(.+)\/@(?:v\/(.+)|(latest))$/.exec(req.path);
    if (!match) return notFound('bad path');
    const modulePath = unescape(match[1]);
    const tags: ModuleTag[] = [];
    for (const tag of await listTags(repo)) {
      const t = parseTag(tag);
      if (t && (await moduleOf(t)) === modulePath) tags.push(t);
    }
    if (match[3] || match[2] === 'list') {
      if (match[2] === 'list') return { headers: { 'content-type': 'text/plain' }, body: tags.map((t) => `${t.version}\n`).join('') };
      const latest = tags
        .map((t) => t.version)
        .sort(compareVersions)
        .pop();
      if (!latest) return notFound(`no versions of ${modulePath}`);
      return { body: { Version: latest, Time: await tagTime(repo, tags.find((t) => t.version === latest)!.tag) } };
    }
    const file = /^(.+)\.(info|mod|zip)$/.exec(match[2]);
    if (!file) return notFound('bad path');
    const version = unescape(file[1]);
    const tag = tags.find((t) => t.version === version);
    if (!tag) return notFound(`${modulePath}@${version}: unknown revision ${version}`);
    if (file[2] === 'info') return { body: { Version: version, Time: await tagTime(repo, tag.tag) } };
    if (file[2] === 'mod')
      return { headers: { 'content-type': 'text/plain' }, body: (await show(repo, tag.tag, tag.dir ? `${tag.dir}/go.mod` : 'go.mod')) ?? '' };
    const treeish = tag.dir ? `${tag.tag}:${tag.dir}` : `${tag.tag}:`;
    const { stdout } = await exec('git', ['-C', repo, 'archive', '--format=zip', `--prefix=${modulePath}@${version}/`, treeish], {
      encoding: 'buffer',
      maxBuffer: 256 * 1024 * 1024,
    });
    return { headers: { 'content-type': 'application/zip' }, body: stdout };
  }

  return {
    originDir,
    url: stub.url,
    stub,
    async pushedVersions() {
      const pushes = fs
        .readFileSync(logFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { ref: string; newSha: string; at: number });
      const out: Array<{ module: string; version: string; tag: string; at: number }> = [];
      for (const push of pushes) {
        if (!push.ref.startsWith('refs/tags/') || /^0+$/.test(push.newSha)) continue;
        const tag = parseTag(push.ref.slice('refs/tags/'.length));
        const module = tag && (await moduleOf(tag));
        if (tag && module) out.push({ module, version: tag.version, tag: tag.tag, at: push.at });
      }
      return out;
    },
    close: () => stub.close(),
  };
}

function notFound(message: string): StubResponse {
  return { status: 404, headers: { 'content-type': 'text/plain' }, body: `not found: ${message}\n` };
}

function parseTag(tag: string): ModuleTag | undefined {
  const m = TAG.exec(tag);
  return m ? { tag, dir: m[1] ?? '', version: m[2] } : undefined;
}

/** Go proxy case encoding: `!x` stands for `X`. */
function unescape(escaped: string): string {
  return escaped.replace(/!([a-z])/g, (_m, c: string) => c.toUpperCase());
}

function modulePathIn(gomod: string): string | undefined {
  const m = /^\s*module\s+("?)([^\s"]+)\1\s*$/m.exec(gomod);
  return m?.[2];
}

async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await exec('git', args, { cwd, encoding: 'utf8' });
  return stdout;
}

async function listTags(repo: string): Promise<string[]> {
  return (await git(repo, 'tag', '--list')).split('\n').filter(Boolean);
}

async function show(repo: string, tag: string, file: string): Promise<string | undefined> {
  try {
    return await git(repo, 'show', `${tag}:${file}`);
  } catch {
    return undefined;
  }
}

async function tagTime(repo: string, tag: string): Promise<string> {
  const seconds = Number((await git(repo, 'log', '-1', '--format=%ct', `${tag}^{commit}`)).trim());
  return new Date(seconds * 1000).toISOString();
}

function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const [core, pre] = v.slice(1).split(/-(.*)/s);
    return { nums: core.split('+')[0].split('.').map(Number), pre: pre ?? '' };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; i++) if (x.nums[i] !== y.nums[i]) return x.nums[i] - y.nums[i];
  if (x.pre === y.pre) return 0;
  if (!x.pre) return 1;
  if (!y.pre) return -1;
  return x.pre < y.pre ? -1 : 1;
}
