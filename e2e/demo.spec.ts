import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run } from './support/run';
import { REPO_ROOT } from './support/plugin-tarball';

/** The README's first command: `npm run demo` shows the whole flow and leaves nothing behind. */
jest.setTimeout(900_000);

const ours = () => fs.readdirSync(os.tmpdir()).filter((f) => /^(monochange-demo-|monochange-registry-world-|monochange-pack-)/.test(f));

it('npm run demo runs init, the generator, readiness, placeholder dry run, refusal, CI publish, tag jobs and the re-run, then cleans up', async () => {
  const before = new Set(ours());
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.MONOCHANGE_E2E_TARBALL;
  const result = await run(process.execPath, ['scripts/demo.js'], { cwd: REPO_ROOT, env, timeoutMs: 900_000 });
  if (result.code !== 0) throw new Error(result.output);
  const out = result.output;
  expect(out).toContain('CREATE monochange.toml');
  expect(out).toContain('CREATE .github/workflows/publish.yml');
  expect(out).toMatch(/Publish readiness: blocked/);
  expect(out).toMatch(/Placeholder publish \(dry run\)/);
  expect(out).toContain('publishing refused before any upload');
  expect(out).toMatch(/uploads in order: .*acme-types@1\.0\.0.*acme-cli@1\.0\.0/);
  expect(out).toMatch(/uploads before: (\d+), after: \1/);
  expect(out).toContain('Demo finished.');
  expect(ours().filter((f) => !before.has(f))).toEqual([]);
});
