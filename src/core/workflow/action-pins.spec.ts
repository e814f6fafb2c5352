import * as fs from 'node:fs';
import * as path from 'node:path';
import { ACTION_PINS } from './action-pins';

interface ReferencePin {
  version: string;
  sha: string;
  source: string;
  tag_verified?: { version: string; sha: string };
}

// The reviewed pin list the table was built from.
const reference: Record<string, ReferencePin> = JSON.parse(fs.readFileSync(path.join(__dirname, '__fixtures__', 'action-pins.reference.json'), 'utf8'));

interface CrossCheckedPin {
  version: string;
  sha: string;
  reason: string;
  sources: string[];
}

// Pins taken from outside the reviewed list, each with the independent public sources that agree on it.
const crossChecked: Record<string, CrossCheckedPin> = JSON.parse(
  fs.readFileSync(path.join(__dirname, '__fixtures__', 'action-pins.cross-checked.json'), 'utf8'),
);

describe('ACTION_PINS', () => {
  const reviewed = Object.entries(ACTION_PINS).filter(([, pin]) => !crossChecked[pin.action]);

  it.each(reviewed)('%s comes from the reviewed pin list, tag-confirmed', (_, pin) => {
    const entry = reference[pin.action];
    expect(entry).toBeDefined();
    expect(pin.sha).toMatch(/^[0-9a-f]{40}$/);
    // Where the newest pair was only seen in other workflows, the tag-confirmed pair is used.
    const expected = entry.tag_verified ?? entry;
    expect(entry.tag_verified ? true : entry.source.startsWith('tag in fetched repo')).toBe(true);
    expect({ version: pin.version, sha: pin.sha }).toEqual({ version: expected.version, sha: expected.sha });
  });

  it('uses cross-checked pins only for pnpm/action-setup, each agreed on by several sources', () => {
    expect(Object.keys(crossChecked)).toEqual(['pnpm/action-setup']);
    for (const [action, entry] of Object.entries(crossChecked)) {
      const pin = Object.values(ACTION_PINS).find((p) => p.action === action);
      expect({ version: pin?.version, sha: pin?.sha }).toEqual({ version: entry.version, sha: entry.sha });
      expect(entry.sha).toMatch(/^[0-9a-f]{40}$/);
      expect(entry.sources.length).toBeGreaterThanOrEqual(3);
      for (const source of entry.sources) expect(source).toContain(entry.sha);
      // The reviewed list knows the action, so its tag-confirmed pair is at hand to fall back to.
      expect(reference[action]?.tag_verified?.sha).toMatch(/^[0-9a-f]{40}$/);
    }
  });

  it('pins every action a generated workflow uses', () => {
    expect(
      Object.values(ACTION_PINS)
        .map((p) => p.action)
        .sort(),
    ).toEqual([
      'actions/checkout',
      'actions/setup-go',
      'actions/setup-node',
      'actions/upload-artifact',
      'astral-sh/setup-uv',
      'dart-lang/setup-dart',
      'denoland/setup-deno',
      'oven-sh/setup-bun',
      'pnpm/action-setup',
      'rust-lang/crates-io-auth-action',
    ]);
  });
});
