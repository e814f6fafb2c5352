import type { RegistryTrustRules } from '../types';
import { pubDevCiRules } from './ci-rules';

/**
 * pub.dev takes a token only from a run of a pushed tag matching the package's tag pattern. The
 * two patterns we support are exact: `<name>-v<version>` (one tag per package) or `v<version>`.
 */
export function pubDevReleaseTags(name: string, version: string): string[] {
  return [`${name}-v${version}`, `v${version}`];
}

export const pubDevTrustRules: RegistryTrustRules = {
  claims: {
    label: 'pub.dev',
    workflowClaim: 'workflow_ref',
    repositoryCase: 'exact',
    environmentCase: 'exact',
    refuseReusable: false,
    requireLocalJobWorkflow: true,
    tagOnly: true,
    allowedEvents: ['push', 'workflow_dispatch'],
  },
  capabilities: {
    supportedProviders: ['github_actions', 'google_cloud_build'],
    trustedPublishing: true,
    registrySetupVerifiable: false,
    registrySetupAutomation: false,
    registryNativeProvenance: false,
    adapterCanRequireProvenance: false,
    docsUrl: 'https://dart.dev/tools/pub/automated-publishing',
    notes: ['pub.dev automated publishing uses configured OIDC publishers', 'pub.dev registry-side publisher setup requires manual review'],
  },
  releaseTags: (manifest, version) => pubDevReleaseTags(manifest.name, version),
  releaseTagRule: {
    why: 'pub.dev only accepts OIDC tokens from runs of a pushed tag that matches its tag pattern',
    registrySetup: 'set the same tag pattern on pub.dev (Admin → Automated publishing)',
  },
  // Automated publishing is enabled on the admin page of an existing package.
  newPackage: 'placeholder-first',
  ci: pubDevCiRules,
};
