import type { RegistryTrustRules } from '../types';

export const cratesIoTrustRules: RegistryTrustRules = {
  claims: {
    label: 'crates.io',
    workflowClaim: 'workflow_ref',
    repositoryCase: 'insensitive',
    environmentCase: 'insensitive',
    refuseReusable: true,
    requireLocalJobWorkflow: true,
    tagOnly: false,
  },
  capabilities: {
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
};
