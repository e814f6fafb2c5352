import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { detectPackageManager } from './npm-manager';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-npm-manager-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let counter = 0;
function workspace(files: string[], packageJson?: object): string {
  const root = path.join(tmp, String(counter++));
  fs.mkdirSync(path.join(root, 'packages/a'), { recursive: true });
  for (const file of files) fs.writeFileSync(path.join(root, file), '');
  if (packageJson) fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify(packageJson));
  return root;
}

describe('detectPackageManager', () => {
  it.each([
    [['bun.lockb'], 'bun'],
    [['bun.lock'], 'bun'],
    [['pnpm-workspace.yaml'], 'pnpm'],
    [['pnpm-lock.yaml'], 'pnpm'],
    [['yarn.lock'], 'yarn'],
    [['package-lock.json'], 'npm'],
    [[], 'npm'],
    [['yarn.lock', 'bun.lock'], 'bun'],
  ])('root files %j → %s', (files, manager) => {
    const root = workspace(files);
    expect(detectPackageManager(root, path.join(root, 'packages/a'))).toBe(manager);
  });

  it('lets the nearest directory with a marker win', () => {
    const root = workspace(['pnpm-lock.yaml', 'packages/a/yarn.lock']);
    expect(detectPackageManager(root, path.join(root, 'packages/a'))).toBe('yarn');
  });

  it('does not look above the workspace root', () => {
    const outer = workspace(['yarn.lock']);
    const inner = path.join(outer, 'packages/a');
    expect(detectPackageManager(inner, inner)).toBe('npm');
  });

  it('falls back to packageManager in the root package.json', () => {
    const root = workspace([], { packageManager: 'pnpm@10.0.0' });
    expect(detectPackageManager(root, path.join(root, 'packages/a'))).toBe('pnpm');
  });
});
