import { isPublishEvent, isUntrustedTrigger, PUBLISH_EVENTS, refusedEventReason, UNTRUSTED_TRIGGERS } from './untrusted-triggers';

describe('untrusted triggers', () => {
  it('allows exactly push, release, workflow_dispatch, schedule and workflow_call to publish', () => {
    expect([...PUBLISH_EVENTS]).toEqual(['push', 'release', 'workflow_dispatch', 'schedule', 'workflow_call']);
    for (const event of PUBLISH_EVENTS) expect([event, isPublishEvent(event), refusedEventReason(event)]).toEqual([event, true, undefined]);
  });

  it.each([
    'issue_comment',
    'issues',
    'watch',
    'fork',
    'pull_request',
    'pull_request_target',
    'pull_request_review_comment',
    'workflow_run',
    'discussion',
    'merge_group',
    'toString',
    '',
  ])('refuses %s with a reason', (event) => {
    expect(isPublishEvent(event)).toBe(false);
    expect(refusedEventReason(event)).toEqual(expect.any(String));
  });

  it('gives the well-known refused events their own reason', () => {
    expect(refusedEventReason('pull_request_review')).toBe('runs code from a pull request (fork pull requests never get an OIDC token)');
    expect(refusedEventReason('watch')).toBe('runs whenever anyone stars the repository');
    expect(refusedEventReason('workflow_run')).toBe(UNTRUSTED_TRIGGERS.workflow_run);
    expect(refusedEventReason('merge_group')).toContain('is not one of the events that may publish');
  });

  it('lists the triggers others can set off in a privileged run, and no publish event among them', () => {
    expect(Object.keys(UNTRUSTED_TRIGGERS).sort()).toEqual([
      'discussion',
      'discussion_comment',
      'issue_comment',
      'issues',
      'pull_request_target',
      'workflow_run',
    ]);
    expect(PUBLISH_EVENTS.filter(isUntrustedTrigger)).toEqual([]);
    expect(isUntrustedTrigger('pull_request')).toBe(false);
    expect(isUntrustedTrigger('constructor')).toBe(false);
  });
});
