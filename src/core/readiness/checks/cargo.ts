import { packageTable } from '../../config/key-path';
import path from 'node:path';
import semver from 'semver';
import type { PackageConfig } from '../../config/types';
import { formatError } from '../../errors';
import { readManifest } from '../../manifests';
import type { Manifest, ManifestDependency } from '../../manifests/types';
import { cargoReadinessBlockers } from '../../registries/crates-io/readiness';
import type { Check } from '../../types';
import type { ReadinessCheck, ReadinessContext } from '../types';
import { declaredManifest, inPublishSet } from './declared-manifests';
import { fail, pass, registryOf, warn, willPublish } from './support';

/**
 * What `cargo publish` refuses: crates.io metadata (`cargoReadinessBlockers`), path dependencies without a
 * version, and dependencies whose required version is neither on crates.io nor published by
 * this run first.
 */
export const cargoChecks: ReadinessCheck = async (ctx) => {
  if (!willPublish(ctx)) return [];
  return [...metadataChecks(ctx), ...pathDependencyChecks(ctx), ...(await unpublishedDependencyChecks(ctx))];
};

function metadataChecks(ctx: ReadinessContext): Check[] {
  const blockers = cargoReadinessBlockers(ctx.target.manifest);
  if (blockers.length === 0) return [pass('cargo.metadata', 'Cargo.toml has what crates.io requires (publish, description, license)')];
  const file = ctx.target.manifest.file;
  return blockers.map((b) =>
    fail(
      'cargo.metadata',
      `${ctx.target.name} ${ctx.target.version} is not ready to publish to crates_io: ${b}`,
      `add the missing fields to ${file} (or [workspace.package] with \`<field>.workspace = true\`)`,
    ),
  );
}

/** Dev-dependencies with only a path are stripped by cargo on publish; every other kind needs a version. */
const published = (dep: ManifestDependency) => dep.kind !== 'dev';

function pathDependencyChecks(ctx: ReadinessContext): Check[] {
  const bad = ctx.target.manifest.dependencies.filter((d) => published(d) && d.path !== undefined && !d.versionReq);
  if (bad.length === 0) return [pass('cargo.path-dependency', 'every path dependency also names a version')];
  return bad.map((d) =>
    fail(
      'cargo.path-dependency',
      `[${d.field}] \`${d.name}\` has \`path = "${d.path}"\` but no \`version\`; cargo refuses to publish a crate whose dependencies exist only on disk`,
      `write \`${d.name} = { path = "${d.path}", version = "<the version of ${d.name}>" }\` in ${ctx.target.manifest.file}${d.workspace ? ' (or in [workspace.dependencies])' : ''}`,
    ),
  );
}

/** Cargo requirement (`1.2`, `^1.2`, `>=1, <2`, `=1.2.3`) as a node-semver range; bare versions are caret. */
export function cargoRange(req: string): string | undefined {
  const parts = req
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => (/^\d/.test(p) ? `^${p}` : p));
  return semver.validRange(parts.join(' ')) ?? undefined;
}

interface Candidate {
  dep: ManifestDependency;
  declared?: PackageConfig;
  local?: Manifest;
}

function candidates(ctx: ReadinessContext): Candidate[] {
  const { config, target } = ctx;
  const cargoPkgs = config.packages.filter((p) => p.type === 'cargo' && p.id !== target.pkg.id);
  const out: Candidate[] = [];
  for (const dep of target.manifest.dependencies.filter((d) => published(d) && d.versionReq)) {
    const depDir = dep.path !== undefined ? path.resolve(target.manifest.dir, dep.path) : undefined;
    let declared = depDir ? cargoPkgs.find((p) => path.resolve(config.root, p.path) === depDir) : undefined;
    let local: Manifest | undefined;
    if (!declared) {
      declared = cargoPkgs.find((p) => {
        const m = declaredManifest(config, p);
        return !(m instanceof Error) && m.name === dep.name;
      });
    }
    if (declared) {
      const m = declaredManifest(config, declared);
      local = m instanceof Error ? undefined : m;
    } else if (depDir) {
      try {
        local = readManifest(config.root, { path: path.relative(config.root, depDir), type: 'cargo' });
      } catch {
        local = undefined;
      }
    } else continue; // a crate from crates.io that this repository does not own
    out.push({ dep, declared, local });
  }
  return out;
}

async function unpublishedDependencyChecks(ctx: ReadinessContext): Promise<Check[]> {
  const adapter = ctx.target.adapter!;
  // A dependency published by this run must go to the same registry as the crate.
  const registry = registryOf(ctx);
  const list = candidates(ctx);
  if (list.length === 0) return [pass('cargo.dependency-unpublished', 'no dependencies on crates of this repository')];
  return Promise.all(
    list.map(async ({ dep, declared, local }): Promise<Check> => {
      const range = cargoRange(dep.versionReq!);
      const what = `\`${dep.name}\` ${dep.versionReq}`;
      if (!range)
        return warn(
          'cargo.dependency-unpublished',
          `[${dep.field}] ${what}: the version requirement could not be read`,
          'write a plain version requirement such as "1.2"',
        );
      const localVersion = local?.version && semver.satisfies(local.version, range) ? local.version : undefined;
      if (declared && inPublishSet(declared, registry) && localVersion) {
        return pass('cargo.dependency-unpublished', `${what} is published by this run (package \`${declared.id}\`, ${localVersion}) before ${ctx.target.name}`);
      }
      const version = localVersion ?? semver.minVersion(range)?.version;
      if (!version) return warn('cargo.dependency-unpublished', `[${dep.field}] ${what}: no version satisfies the requirement`, 'fix the version requirement');
      const manifest = local ?? ({ ecosystem: 'cargo', name: dep.name, file: '', dir: '', private: false, dependencies: [] } as Manifest);
      let exists: boolean;
      try {
        exists = await adapter.versionExists({ ...manifest, name: dep.name }, version, { env: ctx.env, http: ctx.http });
      } catch (error) {
        return warn(
          'cargo.dependency-unpublished',
          `could not check whether ${dep.name} ${version} is on crates.io: ${formatError(error)}`,
          'make crates.io reachable and run readiness again',
        );
      }
      if (exists) return pass('cargo.dependency-unpublished', `${dep.name} ${version} (for ${what}) is on crates.io`);
      const why = declared
        ? `package \`${declared.id}\` is ${inPublishSet(declared, registry) ? `at ${local?.version ?? 'an unreadable version'}, which does not satisfy it` : 'not published by this run (publish disabled, external or another registry)'}`
        : 'the crate is not declared in monochange.toml';
      return fail(
        'cargo.dependency-unpublished',
        `[${dep.field}] ${what}: ${dep.name} ${version} is not on crates.io and ${why}; cargo publish of ${ctx.target.name} would fail`,
        declared
          ? `publish ${dep.name} ${version} first: enable publishing for ${packageTable(declared.id)} or bump it to a version matching ${dep.versionReq}`
          : `declare ${dep.name} as a [package.<id>] with type = "cargo" in monochange.toml so it is published first, or depend on a released version`,
      );
    }),
  );
}
