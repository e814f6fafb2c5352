import { closestMatch, editDistance } from './edit-distance';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['kitten', 'sitting', 3],
    ['registry', 'reigstry', 1],
    ['trusted_publishing', 'trusted_publshing', 1],
    ['mode', 'mode', 0],
  ])('%s -> %s = %d', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe('closestMatch', () => {
  const keys = ['enabled', 'mode', 'registry', 'trusted_publishing', 'attestations', 'placeholder', 'rate_limits'];

  it('suggests the closest key for typos, ignoring case', () => {
    expect(closestMatch('trusted_publshing', keys)).toBe('trusted_publishing');
    expect(closestMatch('REGISTRY', keys)).toBe('registry');
    expect(closestMatch('enabeld', keys)).toBe('enabled');
    expect(closestMatch('rate-limits', keys)).toBe('rate_limits');
  });

  it('suggests nothing when no candidate is plausibly meant', () => {
    expect(closestMatch('workspace', keys)).toBeUndefined();
    expect(closestMatch('type', keys)).toBeUndefined();
    expect(closestMatch('x', ['y'])).toBeUndefined();
    expect(closestMatch('anything', [])).toBeUndefined();
  });

  it('breaks ties by candidate order', () => {
    expect(closestMatch('ab', ['ac', 'ad'])).toBe('ac');
  });
});
