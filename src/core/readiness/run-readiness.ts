import { formatError } from '../errors';
import type { ReadinessEntry } from '../run/artifact-schema';
import type { Check } from '../types';
import type { ReadinessCheck, ReadinessContext } from './types';

/**
 * Runs every check for one package and derives its verdict: external → unsupported; version
 * already on the registry → already_published; any `fail` → blocked; else ready.
 */
export async function runReadiness(ctx: ReadinessContext, checks: ReadinessCheck[]): Promise<ReadinessEntry> {
  const { target } = ctx;
  const results: Check[] = [];
  for (const check of checks) {
    try {
      results.push(...(await check(ctx)));
    } catch (error) {
      results.push({
        id: 'readiness.internal',
        status: 'fail',
        message: `a readiness check crashed: ${formatError(error)}`,
        fix: 'report this as a bug in @monochange/nx',
      });
    }
  }
  const failed = results.find((c) => c.status === 'fail');
  let status: ReadinessEntry['status'];
  let message: string;
  if (!target.adapter) {
    status = 'unsupported';
    message = `external publishing (registry \`${target.pkg.publish.registry}\`): publish it from your own workflow step`;
  } else if (ctx.state.exists) {
    status = 'already_published';
    message = `${target.name} ${target.version} already exists on ${target.adapter.label}`;
  } else if (failed) {
    status = 'blocked';
    message = `${failed.id}: ${failed.message}`;
  } else {
    status = 'ready';
    message = `would publish ${target.name} ${target.version} to ${target.adapter.label}`;
  }
  return {
    package: target.pkg.id,
    project: target.project,
    ecosystem: target.manifest.ecosystem,
    registry: target.pkg.publish.registry,
    name: target.name,
    version: target.version,
    status,
    message,
    checks: results,
    trustedPublishing: ctx.gate.outcome(target, target.adapter ? 'planned' : 'disabled'),
  };
}
