/**
 * Generated workspaces for the benchmarks: npm packages (optionally in dependency layers) and
 * Cargo crates, with the monochange.toml that declares them. Files only: nothing is installed.
 */
export interface GeneratedNpmPackage {
  /** `[package.<id>]` key. */
  id: string;
  /** Directory relative to the workspace root. */
  dir: string;
  name: string;
  version: string;
  /** Layer 0 has no dependencies; layer n depends on packages of layer n-1. */
  layer: number;
  dependencies: string[];
}

const REPOSITORY = { type: 'git', url: 'git+https://github.com/acme/widgets.git' };

/**
 * `count` npm packages `@bench/<prefix>NNN` in `layers` layers of equal size; every package of
 * layer n > 0 depends on two packages of layer n-1.
 */
export function npmPackages(count: number, options: { prefix: string; layers?: number; version?: string }): GeneratedNpmPackage[] {
  const layers = Math.max(1, options.layers ?? 1);
  const perLayer = Math.ceil(count / layers);
  const width = String(count).length;
  const out: GeneratedNpmPackage[] = [];
  for (let i = 0; i < count; i++) {
    const n = String(i + 1).padStart(width, '0');
    const layer = Math.min(layers - 1, Math.floor(i / perLayer));
    const below = out.filter((p) => p.layer === layer - 1);
    const dependencies = below.length === 0 ? [] : [below[i % below.length].name, below[(i + 1) % below.length].name].filter((v, k, a) => a.indexOf(v) === k);
    out.push({
      id: `${options.prefix}${n}`,
      dir: `packages/${options.prefix}${n}`,
      name: `@bench/${options.prefix}${n}`,
      version: options.version ?? '1.0.0',
      layer,
      dependencies,
    });
  }
  return out;
}

export function npmPackageJson(pkg: GeneratedNpmPackage, version = pkg.version): string {
  const json: Record<string, unknown> = {
    name: pkg.name,
    version,
    description: `benchmark package ${pkg.name}`,
    license: 'MIT',
    repository: REPOSITORY,
    publishConfig: { access: 'public' },
  };
  if (pkg.dependencies.length) json.dependencies = Object.fromEntries(pkg.dependencies.map((d) => [d, '^1.0.0']));
  return `${JSON.stringify(json, null, 2)}\n`;
}

export function npmPackageFiles(packages: GeneratedNpmPackage[]): Record<string, string> {
  const files: Record<string, string> = {};
  for (const p of packages) {
    files[`${p.dir}/package.json`] = npmPackageJson(p);
    files[`${p.dir}/README.md`] = `# ${p.name}\n`;
  }
  return files;
}

/**
 * `count` crates `bench-crate-NNNN` under crates/, in chains of ten (each depends on the one
 * before it by path and version), with a root Cargo workspace over them.
 */
export function cargoCrateFiles(count: number): { files: Record<string, string>; ids: string[] } {
  const width = String(count).length;
  const files: Record<string, string> = {
    'Cargo.toml':
      '[workspace]\nresolver = "2"\nmembers = ["crates/*"]\n\n[workspace.package]\nlicense = "MIT"\nedition = "2021"\nrepository = "https://github.com/acme/widgets"\n',
  };
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `bench-crate-${String(i + 1).padStart(width, '0')}`;
    const previous = `bench-crate-${String(i).padStart(width, '0')}`;
    const dependency = i % 10 === 0 ? '' : `\n[dependencies]\n${previous} = { path = "../${previous}", version = "1.0.0" }\n`;
    files[`crates/${name}/Cargo.toml`] =
      `[package]\nname = "${name}"\nversion = "1.0.0"\ndescription = "benchmark crate"\nlicense.workspace = true\nedition.workspace = true\nrepository.workspace = true\n${dependency}`;
    files[`crates/${name}/src/lib.rs`] = 'pub fn answer() -> u32 {\n    42\n}\n';
    ids.push(name);
  }
  return { files, ids };
}

/** monochange.toml: `[source]` (from the registry world, or a plain one), the packages, npm trusted publishing. */
export function monochangeToml(options: { source?: string; npm?: GeneratedNpmPackage[]; cargo?: string[]; trustedPublishing?: boolean }): string {
  const parts: string[] = [options.source ?? '[source]\nprovider = "github"\nowner = "acme"\nrepo = "widgets"\n'];
  for (const p of options.npm ?? []) parts.push(`[package.${p.id}]\npath = "${p.dir}"\ntype = "npm"\n`);
  for (const id of options.cargo ?? []) parts.push(`[package.${id}]\npath = "crates/${id}"\ntype = "cargo"\n`);
  if (options.trustedPublishing) {
    // What `nx g @monochange/nx:trusted-publishing --environment=release --provenance=false` writes.
    parts.push(
      '[ecosystems.npm.publish.trusted_publishing]\nenabled = true\nrepository = "acme/widgets"\nworkflow = "publish.yml"\nenvironment = "release"\n',
      '[ecosystems.npm.publish.attestations]\nrequire_registry_provenance = false\n',
    );
  }
  return parts.join('\n');
}
