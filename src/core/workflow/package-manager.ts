import { PACKAGE_MANAGER_MARKERS } from '../manifests/npm-manager';

/**
 * Which package manager installs the workspace in a generated publish workflow, and how its
 * version is chosen. Detection follows the core's `detectPackageManager` (manifests/npm-manager.ts)
 * for the workspace root: a lock or workspace file decides (same files, same order), failing that
 * `packageManager` in the root package.json, else npm. It reads through a callback so the
 * generator can pass its Tree (and `--dry-run` stays on the Tree).
 */

export type WorkflowPackageManager =
  | { name: 'npm' }
  | {
      name: 'pnpm';
      /**
       * `version:` input of pnpm/action-setup. Absent when package.json `packageManager` names pnpm:
       * the action reads that field itself, and fails when both are given.
       */
      version?: string;
      /** Why `version` is what it is (written as its trailing comment). */
      versionReason?: string;
      /** Major version of the pnpm expected to run, when it is known or guessed. */
      major?: number;
    }
  | { name: 'yarn'; /** Yarn 2+ (`yarn install --immutable`) rather than Yarn 1. */ berry: boolean }
  | { name: 'bun'; /** `packageManager: bun@…` is set: setup-bun reads its version from package.json. */ versionFromPackageJson: boolean };

export type PackageManagerName = WorkflowPackageManager['name'];

/** Reads a file at the workspace root; `null`/`undefined` when it does not exist. */
export type ReadRootFile = (file: string) => string | null | undefined;

const NAMES: readonly PackageManagerName[] = ['npm', 'pnpm', 'yarn', 'bun'];

/** pnpm used when neither `packageManager` nor the lockfile says which. */
export const DEFAULT_PNPM_MAJOR = 10;

export function detectWorkflowPackageManager(read: ReadRootFile): WorkflowPackageManager {
  const exists = (file: string) => {
    const text = read(file);
    return text !== null && text !== undefined;
  };
  const field = packageManagerField(read('package.json'));
  const name = PACKAGE_MANAGER_MARKERS.find(([file]) => exists(file))?.[1] ?? fieldName(field) ?? 'npm';
  const fieldVersion = fieldName(field) === name ? field!.slice(name.length + 1) : undefined;
  const fieldMajor = fieldVersion === undefined ? undefined : majorOf(fieldVersion);

  switch (name) {
    case 'npm':
      return { name };
    case 'pnpm':
      if (fieldVersion !== undefined) return { name, ...(fieldMajor !== undefined ? { major: fieldMajor } : {}) };
      return { name, ...pnpmFromLockfile(read('pnpm-lock.yaml') ?? undefined) };
    case 'yarn': {
      if (fieldMajor !== undefined) return { name, berry: fieldMajor >= 2 };
      // Yarn 2+ lockfiles carry a `__metadata:` block; Yarn 1 ones start with "# yarn lockfile v1".
      return { name, berry: /^__metadata:/m.test(read('yarn.lock') ?? '') };
    }
    case 'bun':
      return { name, versionFromPackageJson: fieldVersion !== undefined };
  }
}

/** `packageManager` of the root package.json (`"pnpm@10.4.1+sha512.…"`), when it is a string. */
function packageManagerField(text: string | null | undefined): string | undefined {
  if (!text) return undefined;
  try {
    const json = JSON.parse(text) as { packageManager?: unknown };
    return typeof json.packageManager === 'string' ? json.packageManager.trim() : undefined;
  } catch {
    return undefined;
  }
}

function fieldName(field: string | undefined): PackageManagerName | undefined {
  if (!field) return undefined;
  const at = field.indexOf('@');
  // `pnpm` without `@<version>` is no version pnpm/action-setup (or corepack) can use.
  if (at <= 0 || at === field.length - 1) return undefined;
  return NAMES.find((n) => n === field.slice(0, at));
}

function majorOf(version: string): number | undefined {
  const match = /^v?(\d+)(?:\.|$|\+)/.exec(version);
  return match ? Number(match[1]) : undefined;
}

/**
 * The pnpm major that wrote pnpm-lock.yaml. Lockfile 9.0 is written by pnpm 9 and 10 alike (pnpm 11
 * keeps 9.0 but writes two YAML documents): pnpm 10 is chosen for a single-document 9.0 lockfile,
 * since it installs lockfiles of both and pnpm 9 is the older line.
 */
function pnpmFromLockfile(text: string | undefined): { version: string; versionReason: string; major: number } {
  const pick = (major: number, versionReason: string) => ({ version: String(major), versionReason, major });
  const lockfileVersion = text === undefined ? undefined : /^lockfileVersion:\s*['"]?([0-9.]+)['"]?\s*$/m.exec(text)?.[1];
  if (text === undefined || lockfileVersion === undefined) {
    return pick(DEFAULT_PNPM_MAJOR, `no packageManager in package.json and no lockfileVersion to go by: pnpm ${DEFAULT_PNPM_MAJOR} assumed`);
  }
  if (/^---[ \t]*$/m.test(text)) {
    return pick(11, `pnpm-lock.yaml has several YAML documents, which pnpm 11 and later write`);
  }
  const [major, minor] = lockfileVersion.split('.').map(Number);
  if (major === 9) return pick(10, `lockfileVersion '${lockfileVersion}' is written by pnpm 9 and 10; pnpm 10 installs both`);
  if (major === 6) return pick(8, `lockfileVersion '${lockfileVersion}' is written by pnpm 8`);
  if (major === 5 && minor === 4) return pick(7, `lockfileVersion '${lockfileVersion}' is written by pnpm 7`);
  if (major === 5 && minor === 3) return pick(6, `lockfileVersion '${lockfileVersion}' is written by pnpm 6`);
  return pick(DEFAULT_PNPM_MAJOR, `lockfileVersion '${lockfileVersion}' is not one this generator knows: pnpm ${DEFAULT_PNPM_MAJOR} assumed`);
}
