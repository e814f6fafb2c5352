import type { Ecosystem } from '../types';

/** What a package manifest says, read by `src/core/manifests/<ecosystem>.ts`. */

export type DependencyKind = 'normal' | 'build' | 'dev' | 'optional' | 'peer';

export interface ManifestDependency {
  /** Name as the ecosystem knows it (crate name, npm name, Go module path, jsr `@scope/name`, ...). */
  name: string;
  kind: DependencyKind;
  /** Manifest field it came from, e.g. `build-dependencies`, `require`, `imports`. */
  field: string;
  /** Local path dependency (Cargo `path`, pubspec `path`, go `replace => ./dir`), relative to the manifest dir. */
  path?: string;
  /** Cargo `workspace = true`. */
  workspace?: boolean;
  /** Version requirement when given. */
  versionReq?: string;
}

export interface CargoData {
  description?: string;
  license?: string;
  licenseFile?: string;
  /** `publish = false` → false; `publish = ["crates-io"]` → list; absent → true. */
  publish: boolean | string[];
  edition?: string;
  repository?: string;
  readme?: string;
  /** Cargo.toml had no [package] table (a virtual workspace manifest). */
  missingPackage?: boolean;
}

export interface NpmData {
  /** Package manager of the workspace: bun.lockb/bun.lock → bun, pnpm-workspace.yaml → pnpm, yarn.lock → yarn, else npm. */
  manager: 'npm' | 'pnpm' | 'yarn' | 'bun';
  repositoryUrl?: string;
  publishConfig?: Record<string, unknown>;
  /** The parsed package.json (read-only). */
  json: Record<string, unknown>;
}

export interface DenoData {
  /** Which file: deno.json, deno.jsonc or jsr.json. */
  fileName: string;
  exports?: unknown;
  imports?: Record<string, string>;
}

export interface DartData {
  flutter: boolean;
  publishTo?: string;
  repository?: string;
  description?: string;
}

export interface PythonData {
  /** `dynamic` contains `version`. */
  dynamicVersion: boolean;
  readme?: unknown;
  /** `project` (PEP 621) or `poetry`. */
  style: 'pep621' | 'poetry';
  /** PEP 503 form of the name (`My_Lib` → `my-lib`); dependency names are always in this form. */
  normalizedName?: string;
}

export interface GoData {
  /** Full module path from `module`. */
  modulePath: string;
  /** Module dir relative to the workspace root (`""` for the root module). */
  relativePath: string;
  goVersion?: string;
}

export interface Manifest {
  ecosystem: Ecosystem;
  /** Absolute path of the manifest file. */
  file: string;
  /** Absolute directory of the package. */
  dir: string;
  /** Registry name (Go: module path). */
  name: string;
  /** Version from the manifest; Go never has one. */
  version?: string;
  /** Never published (npm `private`, Cargo `publish = false`, pubspec `publish_to: none`). */
  private: boolean;
  privateReason?: string;
  dependencies: ManifestDependency[];
  cargo?: CargoData;
  npm?: NpmData;
  deno?: DenoData;
  dart?: DartData;
  python?: PythonData;
  go?: GoData;
}

/** Manifest file names per ecosystem, in lookup order. */
export const MANIFEST_FILES: Record<Ecosystem, readonly string[]> = {
  npm: ['package.json'],
  cargo: ['Cargo.toml'],
  deno: ['deno.json', 'deno.jsonc', 'jsr.json'],
  dart: ['pubspec.yaml'],
  flutter: ['pubspec.yaml'],
  python: ['pyproject.toml'],
  go: ['go.mod'],
};
