export {
  capabilityMessage,
  providerRegistryCapability,
  registryTrustCapabilities,
  supportedProvidersList,
  type ProviderRegistryCapability,
  type RegistryTrustCapabilities,
} from './capabilities';
export { describeContext, normalizeWorkflow, resolveExpectedContext, type ContextResolution, type ContextSource, type ExpectedContext } from './context';
export {
  compareGithub,
  compareGitlab,
  enforceTrust,
  trustRefusalError,
  TRUST_REFUSAL_CODES,
  type EnforceTrustInput,
  type TrustRefusalCode,
  type TrustVerdict,
} from './enforce';
export { configuredOrManualOutcome, disabledOutcome, manualOutcome, plannedOutcome, type TrustOutcomeInput } from './outcome';
export { checkProvenance, type CheckProvenanceInput, type ProvenanceRefusalCode, type ProvenanceVerdict } from './provenance';
export {
  describeNpmrcAuthToken,
  findNpmrcAuthTokens,
  isRefusedNpmTokenVariable,
  isRefusedPypiTokenVariable,
  refusedTokenVariables,
  type NpmrcAuthToken,
} from './tokens';
