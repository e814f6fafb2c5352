import fs from 'node:fs';
import path from 'node:path';
import type { PackageConfig } from '../../config/types';
import { DEFAULT_READINESS_PATH } from '../../run/artifact-schema';
import { formatWindow } from '../../registries/rate-limit-window';
import type { ReadinessCheck, ReadinessContext } from '../types';
import { declaredManifest, inPublishSet } from './declared-manifests';
import { fail, pass, registryOf, warn, willPublish } from './support';

/**
 * How many uploads this run makes to the package's registry, against its window. A task only
 * knows itself, so the count is estimated cheaply from config and manifests: every declared
 * package of the same registry with publishing on, minus private manifests, minus packages the
 * readiness artifact already records as published at their version. Unreadable manifests count.
 */
export const rateLimitChecks: ReadinessCheck = (ctx) => {
  if (!willPublish(ctx)) return [];
  const registry = registryOf(ctx);
  const policy = ctx.target.adapter?.rateLimit;
  const label = ctx.target.adapter?.label ?? registry;
  if (!policy?.limit || !policy.windowSeconds) return [pass('rate-limits.window', `${label} documents no precise publish quota`)];
  const pending = pendingPackages(ctx, registry);
  const { limit, windowSeconds } = policy;
  const window = formatWindow(windowSeconds);
  if (pending.length <= limit)
    return [pass('rate-limits.window', `${pending.length} ${label} publish(es) in this run fit the window of ${limit} per ${window}`)];
  const batches = Math.ceil(pending.length / limit);
  const index = pending.findIndex((p) => p.id === ctx.target.pkg.id);
  const mine = index >= 0 ? Math.floor(index / limit) + 1 : undefined;
  const plan = Array.from({ length: batches }, (_, i) => {
    const size = Math.min(limit, pending.length - i * limit);
    return i === 0 ? `batch 1: ${size} now` : `batch ${i + 1}: ${size} after ${windowSeconds * i} s`;
  }).join('; ');
  const message = `${pending.length} ${label} publishes in this run need ${batches} batches under the ${limit} per ${window} window (${plan})${mine ? `; ${ctx.target.pkg.id} is in batch ${mine}` : ''}`;
  const fix = `publish in batches (\`nx run-many -t publish --projects=…\` per batch, waiting ${windowSeconds} s between them), or publish a filtered subset`;
  const enforced = pending.some((p) => p.publish.rateLimits.enforce);
  return [
    enforced
      ? fail('rate-limits.window', `${message}; \`rate_limits.enforce = true\` blocks a run that does not fit`, fix)
      : warn('rate-limits.window', message, fix),
  ];
};

function pendingPackages(ctx: ReadinessContext, registry: string): PackageConfig[] {
  const recorded = publishedInArtifact(ctx.config.root);
  return ctx.config.packages
    .filter((p) => inPublishSet(p, registry))
    .filter((p) => {
      if (p.id === ctx.target.pkg.id) return true; // willPublish() said this one is pending
      const manifest = declaredManifest(ctx.config, p);
      if (manifest instanceof Error) return true;
      if (manifest.private) return false;
      const version = manifest.version ?? p.version;
      return !(version && recorded.get(p.id) === version);
    })
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** package id → version the readiness artifact records as already published (earlier tasks of this run). */
function publishedInArtifact(root: string): Map<string, string> {
  const out = new Map<string, string>();
  try {
    const json = JSON.parse(fs.readFileSync(path.join(root, DEFAULT_READINESS_PATH), 'utf8')) as { packages?: Array<Record<string, unknown>> };
    for (const entry of json.packages ?? []) {
      if (entry.status === 'already_published' && typeof entry.package === 'string' && typeof entry.version === 'string') out.set(entry.package, entry.version);
    }
  } catch {
    // no artifact yet: every package counts
  }
  return out;
}
