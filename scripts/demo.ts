/**
 * `npm run demo`: the whole flow on this machine, offline apart from npm's cache. Packs the
 * plugin, makes a sample Nx workspace with packages of all six ecosystems, installs the plugin,
 * starts the embedded registries (Verdaccio behind npm's OIDC exchange, loopback crates.io, JSR,
 * PyPI, pub.dev and a Go proxy over a bare git origin), then shows what a user sees.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'smol-toml';
import { createNxWorkspace, nxEnv, type Workspace } from '../e2e/support/nx-workspace';
import { packPlugin } from '../e2e/support/plugin-tarball';
import { sampleWorkspaceFiles } from '../e2e/support/sample-workspace';
import { initGitRepo, startRegistryWorld, type RegistryWorld } from '../test-utils/registry-world';

const plain = Boolean(process.env.NO_COLOR) || !process.stdout.isTTY;
const bold = (s: string) => (plain ? s : `\x1b[1m${s}\x1b[0m`);
const dim = (s: string) => (plain ? s : `\x1b[2m${s}\x1b[0m`);
const step = (n: number, title: string) => console.log(`\n${bold(`━━ ${n}. ${title}`)}`);
const note = (text: string) => console.log(dim(`   ${text}`));

async function main(): Promise<number> {
  let world: RegistryWorld | undefined;
  let ws: Workspace | undefined;
  const keep = process.env.MONOCHANGE_DEMO_KEEP === '1';
  try {
    step(1, 'Build and pack @monochange/nx, create a sample Nx workspace, install the plugin');
    const tarball = packPlugin(note);
    note(`packed ${path.basename(tarball)}`);
    ws = await createNxWorkspace({ tarball, files: sampleWorkspaceFiles(), name: 'monochange-demo', log: note });
    world = await startRegistryWorld({ log: note });
    note(
      `registries: npm ${world.npm.url} (Verdaccio behind an OIDC exchange), crates.io ${world.urls.MONOCHANGE_CRATES_IO_API_URL}, Go proxy ${world.go.url}`,
    );
    note(`OIDC issuer (stands in for token.actions.githubusercontent.com): ${world.issuer.url}`);

    step(2, 'nx g @monochange/nx:init  (what `nx add @monochange/nx` runs)');
    await show(ws, ['g', '@monochange/nx:init', '--no-interactive']);

    step(3, 'nx g @monochange/nx:trusted-publishing');
    await show(ws, [
      'g',
      '@monochange/nx:trusted-publishing',
      '--repository=acme/widgets',
      '--environment=release',
      '--provenance=false',
      '--trigger=tag',
      '--no-interactive',
    ]);
    const text = ws.read('monochange.toml');
    ws.write('monochange.toml', /^\[source\]/m.test(text) ? `${text}\n[source.oidc]\nissuer = "${world.issuer.url}"\n` : `${world.sourceToml()}\n${text}`);
    note('(demo only) [source.oidc] issuer points at the loopback issuer; real workspaces leave it out');
    note(`workflows: ${fs.readdirSync(path.join(ws.root, '.github/workflows')).join(', ')}`);
    initGitRepo(ws.root, world.go.originUrl);
    const declared = declaredPackages(ws);

    step(4, 'nx run-many -t readiness   (a plain shell: blocked, with reasons and fixes)');
    await show(ws, ['run-many', '-t', 'readiness'], nxEnv(world.env), { tail: 40 });

    step(5, 'nx run-many -t placeholder-publish --dry-run   (what would bootstrap the registries)');
    await show(ws, ['run-many', '-t', 'placeholder-publish', '--dry-run'], nxEnv(world.env), { tail: 20 });

    step(6, 'nx run-many -t publish   (a plain shell: refused before any upload)');
    await show(ws, ['run-many', '-t', 'publish'], nxEnv(world.env), { tail: 14 });

    const excluded = declared.filter((d) => d.type === 'go' || d.type === 'dart').map((d) => d.project);
    const main = ['run-many', '-t', 'publish', '--parallel=3', `--exclude=${excluded.join(',')}`, '--output-style=static'];
    step(7, `nx ${main.join(' ')}   (simulated GitHub Actions job, tag v1.0.0)`);
    await show(ws, main, nxEnv(world.ciEnv()), { tail: 40 });
    const uploads = await world.uploads();
    note(`uploads in order: ${uploads.map((u) => `${u.name}@${u.version}`).join(' → ')}`);

    const go = declared.find((d) => d.type === 'go');
    if (go) {
      const tag = `${go.path}/v1.0.0`;
      step(
        8,
        `Go: pushing tag ${tag} is the release (the Go proxy serves a module from its tag); the job it starts runs nx run ${go.project}:publish to confirm the proxy has it`,
      );
      execFileSync('git', ['-c', 'user.name=Release', '-c', 'user.email=release@localhost', 'tag', '-a', tag, '-m', tag], { cwd: ws.root });
      execFileSync('git', ['push', '-q', 'origin', `refs/tags/${tag}`], { cwd: ws.root });
      await show(ws, ['run', `${go.project}:publish`], nxEnv(world.ciEnv({ job: { ref: `refs/tags/${tag}`, workflow: `publish-${go.id}.yml` } })), { tail: 8 });
      note(`recorded: ${outcomes(ws, [go.id])}`);
    }
    const dart = declared.find((d) => d.type === 'dart');
    if (dart) {
      step(9, `pub.dev: tag acme_client-v1.0.0 runs nx run ${dart.project}:publish`);
      await show(
        ws,
        ['run', `${dart.project}:publish`],
        nxEnv(world.ciEnv({ job: { ref: 'refs/tags/acme_client-v1.0.0', workflow: `publish-${dart.id}.yml` } })),
        { tail: 8 },
      );
      note(`recorded: ${outcomes(ws, [dart.id])}`);
    }

    step(10, 'Re-run the main job: nothing is uploaded twice');
    const before = (await world.uploads()).length;
    await show(ws, main, nxEnv(world.ciEnv()), { tail: 22 });
    note(
      `this run: ${outcomes(
        ws,
        declared.filter((d) => !excluded.includes(d.project)).map((d) => d.id),
      )}`,
    );
    note(`uploads before: ${before}, after: ${(await world.uploads()).length}`);

    step(11, 'Artifacts');
    for (const file of fs
      .readdirSync(path.join(ws.root, '.monochange'))
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      note(path.join(ws.root, '.monochange', file));
    }
    note("publish-result.json: each package's outcome in the last job that ran it");
    const result = JSON.parse(ws.read('.monochange/publish-result.json')) as { packages: Array<{ project: string; version: string; status: string }> };
    console.log(result.packages.map((p) => `   ${p.status.padEnd(17)} ${p.project} ${p.version}`).join('\n'));
    console.log(`\n${bold('Demo finished.')} ${keep ? `Workspace kept at ${ws.root}` : 'Stopping the registries and removing the temp workspace.'}`);
    console.log(dim(`   temp dirs: ${[ws.root, ...world.tempDirs].join(' ')}`));
    return 0;
  } catch (error) {
    console.error(`\ndemo failed: ${(error as Error).message}`);
    return 1;
  } finally {
    await world?.stop();
    if (!keep) ws?.remove();
    const tarball = process.env.MONOCHANGE_E2E_TARBALL;
    if (tarball) fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
  }
}

async function show(ws: Workspace, args: string[], env = nxEnv(), opts: { tail?: number } = {}): Promise<void> {
  console.log(dim(`   $ nx ${args.join(' ')}`));
  const result = await ws.nx(args, env);
  const lines = result.output
    .split('\n')
    .filter(
      (l) => l.trim() && !/^\s*(NX\s+)?(Running target|Successfully ran|Nx read the output|View logs|Ran target)/.test(l) && !/^[—-]{10,}/.test(l.trim()),
    );
  const shown = opts.tail && lines.length > opts.tail ? lines.slice(-opts.tail) : lines;
  if (opts.tail && lines.length > opts.tail) note(`… ${lines.length - opts.tail} earlier lines`);
  for (const line of shown) console.log(`   ${line}`);
  note(`exit code ${result.code}`);
}

/** `6 skipped_existing` / `go published`: what publish-result.json records for these packages, counted by status. */
function outcomes(ws: Workspace, ids: string[]): string {
  const result = JSON.parse(ws.read('.monochange/publish-result.json')) as { packages: Array<{ package: string; project: string; status: string }> };
  const entries = result.packages.filter((p) => ids.includes(p.package));
  if (entries.length === 1) return `${entries[0].project} ${entries[0].status}`;
  const by = new Map<string, number>();
  for (const e of entries) by.set(e.status, (by.get(e.status) ?? 0) + 1);
  return [...by].map(([status, n]) => `${n} ${status}`).join(', ') || 'nothing recorded';
}

function declaredPackages(ws: Workspace) {
  const config = parse(ws.read('monochange.toml')) as { package: Record<string, { path: string; type: string }> };
  return Object.entries(config.package).map(([id, p]) => ({
    id,
    path: p.path,
    type: p.type,
    project: p.type === 'npm' ? (JSON.parse(ws.read(`${p.path}/package.json`)) as { name: string }).name : id,
  }));
}

main().then((code) => process.exit(code));
