import { type CiIdentity, PROVIDER_LABELS, type ProviderId } from '../ci/types';
import { registryAdapter } from '../registries';
import type { RegistryCapabilities } from '../registries/types';

/** What a registry supports for trusted publishing, as its adapter declares it. */
export interface RegistryTrustCapabilities extends RegistryCapabilities {
  registry: string;
}

/** What one registry supports from one CI provider. */
export interface ProviderRegistryCapability {
  registry: string;
  provider: ProviderId;
  trustedPublishing: boolean;
  ciIdentityVerifiable: boolean;
  registrySetupVerifiable: boolean;
  registrySetupAutomation: boolean;
  registryNativeProvenance: boolean;
  adapterCanRequireProvenance: boolean;
  notes: string[];
}

const CUSTOM: RegistryCapabilities = {
  supportedProviders: [],
  trustedPublishing: false,
  registrySetupVerifiable: false,
  registrySetupAutomation: false,
  registryNativeProvenance: false,
  adapterCanRequireProvenance: false,
  docsUrl: null,
  notes: ['custom/private registries have no built-in trusted-publishing contract in monochange'],
};

/** Capabilities of a registry id; any string that is not a built-in id is a custom registry. */
export function registryTrustCapabilities(registry: string): RegistryTrustCapabilities {
  const row = registryAdapter(registry)?.trust.capabilities ?? CUSTOM;
  return { registry, ...row, supportedProviders: [...row.supportedProviders], notes: [...row.notes] };
}

export function providerRegistryCapability(registry: string, provider: ProviderId): ProviderRegistryCapability {
  const row = registryTrustCapabilities(registry);
  const supported = row.supportedProviders.includes(provider);
  // Only npm's GitHub publisher can be read and written from here (`npm trust`).
  const setup = supported && row.registrySetupVerifiable && provider === 'github_actions';
  const label = PROVIDER_LABELS[provider];
  const notes = [...row.notes];
  if (!supported) notes.push(`${label} is not a supported trusted-publishing provider for ${registry}`);
  else if (!setup) {
    notes.push(`monochange can identify ${label} context for ${registry}, but registry-side setup still requires manual review`);
  }
  return {
    registry,
    provider,
    trustedPublishing: supported,
    ciIdentityVerifiable: supported && provider !== 'unknown',
    registrySetupVerifiable: setup,
    registrySetupAutomation: setup,
    registryNativeProvenance: supported && row.registryNativeProvenance,
    adapterCanRequireProvenance: supported && row.adapterCanRequireProvenance,
    notes,
  };
}

/** Supported provider labels joined with `, `, or `none`. */
export function supportedProvidersList(registry: string): string {
  const labels = registryTrustCapabilities(registry).supportedProviders.map((p) => PROVIDER_LABELS[p]);
  return labels.length > 0 ? labels.join(', ') : 'none';
}

/** One sentence on what trusted publishing can do for `registry` from this identity. */
export function capabilityMessage(registry: string, identity: Pick<CiIdentity, 'provider' | 'verifiable'>): string {
  const list = supportedProvidersList(registry);
  if (identity.provider === 'unknown') {
    return `No supported CI provider identity was detected for ${registry} trusted publishing; supported providers: ${list}.`;
  }
  const label = PROVIDER_LABELS[identity.provider];
  const cell = providerRegistryCapability(registry, identity.provider);
  if (!cell.trustedPublishing) {
    return `Current CI provider ${label} is not supported for ${registry} trusted publishing; supported providers: ${list}.`;
  }
  if (!identity.verifiable) {
    return `Current CI provider ${label} is supported for ${registry} trusted publishing, but publish-time environment variables are incomplete; verify the registry publisher configuration manually.`;
  }
  const setup = cell.registrySetupVerifiable ? 'monochange can verify registry-side setup' : 'registry-side setup verification is manual';
  const provenance = cell.registryNativeProvenance ? 'registry-native provenance is available' : 'registry-native provenance is not available';
  return `Current CI provider ${label} is supported for ${registry} trusted publishing; ${setup}; ${provenance}.`;
}
