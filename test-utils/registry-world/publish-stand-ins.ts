import fs from 'node:fs';
import path from 'node:path';

/**
 * Stand-ins for `deno`, `uv`, `dart` and `flutter`: JSR, PyPI and pub.dev cannot run on this
 * machine (and uv, dart and flutter are not installed), so these small Node scripts take the place
 * of the tools in the simulated job. Each call is logged as one JSON line (argv, cwd, a few env
 * variables, time). A real publish reads the package's manifest in the working directory and
 * "uploads" name and version to the registry URL the adapter configured (JSR_URL,
 * `uv publish --publish-url`, PUB_HOSTED_URL), which must be on 127.0.0.1: the scripts refuse any
 * other address. Dry runs and other commands succeed without registering anything.
 *
 * Authentication is the job's: with ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN set, the stand-in asks the
 * (loopback) issuer for an ID token with the registry's audience and sends it; in CI without them
 * it fails like the real tool; outside CI it counts as a human's stored credentials (uv with
 * `--trusted-publishing never` still needs UV_PUBLISH_TOKEN, as the real one does).
 */
export const STAND_IN_TOOLS = ['deno', 'uv', 'dart', 'flutter'] as const;
export type StandInTool = (typeof STAND_IN_TOOLS)[number];

export interface StandInToolCall {
  tool: StandInTool;
  argv: string[];
  cwd: string;
  /** Selected variables; secrets are recorded as `<set>`, absent ones as null. */
  env: Record<string, string | null>;
  at: number;
}

/** Path the stand-ins post a publish to, on each loopback registry. */
export const STAND_IN_PUBLISH_PATH = '/__stand-in__/publish';

const RECORDED_ENV = [
  'CI',
  'GITHUB_ACTIONS',
  'ACTIONS_ID_TOKEN_REQUEST_URL',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  'MONOCHANGE_OIDC_TOKEN',
  'JSR_URL',
  'PUB_HOSTED_URL',
  'UV_PUBLISH_TOKEN',
  'UV_PUBLISH_URL',
  'NO_COLOR',
];

