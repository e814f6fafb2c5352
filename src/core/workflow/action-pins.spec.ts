import * as fs from 'node:fs';
import * as path from 'node:path';
import { ACTION_PINS } from './action-pins';

interface ReferencePin {
  version: string;
  sha: string;
  source: string;
  tag_verified?: { version: string; sha: string };
}

// A copy of the reviewed pin list (reference/action-pins.json) the table was built from.
const reference: Record<string, ReferencePin> = JSON.parse(
  fs.readFileSync(path.join(__dirname, '__fixtures__', 'action-pins.reference.json'), 'utf8'),
);

describe('ACTION_PINS', () => {
  it.each(Object.entries(ACTION_PINS))('%s comes from the reference list, tag-confirmed', (_, pin) => {
    const entry = reference[pin.action];
    expect(entry).toBeDefined();
    expect(pin.sha).toMatch(/^[0-9a-f]{40}$/);
    // Where the newest pair was only seen in other workflows, the tag-confirmed pair is used.
    const expected = entry.tag_verified ?? entry;
    expect(entry.tag_verified ? true : entry.source.startsWith('tag in fetched repo')).toBe(true);
    expect({ version: pin.version, sha: pin.sha }).toEqual({ version: expected.version, sha: expected.sha });
  });

  it('pins every action a generated workflow uses', () => {
    expect(Object.values(ACTION_PINS).map((p) => p.action).sort()).toEqual([
      'actions/checkout',
      'actions/setup-go',
      'actions/setup-node',
      'actions/upload-artifact',
      'astral-sh/setup-uv',
      'dart-lang/setup-dart',
      'denoland/setup-deno',
      'rust-lang/crates-io-auth-action',
    ]);
  });
});
