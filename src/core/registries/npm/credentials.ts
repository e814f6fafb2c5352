import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Env } from '../../types';

/**
 * Long-lived npm credentials that npm would use for a publish: `npm_config_*` environment
 * variables and credential lines of every npmrc npm loads. When the OIDC token exchange fails,
 * npm silently falls back to these, so trusted publishing refuses them. Findings carry where a
 * credential is configured, never its value.
 */
export interface NpmCredentialFinding {
  source: 'env' | 'npmrc';
  /** The environment variable (source `env`), e.g. `npm_config_//127.0.0.1:4873/:_authToken`. */
  variable?: string;
  /** The npmrc file (source `npmrc`). */
  file?: string;
  /** 1-based line in `file`. */
  line?: number;
  /** The npm config key, e.g. `//registry.npmjs.org/:_authToken` or `_auth`. */
  key: string;
  /** Environment variable(s) an npmrc value `${VAR}` takes its value from. */
  via?: string;
}

export interface FindNpmCredentialsInput {
  env: Env;
  /** Workspace root: its `.npmrc` is project config. */
  root: string;
  /** Package directory, npm's working directory for the publish. */
  packageDir: string;
  /** The registry the publish goes to, e.g. `https://registry.npmjs.org`. */
  registryUrl: string;
  /** Text of a file, `undefined` when it cannot be read. */
  readFile?: (file: string) => string | undefined;
  /** Defaults to `HOME`, else the OS home directory (as npm does). */
  homeDir?: string;
  /** The node executable npm runs under; locates the global prefix and npm's builtin npmrc. */
  execPath?: string;
  /** npm's install directory (its builtin `npmrc` sits there); derived from `execPath` when omitted. */
  npmDir?: string;
}

export interface NpmCredentialClassification {
  /** Credentials npm would send to the target registry. */
  applying: NpmCredentialFinding[];
  /** Credentials scoped to other registries (legitimate, e.g. a read-only mirror token). */
  otherRegistries: NpmCredentialFinding[];
}

export interface NpmCredentialRefusal {
  code: 'trust.credential-present';
  reason: string;
}

/** Credentials npm would use when publishing to `registryUrl`, env first, then npmrc lines. */
export function findNpmCredentials(input: FindNpmCredentialsInput): NpmCredentialFinding[] {
  return classifyNpmCredentials(input).applying;
}

/** Every npm credential found, split by whether it applies to the target registry. */
export function classifyNpmCredentials(input: FindNpmCredentialsInput): NpmCredentialClassification {
  const candidates = pairUsernames([...envCandidates(input.env), ...npmrcCandidates(input)]);
  const target = npmNerfDart(input.registryUrl);
  const applies = (c: Candidate) => c.scope === undefined || scopeApplies(c.scope, target);
  return {
    applying: candidates.filter(applies).map((c) => c.finding),
    otherRegistries: candidates.filter((c) => !applies(c)).map((c) => c.finding),
  };
}

/** `npm_config_*` variables only (the environment half of `findNpmCredentials`). */
export function findNpmEnvCredentials(env: Env, registryUrl: string): NpmCredentialFinding[] {
  const target = npmNerfDart(registryUrl);
  return pairUsernames(envCandidates(env))
    .filter((c) => c.scope === undefined || scopeApplies(c.scope, target))
    .map((c) => c.finding);
}

/** `environment variable NAME`, or `file:line (key)` naming the variable a `${VAR}` value reads. */
export function describeNpmCredential(finding: NpmCredentialFinding): string {
  if (finding.source === 'env') return `environment variable ${finding.variable}`;
  const via = finding.via ? `, set from environment variable ${finding.via}` : '';
  return `${finding.file}:${finding.line} (${finding.key}${via})`;
}

/** The publish gate's refusal when npm holds a credential it could fall back to. */
export function npmCredentialRefusal(findings: NpmCredentialFinding[], pkgId: string): NpmCredentialRefusal | undefined {
  if (findings.length === 0) return undefined;
  const list = findings.map(describeNpmCredential).join('; ');
  const many = findings.length > 1;
  const reason =
    `\`${pkgId}\` requires npm trusted publishing, but npm's configuration holds ${many ? 'long-lived credentials' : 'a long-lived credential'} for this registry: ${list}. ` +
    `If the OIDC token exchange fails, npm silently publishes with ${many ? 'them' : 'it'} instead. ` +
    `To fix: remove ${many ? 'them' : 'it'} from the publish job; trusted publishing needs no npm credential. ` +
    'In GitHub Actions, do not set `registry-url` on actions/setup-node (it writes an .npmrc that reads NODE_AUTH_TOKEN) and do not pass NODE_AUTH_TOKEN or NPM_TOKEN; ' +
    'a token another registry needs must be scoped to that registry (`//host/:_authToken`). ' +
    'Or set `publish.trusted_publishing = false` to opt out.';
  return { code: 'trust.credential-present', reason };
}

