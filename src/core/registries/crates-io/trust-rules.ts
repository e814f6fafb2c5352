import type { RegistryTrustRules } from '../types';
import { cratesIoCiRules } from './ci-rules';

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
  // rust-lang/crates-io-auth-action exports the short-lived token under this same name.
  exchangedTokenVariable: {
    name: 'CARGO_REGISTRY_TOKEN',
    note: '`CARGO_REGISTRY_TOKEN` is set: fine when rust-lang/crates-io-auth-action produced it in this job, a long-lived token otherwise (which cannot be told apart from here)',
  },
  // Trusted publishers are configured on an existing crate.
  newPackage: 'placeholder-first',
  ci: cratesIoCiRules,
};
