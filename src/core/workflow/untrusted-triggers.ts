/**
 * Which GitHub Actions events may start a publish, judged here once for the workflow audit, the
 * readiness checks and the OIDC claim check.
 */

/** Events started by people with write access to the repository, or by its own schedule. */
export const PUBLISH_EVENTS = ['push', 'release', 'workflow_dispatch', 'schedule', 'workflow_call'] as const;

export function isPublishEvent(name: string): boolean {
  return (PUBLISH_EVENTS as readonly string[]).includes(name);
}

/**
 * Triggers that anyone with a GitHub account can set off while the run keeps the base
 * repository's token and secrets: a publish workflow must not have them at all.
 */
export const UNTRUSTED_TRIGGERS: Readonly<Record<string, string>> = {
  pull_request_target: "runs with the base repository's privileges on pull requests anyone can open",
  workflow_run: 'runs privileged after workflows that untrusted pull requests can trigger',
  issue_comment: "runs with the base repository's privileges on comments anyone can write",
  issues: "runs with the base repository's privileges on issues anyone can open",
  discussion: "runs with the base repository's privileges on discussions anyone can start",
  discussion_comment: "runs with the base repository's privileges on discussion comments anyone can write",
};

export function isUntrustedTrigger(name: string): boolean {
  return Object.hasOwn(UNTRUSTED_TRIGGERS, name);
}

const PULL_REQUEST_REASON = 'runs code from a pull request (fork pull requests never get an OIDC token)';

/** Why runs of some other well-known events are refused. */
const REFUSED_EVENTS: Readonly<Record<string, string>> = {
  ...UNTRUSTED_TRIGGERS,
  pull_request: PULL_REQUEST_REASON,
  fork: 'runs whenever anyone forks the repository',
  watch: 'runs whenever anyone stars the repository',
};

/** Why a run started by `name` may not publish; `undefined` for the events in PUBLISH_EVENTS. */
export function refusedEventReason(name: string): string | undefined {
  if (isPublishEvent(name)) return undefined;
  if (Object.hasOwn(REFUSED_EVENTS, name)) return REFUSED_EVENTS[name];
  if (name.startsWith('pull_request')) return PULL_REQUEST_REASON;
  return `is not one of the events that may publish (${PUBLISH_EVENTS.map((e) => `\`${e}\``).join(', ')})`;
}