/** npm's config key for an environment variable: `npm_config_` in any case, then as npm maps it. */
export function npmConfigKeyOfEnv(variable: string): string | undefined {
  if (!/^npm_config_/i.test(variable)) return undefined;
  const key = variable.slice('npm_config_'.length);
  // npm keeps registry-scoped (nerf-darted) keys verbatim and normalizes the rest.
  return key.startsWith('//') ? key : key.replace(/(?!^)_/g, '-').toLowerCase();
}

/** Whether npm config key `key` is a credential (any registry). */
export function isNpmCredentialKey(key: string): boolean {
  return parseCredentialKey(key) !== undefined;
}

/** `//host[:port]/path/` as npm keys credentials for a registry URL (lower-cased). */
export function npmNerfDart(registryUrl: string): string | undefined {
  try {
    const url = new URL(registryUrl.endsWith('/') ? registryUrl : `${registryUrl}/`);
    const dir = new URL('.', `${url.protocol}//${url.host}${url.pathname}`);
    return `//${dir.host}${dir.pathname}`.toLowerCase();
  } catch {
    return undefined;
  }
}

interface Candidate {
  finding: NpmCredentialFinding;
  /** The `//host/path/` part of a scoped key; undefined for keys that apply to every registry. */
  scope?: string;
  /** Lower-cased credential name, e.g. `_authtoken`. */
  name: string;
}

// npm reads `username` only together with `_password`; the rest authenticate on their own (or
// are refused anyway, like a lone `certfile`).
const CREDENTIAL_NAMES = new Set(['_auth', '_authtoken', '_password', 'username', 'certfile', 'keyfile']);

function parseCredentialKey(key: string): { scope?: string; name: string } | undefined {
  if (!key.startsWith('//')) {
    const name = key.toLowerCase();
    return CREDENTIAL_NAMES.has(name) ? { name } : undefined;
  }
  const colon = key.lastIndexOf(':');
  if (colon <= 2) return undefined;
  const name = key.slice(colon + 1).toLowerCase();
  return CREDENTIAL_NAMES.has(name) ? { scope: key.slice(0, colon).toLowerCase(), name } : undefined;
}

/**
 * npm looks credentials up under the request URL's nerf-dart and each parent (`//h/p/`, `//h/p`,
 * `//h/`, `//h`), and publish requests go below the registry path, so both directions count.
 */
function scopeApplies(scope: string, target: string | undefined): boolean {
  if (target === undefined) return true;
  if (target.startsWith(scope)) return scope.endsWith('/') || target[scope.length] === '/';
  return scope.startsWith(target);
}

function pairUsernames(candidates: Candidate[]): Candidate[] {
  const passwordScopes = new Set(candidates.filter((c) => c.name === '_password').map((c) => c.scope ?? ''));
  return candidates.filter((c) => c.name !== 'username' || passwordScopes.has(c.scope ?? ''));
}

// Presence is enough, as for NODE_AUTH_TOKEN: an empty value still shows a credential was wired in.
function envCandidates(env: Env): Candidate[] {
  const found: Candidate[] = [];
  for (const variable of Object.keys(env).sort()) {
    const key = npmConfigKeyOfEnv(variable);
    const parsed = key === undefined || env[variable] === undefined ? undefined : parseCredentialKey(key);
    if (key !== undefined && parsed) found.push({ ...parsed, finding: { source: 'env', variable, key } });
  }
  return found;
}

function npmrcCandidates(input: FindNpmCredentialsInput): Candidate[] {
  const readFile = input.readFile ?? readTextFile;
  const found: Candidate[] = [];
  for (const file of npmConfigFiles(input)) {
    const text = readFile(file);
    if (text !== undefined) found.push(...credentialLines(file, text, input.env));
  }
  return found;
}

function credentialLines(file: string, text: string, env: Env): Candidate[] {
  const found: Candidate[] = [];
  text.split(/\r?\n/).forEach((lineText, index) => {
    const entry = parseIniLine(lineText);
    const parsed = entry && parseCredentialKey(envReplace(entry.key, env));
    if (!entry || !parsed) return;
    const value = valueSource(entry.value, env);
    if (!value.counts) return;
    const finding: NpmCredentialFinding = { source: 'npmrc', file, line: index + 1, key: entry.key };
    if (value.via) finding.via = value.via;
    found.push({ ...parsed, finding });
  });
  return found;
}

