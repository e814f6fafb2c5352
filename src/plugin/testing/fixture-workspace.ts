import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';

/** The six-ecosystem fixture workspace of the plugin specs. */
export const FIXTURE_WORKSPACE = join(__dirname, '..', '__fixtures__', 'workspace');

/** Copies the fixture (or starts empty) into a fresh temp dir; call `dispose` in afterAll/afterEach. */
export function tempWorkspace(fromFixture = true): { root: string; write(file: string, text: string): void; dispose(): void } {
  const root = mkdtempSync(join(tmpdir(), 'monochange-plugin-'));
  if (fromFixture) cpSync(FIXTURE_WORKSPACE, root, { recursive: true });
  return {
    root,
    write(file, text) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), text);
    },
    dispose() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Workspace-relative `/` paths of every file under `root`. */
export function listFiles(root: string, dir = root): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== '.nx') out.push(...listFiles(root, full));
    } else {
      out.push(relative(root, full).split(sep).join('/'));
    }
  }
  return out.sort();
}

/**
 * What Nx hands the plugin's createNodes: the files its pattern matches (monochange.toml and every
 * project.json/package.json), as Nx lists them.
 */
export function nxMatchedFiles(root: string): string[] {
  return listFiles(root).filter((file) => /(^|\/)(project|package)\.json$/.test(file) || file === 'monochange.toml');
}
