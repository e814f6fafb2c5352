import type { RegistryTrustRules } from '../types';
import { goCiRules } from './ci-rules';
import { goTagFor } from './module-path';

/**
 * Go has no registry-side trust: a version is a git tag we push. Our check of the signed identity
 * is the only one, so it is exact and needs the job's own workflow in the released repository.
 */
export const goTrustRules: RegistryTrustRules = {
  claims: {
    label: 'Go',
    workflowClaim: 'workflow_ref',
    repositoryCase: 'insensitive',
    environmentCase: 'exact',
    refuseReusable: false,
    requireLocalJobWorkflow: true,
    tagOnly: true,
  },
  capabilities: {
    supportedProviders: ['github_actions', 'gitlab_ci'],
    trustedPublishing: true,
    registrySetupVerifiable: false,
    registrySetupAutomation: false,
    registryNativeProvenance: false,
    adapterCanRequireProvenance: false,
    docsUrl: null,
    notes: [
      'Go modules are published by pushing a release tag; no registry credential is exchanged',
      'with trusted publishing on, a tag is pushed only from a job whose signed GitHub or GitLab identity matches the configured repository (on GitLab, from a protected tag)',
    ],
  },
  releaseTags: (manifest, version) => [goTagFor(manifest, version)],
  releaseTagRule: { why: 'Go module versions are git tags, and the signed identity must name the tag being released' },
  pinnedRepositoryRequired: true,
  withoutRegistrySetup: {
    planned: (name, context) => `would tag \`${name}\` from ${context}; the Go module proxy has no registry-side trusted publishing to configure`,
    configured: (name, context) => `the Go module proxy has no registry-side trusted publishing; tags for \`${name}\` are only created from ${context}`,
  },
  // The first tag creates the module version; there is nothing to create beforehand.
  newPackage: 'created-by-publish',
  ci: goCiRules,
};
