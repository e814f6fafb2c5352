import fs from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { resolveDenoBinary } from '../../registries/jsr/deno-binary';
import type { Check } from '../../types';
import type { CommandResult, CommandRunner } from '../../util/command';
import type { ReadinessCheck, ReadinessContext } from '../types';
import { commandFailure } from '../../registries/command-attempt';
import { fail, firstLines, pass, registryOf, trustedPublishing, willPublish } from './support';

/** npm performs the OIDC token exchange itself from this version on (older npm: E404/ENEEDAUTH). */
export const NPM_TRUSTED_PUBLISHING_MIN = '11.5.1';

const INSTALL: Record<string, string> = {
  npm: 'install Node.js 22.14+ with npm >= 11.5.1 (`npm install -g npm@latest`; in CI: actions/setup-node with `node-version: 24`)',
  cargo: 'install Rust and cargo from https://rustup.rs (in CI: dtolnay/rust-toolchain)',
  deno: 'install Deno from https://deno.com (in CI: denoland/setup-deno), or add the `deno` npm package to the workspace',
  dart: 'install the Dart SDK (in CI: dart-lang/setup-dart) or Flutter (subosito/flutter-action)',
  uv: 'install uv (`pipx install uv`; in CI: astral-sh/setup-uv)',
  git: 'install git and run from a clone of the repository',
  pnpm: 'install pnpm (`npm install -g pnpm`, or corepack; in CI: pnpm/action-setup)',
  yarn: 'install yarn (`corepack enable`)',
  bun: 'install bun (https://bun.sh; in CI: oven-sh/setup-bun)',
};

/** `--version` answers, per command and PATH, for the whole process: 200 packages spawn npm once. */
const versionCache = new Map<string, Promise<CommandResult>>();

export function clearToolVersionCache(): void {
  versionCache.clear();
}

/** The command that runs `tool` for this workspace (deno: the workspace's `node_modules/.bin/deno` first). */
export function toolCommand(tool: string, root: string): string {
  return tool === 'deno' ? resolveDenoBinary(root) : tool;
}

export function toolVersionOutput(runner: CommandRunner, command: string, cwd: string, pathVar: string | undefined): Promise<CommandResult> {
  const key = `${command}\0${pathVar ?? ''}`;
  let pending = versionCache.get(key);
  if (!pending) {
    const installed = command === 'npm' ? installedNpmPackageVersion(pathVar) : undefined;
    if (installed) pending = Promise.resolve({ exitCode: 0, stdout: installed, stderr: '' });
  }
  if (!pending) {
    pending = runner.run({ command, args: ['--version'], cwd }).catch((error: unknown) => ({
      exitCode: 127,
      stdout: '',
      stderr: '',
      spawnError: error instanceof Error ? error.message : String(error),
    }));
    versionCache.set(key, pending);
  }
  return pending;
}

/**
 * The version `npm --version` would print, read from the package.json of the npm that PATH finds
 * (its `npm` links to npm's own `bin/npm-cli.js`), which spares a process of ~0.5 s; undefined for
 * any other layout (a shim, a wrapper script), which is then asked for real.
 */
export function installedNpmPackageVersion(pathVar: string | undefined): string | undefined {
  for (const dir of (pathVar ?? '').split(path.delimiter).filter(Boolean)) {
    let real: string;
    try {
      real = fs.realpathSync(path.join(dir, 'npm'));
    } catch {
      continue;
    }
    if (path.basename(real) !== 'npm-cli.js' || path.basename(path.dirname(real)) !== 'bin') return undefined;
    try {
      const json = JSON.parse(fs.readFileSync(path.join(real, '..', '..', 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      return json.name === 'npm' && typeof json.version === 'string' && semver.valid(json.version) ? json.version : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** First `x.y[.z]` in the output (`git version 2.39.5`, `cargo 1.95.0 (…)`, `Dart SDK version: 3.5.0`). */
export function parseToolVersion(output: string): string | undefined {
  const match = /(\d+)\.(\d+)(?:\.(\d+))?(?:-[0-9A-Za-z.-]+)?/.exec(output);
  if (!match) return undefined;
  return semver.coerce(match[0], { includePrerelease: false })?.version;
}

/** Is the tool installed, and new enough for what this package needs? */
export const toolChecks: ReadinessCheck = async (ctx) => {
  if (!willPublish(ctx) || !ctx.target.adapter) return [];
  const tools = ctx.target.adapter.requiredTools(ctx.target.manifest);
  const checks: Check[] = [];
  for (const tool of tools) checks.push(await toolCheck(ctx, tool));
  return checks;
};

export function minimumVersion(ctx: ReadinessContext, tool: string): { version: string; why: string } | undefined {
  if (tool === 'npm' && registryOf(ctx) === 'npm' && trustedPublishing(ctx)) {
    return { version: NPM_TRUSTED_PUBLISHING_MIN, why: 'npm trusted publishing (older npm skips the OIDC exchange and fails with E404 or ENEEDAUTH)' };
  }
  return undefined;
}

async function toolCheck(ctx: ReadinessContext, tool: string): Promise<Check> {
  const id = `tools.${tool}`;
  const command = toolCommand(tool, ctx.config.root);
  const install = INSTALL[tool] ?? `install \`${tool}\` and put it on PATH`;
  const result = await toolVersionOutput(ctx.runner, command, ctx.config.root, ctx.env.PATH);
  if (result.spawnError || result.exitCode === 127) {
    return fail(
      id,
      `\`${tool}\` is not installed or not on PATH${result.spawnError ? ` (${firstLines(result.spawnError, 1)})` : ''}; publishing ${ctx.target.name} runs it`,
      install,
    );
  }
  const output = `${result.stdout}\n${result.stderr}`;
  if (result.exitCode !== 0) {
    return fail(id, commandFailure(`${command} --version`, result), `repair the ${tool} installation: ${install}`);
  }
  const version = parseToolVersion(output);
  const min = minimumVersion(ctx, tool);
  if (!min) return pass(id, `${tool} ${version ?? firstLines(output, 1)} found`);
  if (!version) return fail(id, `could not read the ${tool} version from \`${firstLines(output, 1)}\`; ${min.why} needs ${tool} >= ${min.version}`, install);
  if (semver.lt(version, min.version)) {
    return fail(
      id,
      `${tool} ${version} found; ${min.why} needs ${tool} >= ${min.version}`,
      tool === 'npm' ? `run \`npm install -g npm@^${min.version.split('.')[0]}\` before publishing (in CI: a step after actions/setup-node)` : install,
    );
  }
  return pass(id, `${tool} ${version} found (>= ${min.version} for ${min.why.split(' (')[0]})`);
}