/** Key and raw value of an ini assignment; comments, blanks and `[section]` headers give none. */
function parseIniLine(lineText: string): { key: string; value: string } | undefined {
  const trimmed = lineText.trim();
  if (!trimmed || /^[;#]/.test(trimmed) || /^\[.*\]$/.test(trimmed)) return undefined;
  const eq = trimmed.indexOf('=');
  // ini reads a bare key as `true`.
  const rawKey = eq < 0 ? trimmed : trimmed.slice(0, eq);
  const value = eq < 0 ? 'true' : iniValue(trimmed.slice(eq + 1));
  const key = unquote(rawKey.trim()).replace(/\[\]$/, '');
  return key ? { key, value } : undefined;
}

/** An ini value as npm's parser reads it: quotes removed, or cut at an unescaped `;`/`#`. */
function iniValue(raw: string): string {
  const value = raw.trim();
  if (/^(".*"|'.*')$/.test(value)) return value.slice(1, -1);
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '\\' && i + 1 < value.length && ';#\\'.includes(value[i + 1])) out += value[++i];
    else if (ch === ';' || ch === '#') break;
    else out += ch;
  }
  return out.trim();
}

function unquote(text: string): string {
  return /^(".*"|'.*')$/.test(text) ? text.slice(1, -1) : text;
}

const ENV_REFERENCE = /(?<!\\)\$\{([^${}?]+)(\?)?\}/g;

/** npm's `${VAR}` / `${VAR?}` substitution; unset variables stay literal unless `?`. */
function envReplace(text: string, env: Env): string {
  return text.replace(ENV_REFERENCE, (whole, name: string, optional?: string) => env[name] ?? (optional ? '' : whole));
}

/**
 * A value counts when it has literal text, or references a variable that is set and non-empty
 * (an unset reference leaves npm a useless literal `${VAR}`, not a credential).
 */
function valueSource(value: string, env: Env): { counts: boolean; via?: string } {
  const names = [...value.matchAll(ENV_REFERENCE)].map((m) => m[1]);
  const set = [...new Set(names.filter((name) => (env[name] ?? '') !== ''))];
  const literal = value.replace(ENV_REFERENCE, '').trim() !== '';
  return { counts: literal || set.length > 0, via: set.length > 0 ? set.join(', ') : undefined };
}

/** Project (workspace root and package dir), user, global and builtin npmrc, without duplicates. */
export function npmConfigFiles(input: FindNpmCredentialsInput): string[] {
  const home = input.homeDir ?? (input.env.HOME || os.homedir());
  const execPath = input.execPath ?? process.execPath;
  const files = [
    path.join(input.root, '.npmrc'),
    path.join(input.packageDir, '.npmrc'),
    ...userConfigFiles(input, home),
    ...globalConfigFiles(input, home, execPath),
    path.join(input.npmDir ?? bundledNpmDir(execPath), 'npmrc'),
  ];
  return [...new Set(files.map((file) => path.resolve(file)))];
}

function userConfigFiles(input: FindNpmCredentialsInput, home: string): string[] {
  const named = configPaths(input, 'userconfig', home);
  return named.length > 0 ? named : [path.join(home, '.npmrc')];
}

function globalConfigFiles(input: FindNpmCredentialsInput, home: string, execPath: string): string[] {
  const named = configPaths(input, 'globalconfig', home);
  if (named.length > 0) return named;
  const prefixes = configPaths(input, 'prefix', home);
  const fallback = input.env.PREFIX || defaultPrefix(execPath);
  return (prefixes.length > 0 ? prefixes : [fallback]).map((prefix) => path.join(prefix, 'etc', 'npmrc'));
}

/** Every non-empty `npm_config_<name>` (any case) as npm resolves a path setting. */
function configPaths(input: FindNpmCredentialsInput, name: string, home: string): string[] {
  return Object.keys(input.env)
    .filter((variable) => npmConfigKeyOfEnv(variable) === name && input.env[variable])
    .map((variable) => {
      const value = envReplace(input.env[variable] as string, input.env);
      if (/^~[/\\]/.test(value)) return path.join(home, value.slice(2));
      return path.resolve(input.packageDir, value);
    });
}

/** npm's default global prefix: the directory above node's `bin` (node's own directory on Windows). */
function defaultPrefix(execPath: string): string {
  return process.platform === 'win32' ? path.dirname(execPath) : path.dirname(path.dirname(execPath));
}

/** Where the npm bundled with this node lives. */
function bundledNpmDir(execPath: string): string {
  const prefix = defaultPrefix(execPath);
  return process.platform === 'win32' ? path.join(prefix, 'node_modules', 'npm') : path.join(prefix, 'lib', 'node_modules', 'npm');
}

function readTextFile(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
