import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { assertSafeArg } from '../../util/argv-guard';
import { renderCommand, type CommandRunner, type CommandSpec } from '../../util/command';
import type { PreparedUpload, PreparedUploads, PublishRequest } from '../types';
import { prepublishOnlySpec } from './commands';

/**
 * One `npm pack <dir>… --pack-destination <tmp>` for every package of a batch that npm packs, instead
 * of an npm process per package: each package's lifecycle scripts (prepack, prepare, postpack) run as
 * they would in its own `npm pack`, without any credential variable. Packages with a `prepublishOnly`
 * script, or packed by pnpm/yarn/bun, keep their own steps. When the shared pack fails, every package
 * packs itself, so the failure is reported by the package it belongs to.
 */
export async function prepareNpmUploads(reqs: PublishRequest[], runner: CommandRunner): Promise<PreparedUploads> {
  const uploads: Array<PreparedUpload | undefined> = reqs.map(() => undefined);
  const packed = reqs.map((req, i) => ({ req, i })).filter(({ req }) => packsTogether(req));
  if (packed.length < 2) return { uploads, dispose: async () => undefined };
  const dir = await mkdtemp(path.join(os.tmpdir(), 'monochange-npm-pack-'));
  const dispose = () => rm(dir, { recursive: true, force: true });
  const spec = batchPackSpec(
    packed.map(({ req }) => req.manifest.dir),
    dir,
    packed[0].req.root,
  );
  const result = await runner.run(spec);
  if (result.spawnError || result.interrupted || result.exitCode !== 0) return { uploads, dispose };
  for (const { req, i } of packed) {
    const tarball = path.join(dir, npmTarballName(req.manifest.name, req.version));
    // A prepack script may change the name or version npm packs: that package packs itself.
    if (!fs.existsSync(tarball)) continue;
    uploads[i] = { artifact: tarball, command: renderCommand(singlePackSpec(req.manifest.dir, dir), req.env) };
  }
  return { uploads, dispose };
}

function packsTogether(req: PublishRequest): boolean {
  return !req.dryRun && (req.manifest.npm?.manager ?? 'npm') === 'npm' && !prepublishOnlySpec(req.manifest.npm?.json, req.manifest.dir);
}

/** Run from the workspace root; directories are absolute, so npm reads each as a directory spec. */
export function batchPackSpec(dirs: string[], destination: string, cwd: string): CommandSpec {
  const specs = dirs.map((dir) => assertSafeArg(path.resolve(dir), { source: 'a package directory', tool: 'npm' }));
  return { command: 'npm', args: ['pack', ...specs, '--pack-destination', destination], cwd };
}

/** The equivalent single-package command, shown in the package's own attempt. */
function singlePackSpec(dir: string, destination: string): CommandSpec {
  return { command: 'npm', args: ['pack', '--pack-destination', destination], cwd: dir };
}

/** The file `npm pack` writes: `@scope/name` → `scope-name-<version>.tgz`. */
export function npmTarballName(name: string, version: string): string {
  return `${name.replace(/^@/, '').replace(/\//, '-')}-${version}.tgz`;
}
