import { REGISTRIES } from '../src/core/registries';
import { defaultPublishSettings } from '../src/core/config/resolve-publish';
import type { PackageConfig } from '../src/core/config/types';
import type { Manifest } from '../src/core/manifests/types';
import type { PublishDeps } from '../src/core/publish/publish-package';
import type { PackageTarget } from '../src/core/run/target';
import type { GateVerdict, TrustGate } from '../src/core/trust/gate';
import type { PlaceholderRequest, PublishAttempt, PublishRequest, RegistryAdapter } from '../src/core/registries/types';
import type { RegistryId } from '../src/core/types';
import type { CommandRunner, CommandSpec } from '../src/core/util/command';
import { HttpClient } from '../src/core/util/http';

/**
 * Fakes for the publish state machine: a registry whose lookups and uploads follow a script and
 * are counted, a trust gate that answers as told, and a runner that records commands.
 */
export type LookupAnswer = boolean | Error;
export type UploadAnswer = PublishAttempt | Error;

export interface FakeRegistry extends RegistryAdapter {
  lookups: Array<string | null>;
  uploads: Array<PublishRequest | PlaceholderRequest>;
}

/** Lookups answer from `lookups` in order (the last answer repeats); uploads likewise from `uploads`. */
export function fakeRegistry(script: { lookups?: LookupAnswer[]; uploads?: UploadAnswer[]; id?: RegistryId } = {}): FakeRegistry {
  const lookupAnswers = [...(script.lookups ?? [false])];
  const uploadAnswers = [...(script.uploads ?? [{ status: 'published', message: 'published fake 1.0.0 to Fake', command: 'fake publish' }])];
  const next = <T>(answers: T[]): T => (answers.length > 1 ? answers.shift()! : answers[0]);
  const registry: FakeRegistry = {
    id: script.id ?? 'npm',
    label: 'Fake',
    baseUrlEnv: 'MONOCHANGE_FAKE_URL',
    defaultBaseUrl: 'http://127.0.0.1:9',
    lookups: [],
    uploads: [],
    baseUrl: () => 'http://127.0.0.1:9',
    trust: REGISTRIES[script.id ?? 'npm'].trust,
    rateLimit: REGISTRIES[script.id ?? 'npm'].rateLimit,
    versionPageUrl: REGISTRIES[script.id ?? 'npm'].versionPageUrl,
    registryName: (m) => m.name,
    async versionExists(_m, version) {
      registry.lookups.push(version);
      const answer = next(lookupAnswers);
      if (answer instanceof Error) throw answer;
      return answer;
    },
    async publish(req) {
      registry.uploads.push(req);
      const answer = next(uploadAnswers);
      if (answer instanceof Error) throw answer;
      if (req.dryRun && answer.status === 'published')
        return { ...answer, status: 'planned', message: `would publish ${req.manifest.name} ${req.version} to Fake` };
      return answer;
    },
    async publishPlaceholder(req) {
      registry.uploads.push(req);
      const answer = next(uploadAnswers);
      if (answer instanceof Error) throw answer;
      if (req.dryRun && answer.status === 'published')
        return { ...answer, status: 'planned', message: `would publish placeholder ${req.manifest.name} 0.0.0 to Fake` };
      return answer;
    },
    setupUrl: (m) => `https://fake.example/${m.name}/settings`,
    isAlreadyPublishedOutput: (o) => /already exists/.test(o),
    requiredTools: () => ['fake'],
  };
  return registry;
}

export interface FakeGate extends TrustGate {
  checks: string[];
}

export function fakeGate(verdict: GateVerdict | Error = { allowed: true, provenance: false, warnings: [] }): FakeGate {
  const gate: FakeGate = {
    checks: [],
    async check(target) {
      gate.checks.push(target.pkg.id);
      if (verdict instanceof Error) throw verdict;
      return verdict;
    },
    outcome: (_t, phase) => ({
      status: phase === 'disabled' ? 'disabled' : phase === 'planned' ? 'planned' : 'configured',
      repository: null,
      workflow: null,
      environment: null,
      setupUrl: null,
      message: `trust ${phase}`,
    }),
  };
  return gate;
}

export function recordingRunner(): CommandRunner & { calls: CommandSpec[] } {
  const calls: CommandSpec[] = [];
  return { calls, run: async (spec) => (calls.push(spec), { exitCode: 0, stdout: '', stderr: '' }) };
}

export function fakeTarget(
  adapter: RegistryAdapter | undefined,
  overrides: { id?: string; name?: string; version?: string; mode?: 'builtin' | 'external' } = {},
): PackageTarget {
  const name = overrides.name ?? 'fake-pkg';
  const publish = { ...defaultPublishSettings('npm'), mode: overrides.mode ?? (adapter ? 'builtin' : 'external') } as PackageConfig['publish'];
  if (!adapter) publish.registry = 'my-private-registry';
  const pkg: PackageConfig = { id: overrides.id ?? 'fake', path: 'packages/fake', type: 'npm', publish };
  const manifest: Manifest = {
    ecosystem: 'npm',
    file: '/ws/packages/fake/package.json',
    dir: '/ws/packages/fake',
    name,
    version: overrides.version ?? '1.0.0',
    private: false,
    dependencies: [],
  };
  return { pkg, project: 'fake-project', manifest, adapter, name, version: overrides.version ?? '1.0.0' };
}

export function fakeDeps(gate: TrustGate, extra: Partial<PublishDeps> = {}): PublishDeps & { lines: string[]; waits: number[] } {
  const lines: string[] = [];
  const waits: number[] = [];
  return {
    root: '/ws',
    env: {},
    http: new HttpClient({ retries: 0 }),
    runner: recordingRunner(),
    gate,
    log: (line) => lines.push(line),
    sleep: async (ms) => void waits.push(ms),
    lines,
    waits,
    ...extra,
  };
}
