import { registryAdapter } from '../../registries';
import { refusedTokenVariables } from '../../trust/tokens';
import type { Check } from '../../types';
import type { ReadinessCheck, ReadinessContext } from '../types';
import { fail, listOf, pass, registryOf, trustedPublishing, willPublish } from './support';

/**
 * Long-lived credentials that would be used instead of (or break) trusted publishing: token
 * variables in the environment and the credential files the registry's CLI loads (npm: npmrc),
 * judged exactly as the publish gate judges them. Values are never read into messages, only
 * names and file:line.
 */
export const credentialChecks: ReadinessCheck = (ctx) => {
  if (!willPublish(ctx)) return [];
  if (!trustedPublishing(ctx)) return [pass('credentials.env-token', 'trusted publishing is off for this package: tokens are how it authenticates')];
  const checks: Check[] = [envTokenCheck(ctx)];
  const fileCheck = registryAdapter(registryOf(ctx))?.credentialFileCheck;
  if (fileCheck) checks.push(fileCheck(ctx));
  return checks;
};

function envTokenCheck(ctx: ReadinessContext): Check {
  const registry = registryOf(ctx);
  const label = ctx.target.adapter?.label ?? registry;
  const refused = refusedTokenVariables(registry, ctx.env);
  if (refused.length > 0) {
    return fail(
      'credentials.env-token',
      `${listOf(refused)} ${refused.length > 1 ? 'are' : 'is'} set in the environment; ${label} would use ${refused.length > 1 ? 'them' : 'it'} instead of trusted publishing (an empty value counts: setup actions write one)`,
      `remove ${listOf(refused)} from the publish job (and \`registry-url\` from actions/setup-node)`,
    );
  }
  const exchanged = registryAdapter(registry)?.trust.exchangedTokenVariable;
  if (exchanged && ctx.env[exchanged.name] !== undefined) return pass('credentials.env-token', exchanged.note);
  return pass('credentials.env-token', `no long-lived ${label} token variable is set`);
}
