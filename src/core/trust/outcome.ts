import type { CiIdentity } from '../ci/types';
import type { MonochangeConfig, PackageConfig } from '../config/types';
import { registryAdapter } from '../registries';
import type { TrustOutcome } from '../types';
import { capabilityMessage, registryTrustCapabilities } from './capabilities';
import { type ExpectedContext, describeContext, resolveExpectedContext } from './context';

export interface TrustOutcomeInput {
  pkg: PackageConfig;
  registry: string;
  /** Package name on the registry (Go: module path). */
  name: string;
  identity: CiIdentity;
  config: Pick<MonochangeConfig, 'source'>;
  /** Per-package setup page built by the registry adapter; null when there is none. */
  setupUrl: string | null;
  /** Registries whose publisher setup the plugin automates (npm): the `npm trust github …` command, or a builder given the resolved context. */
  npmTrustCommand?: string | ((context: ExpectedContext) => string);
}

const DISABLED_MESSAGE = 'trusted publishing disabled';

/** Trusted publishing off, external/skipped packages, or a publish command that failed. */
export function disabledOutcome(): TrustOutcome {
  return { status: 'disabled', repository: null, workflow: null, environment: null, setupUrl: null, message: DISABLED_MESSAGE };
}

/** Dry runs and readiness rows: what a real publish would need (`planned`). */
export function plannedOutcome(input: TrustOutcomeInput): TrustOutcome {
  if (!input.pkg.publish.trustedPublishing.enabled) return disabledOutcome();
  const resolved = resolveExpectedContext(input.pkg, input.config, input.identity);
  if (resolved.ok) {
    const command = npmCommand(input, resolved.context);
    if (command) {
      return withContext(input, resolved.context, 'planned', `would configure npm trusted publishing with \`${command}\``);
    }
    const self = registryAdapter(input.registry)?.trust.withoutRegistrySetup;
    if (self) return withContext(input, resolved.context, 'planned', self.planned(input.name, describeContext(resolved.context)));
  }
  return manualOutcome(input);
}

/**
 * After a successful publish or a skip because the version exists.
 * `configured` means "the context resolves", not "verified on the registry".
 */
export function configuredOrManualOutcome(input: TrustOutcomeInput): TrustOutcome {
  if (!input.pkg.publish.trustedPublishing.enabled) return disabledOutcome();
  const resolved = resolveExpectedContext(input.pkg, input.config, input.identity);
  if (resolved.ok) {
    const command = npmCommand(input, resolved.context);
    if (command) {
      return withContext(
        input,
        resolved.context,
        'configured',
        `npm trusted publishing is expected for this package; rerun \`${command}\` if you need to repair it manually`,
      );
    }
    const self = registryAdapter(input.registry)?.trust.withoutRegistrySetup;
    if (self) return withContext(input, resolved.context, 'configured', self.configured(input.name, describeContext(resolved.context)));
  }
  return manualOutcome(input);
}

/** The maintainer must register the context on the registry by hand (`manual_action_required`). */
export function manualOutcome(input: TrustOutcomeInput): TrustOutcome {
  if (!input.pkg.publish.trustedPublishing.enabled) return disabledOutcome();
  const setupUrl = input.setupUrl ?? registryTrustCapabilities(input.registry).docsUrl;
  const where = setupUrl ? `open ${setupUrl}` : `use ${input.registry}'s own trusted-publishing settings`;
  const resolved = resolveExpectedContext(input.pkg, input.config, input.identity);

  if (!resolved.ok) {
    const settings = input.pkg.publish.trustedPublishing;
    const cap = capabilityMessage(input.registry, input.identity);
    return {
      status: 'manual_action_required',
      repository: settings.repository ?? null,
      workflow: settings.workflow ?? null,
      environment: settings.environment ?? null,
      setupUrl,
      message: `configure trusted publishing manually for \`${input.name}\` before the next built-in release publish; ${where} and finish the GitHub context setup first: ${resolved.message}. ${cap}`,
    };
  }

  const ctx = describeContext(resolved.context);
  const command = npmCommand(input, resolved.context);
  const message = command
    ? `configure trusted publishing for \`${input.name}\` before the next built-in release publish by running \`${command}\`; you can also ${where} and register ${ctx} there`
    : `configure trusted publishing manually for \`${input.name}\` before the next built-in release publish; ${where} and register ${ctx} there`;
  return { ...withContext(input, resolved.context, 'manual_action_required', message), setupUrl };
}

function npmCommand(input: TrustOutcomeInput, context: ExpectedContext): string | undefined {
  if (!registryTrustCapabilities(input.registry).registrySetupAutomation || input.npmTrustCommand === undefined) return undefined;
  return typeof input.npmTrustCommand === 'function' ? input.npmTrustCommand(context) : input.npmTrustCommand;
}

function withContext(input: TrustOutcomeInput, context: ExpectedContext, status: TrustOutcome['status'], message: string): TrustOutcome {
  return {
    status,
    repository: context.repository,
    workflow: context.workflow,
    environment: context.environment ?? null,
    setupUrl: input.setupUrl,
    message,
  };
}
