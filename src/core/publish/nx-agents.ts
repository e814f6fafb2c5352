import { MonochangeError } from '../errors';
import type { Env } from '../types';

const FIX =
  'keep publishing on the CI job that holds the OIDC token: set `NX_CLOUD_DISTRIBUTED_EXECUTION: "false"` on the publish step, or stop the agents before it (`npx nx-cloud start-ci-run --stop-agents-after=build`, or `npx nx-cloud stop-all-agents`)';

/**
 * A publish task on an Nx Agent cannot hold the CI job's identity: the job's OIDC request
 * variables (GitHub) or ID tokens (GitLab) never reach an agent, and a token forwarded to one would
 * leave the job that minted it. Refused by name instead of failing later as "no identity".
 */
export function nxAgentRefusal(env: Env, what: string): MonochangeError | undefined {
  const agent = env.NX_AGENT_NAME;
  if (!agent) return undefined;
  return new MonochangeError(
    `${what} runs on an Nx Agent (NX_AGENT_NAME=${JSON.stringify(agent)}), which never holds the CI job's OIDC identity, so nothing is published from it`,
    {
      code: 'nx-cloud.agent',
      fix: FIX,
    },
  );
}

/** On the main job, before Nx distributes anything: publish tasks would run on Nx Agents. */
export function distributionRefusal(env: Env): MonochangeError | undefined {
  if (env.NX_CLOUD_DISTRIBUTED_EXECUTION !== 'true') return undefined;
  return new MonochangeError(
    "this publish would be distributed to Nx Agents (NX_CLOUD_DISTRIBUTED_EXECUTION=true), which never hold the CI job's OIDC identity; nothing was published",
    {
      code: 'nx-cloud.distributed',
      fix: FIX,
    },
  );
}
