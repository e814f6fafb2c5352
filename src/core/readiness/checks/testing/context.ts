import { REGISTRIES } from '../../../registries';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { detectCiIdentity } from '../../../ci/detect';
import type { MonochangeConfig, PackageConfig, PublishSettings } from '../../../config/types';
import type { Manifest } from '../../../manifests/types';
import type { RegistryAdapter } from '../../../registries/types';
import { disabledOutcome } from '../../../trust/outcome';
import { makePackage, type PackageFixture } from '../../../trust/testing/fixtures';
import type { Env, RegistryId } from '../../../types';
import { createExecaRunner, type CommandResult, type CommandRunner, type CommandSpec } from '../../../util/command';
import { HttpClient } from '../../../util/http';
import type { ReadinessContext } from '../../types';

/** Test-only builders for readiness check specs (excluded from the build). */

export function tempDir(prefix = 'mc-readiness-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
}

export interface PackageOptions extends PackageFixture {
  path?: string;
  version?: string;
  publish?: Partial<Pick<PublishSettings, 'enabled' | 'mode'>> & { enforce?: boolean };
}

export function pkgConfig(options: PackageOptions = {}): PackageConfig {
  const pkg = makePackage(options);
  if (options.path !== undefined) pkg.path = options.path;
  if (options.version !== undefined) pkg.version = options.version;
  if (options.publish?.enabled !== undefined) pkg.publish.enabled = options.publish.enabled;
  if (options.publish?.mode !== undefined) pkg.publish.mode = options.publish.mode;
  if (options.publish?.enforce !== undefined) pkg.publish.rateLimits.enforce = options.publish.enforce;
  return pkg;
}

export function manifest(dir: string, fields: Partial<Manifest> & Pick<Manifest, 'ecosystem' | 'name'>): Manifest {
  const file = {
    npm: 'package.json',
    cargo: 'Cargo.toml',
    deno: 'deno.json',
    dart: 'pubspec.yaml',
    flutter: 'pubspec.yaml',
    python: 'pyproject.toml',
    go: 'go.mod',
  }[fields.ecosystem];
  return { file: path.join(dir, file), dir, private: false, dependencies: [], ...fields };
}

/** A stand-in adapter for registries whose real adapter a spec does not need (lookups never called). */
export function fakeAdapter(id: RegistryId, label: string, tools: string[] = []): RegistryAdapter {
  const unused = () => {
    throw new Error(`${id} adapter method not expected in this test`);
  };
  return {
    id,
    label,
    baseUrlEnv: `FAKE_${id.toUpperCase()}_URL`,
    defaultBaseUrl: 'http://127.0.0.1:1',
    baseUrl: () => 'http://127.0.0.1:1',
    registryName: (m) => m.name,
    versionExists: async () => unused(),
    publish: async () => unused(),
    publishPlaceholder: async () => unused(),
    setupUrl: () => 'https://example.invalid/setup',
    isAlreadyPublishedOutput: () => false,
    requiredTools: () => tools,
    trust: REGISTRIES[id].trust,
    rateLimit: REGISTRIES[id].rateLimit,
    versionPageUrl: REGISTRIES[id].versionPageUrl,
  };
}

export interface ContextOptions {
  root: string;
  pkg: PackageConfig;
  manifest: Manifest;
  adapter?: RegistryAdapter;
  version?: string;
  env?: Env;
  runner?: CommandRunner;
  http?: HttpClient;
  /** Other declared packages (the target's own is added). */
  packages?: PackageConfig[];
  source?: MonochangeConfig['source'];
  exists?: boolean;
}

export function makeContext(o: ContextOptions): ReadinessContext {
  const env = o.env ?? {};
  const config = {
    root: o.root,
    file: path.join(o.root, 'monochange.toml'),
    source: o.source,
    defaults: {},
    ecosystems: {} as MonochangeConfig['ecosystems'],
    packages: [o.pkg, ...(o.packages ?? [])].sort((a, b) => a.id.localeCompare(b.id)),
    lookup: { timeoutMs: 5000, retries: 0, concurrency: 4 },
  } satisfies MonochangeConfig;
  return {
    config,
    target: {
      pkg: o.pkg,
      project: o.pkg.id,
      manifest: o.manifest,
      adapter: o.adapter,
      name: o.manifest.name,
      version: o.version ?? o.manifest.version ?? '0.0.0',
    },
    identity: detectCiIdentity(env, { root: o.root }),
    env,
    http: o.http ?? new HttpClient({ retries: 0, timeoutMs: 5000 }),
    runner: o.runner ?? createExecaRunner(env),
    gate: { check: async () => ({ allowed: true, provenance: false, warnings: [] }), outcome: () => disabledOutcome() },
    state: { exists: o.exists },
  };
}

/** A runner that answers some commands itself (`"npm --version"` → result) and runs the rest for real. */
export function recordingRunner(
  answers: Record<string, Partial<CommandResult>> = {},
  passthrough: CommandRunner = createExecaRunner({ ...process.env }),
): CommandRunner & { calls: CommandSpec[] } {
  const calls: CommandSpec[] = [];
  return {
    calls,
    async run(spec) {
      calls.push(spec);
      const key = [path.basename(spec.command), ...spec.args].join(' ');
      const answer = answers[key];
      if (answer) return { exitCode: 0, stdout: '', stderr: '', ...answer };
      return passthrough.run(spec);
    },
  };
}

/** Statuses of the checks with `id`, for compact assertions. */
export function statuses(checks: { id: string; status: string }[], id: string): string[] {
  return checks.filter((c) => c.id === id).map((c) => c.status);
}
