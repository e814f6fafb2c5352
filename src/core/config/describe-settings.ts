import { DEFAULT_REGISTRY } from '../types';
import type { PackageConfig, PublishSettings } from './types';

/** A multi-line, human-readable summary of a package's effective publish settings (for demos and `--verbose`). */
export function describeEffectiveSettings(pkg: PackageConfig): string {
  const lines = [`${pkg.id} (${pkg.type}) at ${pkg.path}${pkg.version ? `, version ${pkg.version}` : ''}`];
  lines.push(...describePublishSettings(pkg.publish, DEFAULT_REGISTRY[pkg.type]).map((line) => `  ${line}`));
  return lines.join('\n');
}

function describePublishSettings(s: PublishSettings, defaultRegistry: string): string[] {
  const t = s.trustedPublishing;
  const trustedParts = [
    t.repository && `repository ${t.repository}`,
    t.workflow && `workflow ${t.workflow}`,
    t.environment && `environment ${t.environment}`,
    t.repositoryId && `repository id ${t.repositoryId}`,
    t.repositoryOwnerId && `owner id ${t.repositoryOwnerId}`,
  ].filter(Boolean);
  const placeholder = s.placeholder.readmeFile
    ? `readme file ${s.placeholder.readmeFile}`
    : s.placeholder.readme !== undefined
      ? `inline readme (${s.placeholder.readme.length} chars)`
      : 'generated readme';
  return [
    `publish: ${s.enabled ? 'enabled' : 'disabled'}`,
    `mode: ${s.mode}${s.mode === 'external' ? ' (recorded, published outside monochange)' : ''}`,
    `registry: ${s.registry}${s.registry === defaultRegistry ? ' (default)' : ''}`,
    `trusted publishing: ${t.enabled ? 'enabled' : 'disabled'}${trustedParts.length ? ` (${trustedParts.join(', ')})` : ''}`,
    `registry provenance required: ${s.attestations.requireRegistryProvenance ? 'yes' : 'no'}`,
    `placeholder: ${placeholder}`,
    `rate limits enforced: ${s.rateLimits.enforce ? 'yes' : 'no'}`,
  ];
}
