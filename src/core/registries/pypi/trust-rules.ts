import type { RegistryTrustRules } from '../types';
import { pypiCiRules } from './ci-rules';
import { pypiRefusedTokens } from './refused-tokens';

export const pypiTrustRules: RegistryTrustRules = {
  claims: {
    label: 'PyPI',
    workflowClaim: 'job_workflow_ref',
    repositoryCase: 'insensitive',
    environmentCase: 'insensitive',
    refuseReusable: true,
    requireLocalJobWorkflow: true,
    tagOnly: false,
  },
  capabilities: {
    supportedProviders: ['github_actions', 'gitlab_ci', 'google_cloud_build'],
    trustedPublishing: true,
    registrySetupVerifiable: false,
    registrySetupAutomation: false,
    registryNativeProvenance: true,
    adapterCanRequireProvenance: false,
    docsUrl: 'https://docs.pypi.org/trusted-publishers/',
    notes: ['PyPI Trusted Publishers support multiple CI identity providers', 'PEP 740 digital attestations are separate from trusted-publisher authorization'],
  },
  tokenVariables: pypiRefusedTokens,
  // A pending publisher lets the first trusted upload create the project.
  newPackage: 'created-by-publish',
  ci: pypiCiRules,
};
