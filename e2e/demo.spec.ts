import fs from 'node:fs';
import { run } from './support/run';
import { REPO_ROOT } from './support/plugin-tarball';

/** The README's first command: `npm run demo` shows the whole flow and leaves nothing behind. */
jest.setTimeout(900_000);

it('npm run demo runs init, the generator, readiness, placeholder dry run, refusal, CI publish, tag jobs and the re-run, then cleans up', async () => {
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
  // Every line is true: the re-run's own table and tally show only skipped_existing, and the Go
  // tag job's outcome is what its step says it is.
  const rerun = out.slice(out.indexOf('━━ 10.'), out.indexOf('━━ 11.'));
  expect(rerun).toMatch(/this run: 6 skipped_existing$/m);
  const table = rerun.slice(rerun.indexOf('Publish\n'));
  expect(table).toContain('skipped_existing');
  // The status column (the message may say when an earlier run published it).
  expect(table).not.toMatch(/\spublished {2,}/);
  expect(out).toMatch(/━━ 8\. Go: pushing tag go\/v1\.0\.0 is the release.*to confirm the proxy has it/);
  expect(out).toMatch(/recorded: \S+ (skipped_existing|published)$/m);
  expect(out).toMatch(/recorded: acme_client published$/m);
  expect(out).not.toContain('every package skipped_existing');
  expect(out).toContain('Demo finished.');
  const made = /temp dirs: (.+)/.exec(out)?.[1].trim().split(/\s+/) ?? [];
  expect(made.length).toBeGreaterThanOrEqual(2);
  expect(made.filter((dir) => fs.existsSync(dir))).toEqual([]);
});
