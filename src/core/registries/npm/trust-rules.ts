import type { RegistryTrustRules } from '../types';
import { npmCiRules } from './ci-rules';
import { findNpmCredentials, npmCredentialRefusal } from './credentials';
import { npmRefusedTokens } from './refused-tokens';
import { npmBaseUrl } from './registry-url';
import { configureNpmTrustFor } from './trust-for-package';

export const npmTrustRules: RegistryTrustRules = {
  claims: {
    label: 'npm',
    workflowClaim: 'workflow_ref',
    repositoryCase: 'exact',
    environmentCase: 'exact',
    refuseReusable: true,
    requireLocalJobWorkflow: true,
    tagOnly: false,
    provenanceNeedsPublicHostedRun: true,
  },
  capabilities: {
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
  credentialRefusal: ({ pkgId, env, root, packageDir }) =>
    npmCredentialRefusal(findNpmCredentials({ env, root, packageDir, registryUrl: npmBaseUrl(env) }), pkgId),
  tokenVariables: npmRefusedTokens,
  // A new package needs a first version before a trusted publisher can be added to it.
  newPackage: 'placeholder-first',
  configurePublisher: ({ manifest, pkg, config, identity, runner, env }) => configureNpmTrustFor(manifest, pkg, config, identity, runner, env),
  ci: npmCiRules,
};
