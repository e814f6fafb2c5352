import type { RegistryTrustRules } from '../types';

export const jsrTrustRules: RegistryTrustRules = {
  // JSR checks no workflow or environment itself; ours is the only check, so it is exact.
  claims: {
    label: 'JSR',
    workflowClaim: 'workflow_ref',
    repositoryCase: 'insensitive',
    environmentCase: 'exact',
    refuseReusable: false,
    requireLocalJobWorkflow: true,
    tagOnly: false,
  },
  capabilities: {
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
  // The package is created in its scope and linked to the repository on jsr.io.
  newPackage: 'link-first',
  ci: {},
};
