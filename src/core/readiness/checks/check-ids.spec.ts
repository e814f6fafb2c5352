import fs from 'node:fs';
import path from 'node:path';
import { CHECK_IDS } from './check-ids';

const dir = __dirname;
const sources = fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts') && f !== 'check-ids.ts');

/** Ids the check files can emit: first argument of pass(…)/warn(…)/fail(…), plus `tools.<tool>`. */
function emittedIds(): Set<string> {
  const ids = new Set<string>();
  for (const file of sources) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    for (const m of text.matchAll(/\b(?:pass|warn|fail)\(\s*'([a-z-]+\.[a-z-]+)'/g)) ids.add(m[1]);
  }
  return ids;
}

function titlesIn(spec: string): Set<string> {
  const text = fs.readFileSync(path.join(dir, spec), 'utf8');
  const titles = new Set<string>();
  for (const m of text.matchAll(/\bit(?:\.each\([^)]*\))?\(\s*(['"`])((?:\\.|(?!\1).)*)\1/g)) titles.add(m[2].replace(/\\(.)/g, '$1'));
  return titles;
}

describe('CHECK_IDS', () => {
  it('lists every check id the deep checks emit', () => {
    const listed = Object.keys(CHECK_IDS);
    for (const id of emittedIds()) expect(listed).toContain(id);
    for (const tool of ['npm', 'pnpm', 'cargo', 'deno', 'dart', 'uv', 'git']) expect(listed).toContain(`tools.${tool}`);
  });

  it.each(Object.entries(CHECK_IDS))('%s has a passing and a failing fixture that exist in its spec', (_id, proof) => {
    expect(proof.pass.length).toBeGreaterThan(0);
    expect(proof.fail.length).toBeGreaterThan(0);
    const titles = titlesIn(proof.spec);
    for (const title of [...proof.pass, ...proof.fail]) expect([proof.spec, title, titles.has(title)]).toEqual([proof.spec, title, true]);
  });
});
