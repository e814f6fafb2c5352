import { type CiIdentity, PROVIDER_LABELS, type ProviderId } from '../ci/types';
import { isBuiltinRegistry, type RegistryId } from '../types';

/** What a registry supports for trusted publishing (reference §3.1). */
export interface RegistryTrustCapabilities {
  registry: string;
  supportedProviders: ProviderId[];
  trustedPublishing: boolean;
  registrySetupVerifiable: boolean;
  registrySetupAutomation: boolean;
  registryNativeProvenance: boolean;
  /** Our built-in publisher can make the upload carry provenance (npm `--provenance`, JSR). */
  adapterCanRequireProvenance: boolean;
  /** Registry documentation on trusted publishing (not the per-package setup page, §5.7). */
  docsUrl: string | null;
  notes: string[];
}

/** What one registry supports from one CI provider (reference §3.2). */
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

type BuiltinRow = Omit<RegistryTrustCapabilities, 'registry'>;

const BUILTIN: Record<RegistryId, BuiltinRow> = {
  npm: {
    supportedProviders: ['github_actions', 'gitlab_ci'],
    trustedPublishing: true,
    registrySetupVerifiable: true,
    registrySetupAutomation: true,
    registryNativeProvenance: true,
    adapterCanRequireProvenance: true,
    docsUrl: 'https://docs.npmjs.com/trusted-publishers',
    notes: [
      'npm trusted publishing supports GitHub Actions and GitLab CI/CD',
      'monochange can verify and automate npm GitHub trusted-publisher setup with npm CLI trust commands',
    ],
  },
  crates_io: {
    supportedProviders: ['github_actions'],
    trustedPublishing: true,
    registrySetupVerifiable: false,
    registrySetupAutomation: false,
    registryNativeProvenance: false,
    adapterCanRequireProvenance: false,
    docsUrl: 'https://crates.io/docs/trusted-publishing',
    notes: [
      'crates.io trusted publishing uses OIDC short-lived tokens',
      'monochange does not currently verify crates.io registry-side trusted-publisher setup',
    ],
  },
  jsr: {
    supportedProviders: ['github_actions'],
    trustedPublishing: true,
    registrySetupVerifiable: false,
    registrySetupAutomation: false,
    registryNativeProvenance: true,
    adapterCanRequireProvenance: true,
    docsUrl: 'https://jsr.io/docs/publishing-packages',
    notes: [
      'JSR can publish from supported CI without long-lived tokens',
      'JSR package provenance is available, but monochange does not verify registry-side setup',
    ],
  },
  pub_dev: {
    supportedProviders: ['github_actions', 'google_cloud_build'],
    trustedPublishing: true,
    registrySetupVerifiable: false,
    registrySetupAutomation: false,
    registryNativeProvenance: false,
    adapterCanRequireProvenance: false,
    docsUrl: 'https://dart.dev/tools/pub/automated-publishing',
    notes: [
      'pub.dev automated publishing uses configured OIDC publishers',
      'pub.dev registry-side publisher setup requires manual review',
    ],
  },
  pypi: {
    supportedProviders: ['github_actions', 'gitlab_ci', 'google_cloud_build'],
    trustedPublishing: true,
    registrySetupVerifiable: false,
    registrySetupAutomation: false,
    registryNativeProvenance: true,
    adapterCanRequireProvenance: false,
    docsUrl: 'https://docs.pypi.org/trusted-publishers/',
    notes: [
      'PyPI Trusted Publishers support multiple CI identity providers',
      'PEP 740 digital attestations are separate from trusted-publisher authorization',
    ],
  },
  go_proxy: {
    supportedProviders: [],
    trustedPublishing: false,
    registrySetupVerifiable: false,
    registrySetupAutomation: false,
    registryNativeProvenance: false,
    adapterCanRequireProvenance: false,
    docsUrl: null,
    notes: ['unknown registry capabilities are treated as unsupported'],
  },
};

const CUSTOM: BuiltinRow = {
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
  const row = isBuiltinRegistry(registry) ? BUILTIN[registry] : CUSTOM;
  return { registry, ...row, supportedProviders: [...row.supportedProviders], notes: [...row.notes] };
}

export function providerRegistryCapability(registry: string, provider: ProviderId): ProviderRegistryCapability {
  const row = registryTrustCapabilities(registry);
  const supported = row.supportedProviders.includes(provider);
  const setup = supported && registry === 'npm' && provider === 'github_actions';
  const label = PROVIDER_LABELS[provider];
  const notes = [...row.notes];
  if (!supported) notes.push(`${label} is not a supported trusted-publishing provider for ${registry}`);
  else if (!setup) {
    notes.push(
      `monochange can identify ${label} context for ${registry}, but registry-side setup still requires manual review`,
    );
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

/** One sentence on what trusted publishing can do for `registry` from this identity (§3.3). */
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
  const setup = cell.registrySetupVerifiable
    ? 'monochange can verify registry-side setup'
    : 'registry-side setup verification is manual';
  const provenance = cell.registryNativeProvenance
    ? 'registry-native provenance is available'
    : 'registry-native provenance is not available';
  return `Current CI provider ${label} is supported for ${registry} trusted publishing; ${setup}; ${provenance}.`;
}