const SCRIPT_BODY = String.raw`
'use strict';
const fs = require('fs');
const path = require('path');
const argv = process.argv.slice(2);
const env = {};
for (const key of config.recordEnv) {
  const value = process.env[key];
  env[key] = value === undefined ? null : /TOKEN/.test(key) ? '<set>' : value;
}
fs.appendFileSync(config.logFile, JSON.stringify({ tool: config.tool, argv, cwd: process.cwd(), env, at: Date.now() }) + '\n');

const fail = (message, code = 1) => {
  process.stderr.write(message + '\n');
  process.exit(code);
};
const read = (file) => fs.readFileSync(path.join(process.cwd(), file), 'utf8');
const exists = (file) => fs.existsSync(path.join(process.cwd(), file));
/** A literal string value of key in [table] of a TOML file (enough for name and version). */
const tomlString = (text, table, key) => {
  let current = '';
  for (const line of text.split('\n')) {
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (header) current = header[1].trim();
    const m = current === table && new RegExp('^\\s*' + key + '\\s*=\\s*["\']([^"\']*)["\']').exec(line);
    if (m) return m[1];
  }
  return undefined;
};
const inCi = process.env.GITHUB_ACTIONS === 'true';
const oidcAvailable = Boolean(process.env.ACTIONS_ID_TOKEN_REQUEST_URL && process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);

function loopbackBase(url, what) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    fail('error: ' + what + ' is not a URL: ' + url);
  }
  if (parsed.hostname !== '127.0.0.1') {
    fail('error: stand-in ' + config.tool + ' refuses to contact ' + parsed.origin + ' (' + what + '): only 127.0.0.1 is allowed in the registry world, so the registry URL override did not reach the tool');
  }
  return parsed.origin + parsed.pathname.replace(/\/+$/, '');
}

async function idToken(audience) {
  const url = new URL(process.env.ACTIONS_ID_TOKEN_REQUEST_URL);
  url.searchParams.set('audience', audience);
  const res = await fetch(url, { headers: { authorization: 'Bearer ' + process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN, accept: 'application/json' } });
  if (!res.ok) fail('error: Failed to obtain OIDC token: the token request answered HTTP ' + res.status);
  return (await res.json()).value;
}

/** Posts the publish; resolves to the HTTP status (201 registered, 409 already there). */
async function upload(base, registry, name, version, audience, credentials) {
  const headers = { 'content-type': 'application/json' };
  let auth = credentials || 'local-credentials';
  if (oidcAvailable && !credentials) {
    headers.authorization = 'Bearer ' + (await idToken(audience));
    auth = 'oidc';
  }
  const res = await fetch(base + config.publishPath, { method: 'POST', headers, body: JSON.stringify({ registry, name, version, auth }) });
  const text = await res.text();
  if (res.status === 401 || res.status === 403) fail('error: ' + res.status + ' ' + (res.status === 401 ? 'Unauthorized' : 'Forbidden') + ': ' + text);
  if (res.status !== 201 && res.status !== 409) fail('error: upload failed with HTTP ' + res.status + ': ' + text);
  return res.status;
}

async function deno() {
  if (argv[0] === '--version' || argv[0] === '-V') return console.log('deno 2.9.6 (stand-in, registry-world)');
  if (argv[0] !== 'publish') return;
  if (argv.includes('--dry-run')) return console.log('Simulating publish (stand-in dry run)\nWarning: Aborting due to --dry-run');
  const file = ['deno.json', 'deno.jsonc', 'jsr.json'].find(exists);
  if (!file) fail('error: Could not find a deno.json, deno.jsonc or jsr.json in ' + process.cwd());
  const json = JSON.parse(read(file).replace(/^\s*\/\/.*$/gm, ''));
  if (!json.name || !json.version) fail('error: ' + file + ' needs "name" and "version" to publish');
  const token = argv.includes('--token');
  if (inCi && !oidcAvailable && !token) fail('error: Failed to publish: no OIDC token available (missing "permissions: id-token: write"?) and no --token given');
  const base = loopbackBase(process.env.JSR_URL || 'https://jsr.io/', 'JSR_URL');
  const status = await upload(base, 'jsr', json.name, json.version, 'jsr.io', token ? 'token' : undefined);
  if (status === 409) return console.log('Warning: Skipping, already published ' + json.name + '@' + json.version);
  console.log('Successfully published ' + json.name + '@' + json.version);
}

function pyprojectNameVersion() {
  if (!exists('pyproject.toml')) fail('error: No pyproject.toml found in: ' + process.cwd());
  const text = read('pyproject.toml');
  const name = tomlString(text, 'project', 'name') || tomlString(text, 'tool.poetry', 'name');
  const version = tomlString(text, 'project', 'version') || tomlString(text, 'tool.poetry', 'version');
  if (!name || !version) fail('error: the stand-in uv build needs a literal name and version in pyproject.toml');
  return { name, version };
}

async function uv() {
  if (argv[0] === '--version' || argv[0] === '-V') return console.log('uv 0.9.9 (stand-in, registry-world)');
  const option = (flag) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  if (argv[0] === 'build') {
    const out = path.resolve(option('--out-dir') || 'dist');
    const { name, version } = pyprojectNameVersion();
    const stem = name.replace(/[-_.]+/g, '_').toLowerCase() + '-' + version;
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, stem + '.tar.gz'), 'stand-in sdist of ' + name + ' ' + version + '\n');
    fs.writeFileSync(path.join(out, stem + '-py3-none-any.whl'), 'stand-in wheel of ' + name + ' ' + version + '\n');
    return console.log('Successfully built ' + stem + '.tar.gz and ' + stem + '-py3-none-any.whl');
  }
  if (argv[0] !== 'publish') return;
  const valued = new Set(['--trusted-publishing', '--publish-url', '--check-url', '--token', '--username', '--password', '--index']);
  const files = argv.slice(1).filter((a, i, all) => !a.startsWith('--') && !valued.has(all[i - 1]));
  const names = files.map((f) => path.basename(f));
  const sdist = names.find((f) => f.endsWith('.tar.gz')) || names.find((f) => f.endsWith('.whl'));
  const m = sdist && /^(.+?)-(\d[^-]*?)(?:\.tar\.gz|-.+\.whl)$/.exec(sdist);
  if (!m) fail('error: No files found to publish (stand-in uv publish got: ' + files.join(' ') + ')');
  for (const f of files) if (!fs.existsSync(path.resolve(f))) fail('error: file not found: ' + f);
  const trusted = option('--trusted-publishing') || 'automatic';
  const token = process.env.UV_PUBLISH_TOKEN || option('--token');
  const publishUrl = option('--publish-url') || process.env.UV_PUBLISH_URL || 'https://upload.pypi.org/legacy/';
  if (trusted === 'always' && !oidcAvailable) fail('error: Failed to obtain OIDC token: is the "id-token: write" permission missing?');
  if (trusted === 'never' && !token) fail('error: Missing credentials for ' + publishUrl + ' (set UV_PUBLISH_TOKEN)');
  const base = loopbackBase(new URL(publishUrl).origin, '--publish-url');
  console.log('Publishing ' + files.length + ' files to ' + publishUrl);
  const status = await upload(base, 'pypi', m[1].replace(/_/g, '-'), m[2], 'pypi', trusted !== 'always' && token ? 'token' : undefined);
  if (status === 409) return console.log('File ' + sdist + ' already exists, skipping');
  for (const f of names) console.log('Uploading ' + f);
}

async function pub() {
  if (argv[0] === '--version') {
    return console.log(config.tool === 'flutter' ? 'Flutter 3.35.0 - channel stable (stand-in, registry-world)' : 'Dart SDK version: 3.9.0 (stable) (stand-in, registry-world)');
  }
  if (argv[0] !== 'pub' || argv[1] !== 'publish') return;
  if (argv.includes('--dry-run') || argv.includes('-n')) return console.log('Package has 0 warnings.');
  if (!argv.includes('--force') && !argv.includes('-f')) fail('error: the stand-in cannot answer the confirmation prompt: pass --force', 65);
  if (!exists('pubspec.yaml')) fail('Could not find a file named "pubspec.yaml" in "' + process.cwd() + '".', 66);
  const text = read('pubspec.yaml');
  const field = (key) => {
    const m = new RegExp('^' + key + ':\\s*["\']?([^"\'\\s#]+)', 'm').exec(text);
    return m ? m[1] : undefined;
  };
  const name = field('name');
  const version = field('version');
  if (!name || !version) fail('pubspec.yaml needs name and version', 65);
  if (inCi && !oidcAvailable) fail('Authentication failed! (no OIDC token: missing "permissions: id-token: write"?)', 65);
  const base = loopbackBase(process.env.PUB_HOSTED_URL || 'https://pub.dev', 'PUB_HOSTED_URL');
  console.log('Publishing ' + name + ' ' + version + ' to ' + base + ':');
  const status = await upload(base, 'pub_dev', name, version, 'https://pub.dev');
  if (status === 409) fail('Version ' + version + ' of package ' + name + ' already exists.', 65);
  console.log('Successfully uploaded ' + base + '/packages/' + name + ' version ' + version + '.');
}

const main = { deno, uv, dart: pub, flutter: pub }[config.tool];
main().catch((error) => fail('error: stand-in ' + config.tool + ' crashed: ' + ((error && error.stack) || error)));
`;

function script(config: { tool: StandInTool; logFile: string; recordEnv: string[]; publishPath: string }): string {
  return `#!${process.execPath}\n// Stand-in for \`${config.tool}\` written by test-utils/registry-world: the real registry cannot run on this machine.\nconst config = ${JSON.stringify(config)};\n${SCRIPT_BODY}`;
}

export interface PublishStandIns {
  binDir: string;
  /** Every call of every stand-in, in order. */
  calls(): StandInToolCall[];
}

/** Writes the four stand-ins into `binDir` (put it first on PATH); calls are logged to `<binDir>/calls.jsonl`. */
export function writePublishStandIns(binDir: string): PublishStandIns {
  fs.mkdirSync(binDir, { recursive: true });
  const logFile = path.join(binDir, 'calls.jsonl');
  fs.writeFileSync(logFile, '');
  for (const tool of STAND_IN_TOOLS) {
    fs.writeFileSync(path.join(binDir, tool), script({ tool, logFile, recordEnv: RECORDED_ENV, publishPath: STAND_IN_PUBLISH_PATH }), { mode: 0o755 });
  }
  return {
    binDir,
    calls: () =>
      fs
        .readFileSync(logFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as StandInToolCall),
  };
}
