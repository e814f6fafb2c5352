import { resolveExpectedContext } from '../../trust/context';
import type { Check } from '../../types';
import type { ReadinessCheck, ReadinessContext } from '../types';
import { entryPoints, isPacked } from './npm-entry-points';
import { listPackedFiles } from './npm-pack-list';
import { npmTrustedPublisherChecks } from './npm-trusted-publisher';
import { repositorySlug, sameRepository } from './repository-slug';
import { fail, listOf, pass, registryOf, trustedPublishing, warn, willPublish } from './support';

/**
 * What npm checks at publish time, and what users find broken after it: repository.url naming
 * the trusted repository, public access for scoped packages, workspace/catalog ranges, and entry
 * points that are really in the tarball; and, when an npm login allows it, the trusted publisher
 * npm lists for a package that already exists.
 */
export const npmChecks: ReadinessCheck = async (ctx) => {
  if (!willPublish(ctx) || registryOf(ctx) !== 'npm') return [];
  return [repositoryCheck(ctx), accessCheck(ctx), workspaceProtocolCheck(ctx), await entryPointsCheck(ctx), ...(await npmTrustedPublisherChecks(ctx))];
};

function json(ctx: ReadinessContext): Record<string, unknown> {
  return ctx.target.manifest.npm?.json ?? {};
}

function repositoryUrl(ctx: ReadinessContext): string | undefined {
  const fromManifest = ctx.target.manifest.npm?.repositoryUrl;
  if (fromManifest) return fromManifest;
  const repo = json(ctx).repository;
  if (typeof repo === 'string') return repo;
  const url = repo && typeof repo === 'object' ? (repo as Record<string, unknown>).url : undefined;
  return typeof url === 'string' ? url : undefined;
}

function repositoryCheck(ctx: ReadinessContext): Check {
  const { pkg } = ctx.target;
  const provenance = pkg.publish.attestations.requireRegistryProvenance;
  if (!trustedPublishing(ctx) && !provenance)
    return pass('npm.repository-url', 'neither trusted publishing nor provenance is on: `repository.url` is not checked by npm');
  const resolved = resolveExpectedContext(pkg, ctx.config, ctx.identity);
  if (!resolved.ok) return warn('npm.repository-url', `cannot tell which repository npm will expect: ${resolved.message}`, resolved.fix);
  const expected = resolved.context.repository;
  const url = repositoryUrl(ctx);
  const file = `${ctx.target.manifest.file}`;
  const fix = `set \`"repository": { "type": "git", "url": "git+https://github.com/${expected}.git" }\` in ${file}`;
  if (!url)
    return fail(
      'npm.repository-url',
      `package.json of ${ctx.target.name} has no \`repository.url\`; npm trusted publishing and provenance require it to name ${expected}`,
      fix,
    );
  if (sameRepository(url, expected)) return pass('npm.repository-url', `\`repository.url\` names ${expected}`);
  return fail(
    'npm.repository-url',
    `\`repository.url\` is \`${url}\` (${repositorySlug(url) ?? 'no owner/repo in it'}), but the package is published from ${expected}; npm rejects the provenance/trusted publish`,
    fix,
  );
}

function accessCheck(ctx: ReadinessContext): Check {
  const name = ctx.target.name;
  if (!name.startsWith('@')) return pass('npm.access', `${name} is unscoped: always public`);
  const access = ctx.target.manifest.npm?.publishConfig?.access ?? (json(ctx).publishConfig as Record<string, unknown> | undefined)?.access;
  if (access === 'restricted') {
    return fail(
      'npm.access',
      `${name} has \`publishConfig.access = "restricted"\`, but monochange publishes with \`--access public\` (provenance and trusted publishing need public packages)`,
      'remove `publishConfig.access` (or set it to "public"); publish private packages with `mode = "external"` instead',
    );
  }
  return pass('npm.access', `${name} is scoped and will be published with \`--access public\``);
}

const RANGE_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];

function workspaceProtocolCheck(ctx: ReadinessContext): Check {
  const found: string[] = [];
  for (const field of RANGE_FIELDS) {
    const deps = json(ctx)[field];
    if (!deps || typeof deps !== 'object') continue;
    for (const [name, range] of Object.entries(deps as Record<string, unknown>)) {
      if (typeof range === 'string' && /^(workspace|catalog):/.test(range)) found.push(`${field}.${name} = "${range}"`);
    }
  }
  if (found.length === 0) return pass('npm.workspace-protocol', 'no `workspace:` or `catalog:` ranges');
  const manager = ctx.target.manifest.npm?.manager ?? 'npm';
  if (manager !== 'npm')
    return pass('npm.workspace-protocol', `${found.length} \`workspace:\`/\`catalog:\` range(s) will be rewritten to real versions by \`${manager} pack\``);
  return fail(
    'npm.workspace-protocol',
    `${listOf(found.slice(0, 5))}${found.length > 5 ? ` and ${found.length - 5} more` : ''}: npm does not rewrite \`workspace:\`/\`catalog:\` ranges, so the published package.json would be uninstallable`,
    'use pnpm, yarn or bun for this workspace (their pack rewrites the ranges), or replace them with real version ranges',
  );
}

async function entryPointsCheck(ctx: ReadinessContext): Promise<Check> {
  const entries = entryPoints(json(ctx));
  if (entries.length === 0) return pass('npm.entry-points', 'package.json declares no main, exports, bin or types');
  const dir = ctx.target.manifest.dir;
  const packed = ctx.packFiles ? await ctx.packFiles(dir) : (await listPackedFiles(ctx.runner, [dir], dir))[0];
  if ('error' in packed)
    return warn(
      'npm.entry-points',
      `could not list what npm would ship: ${packed.error}`,
      'run `npm pack --dry-run` in the package directory and fix what it reports',
    );
  const missing = entries.filter((e) => !isPacked(e, packed.files));
  if (missing.length === 0) return pass('npm.entry-points', `all ${entries.length} entry point(s) are in the tarball (${packed.files.size} files)`);
  return fail(
    'npm.entry-points',
    `${missing.map((e) => `${e.field} → ${e.target}`).join(', ')} ${missing.length > 1 ? 'are' : 'is'} not in what \`npm pack\` would ship; the published package would be broken`,
    'build the package before readiness/publish (make the target depend on `build`), and check `files` in package.json and .npmignore',
  );
}
