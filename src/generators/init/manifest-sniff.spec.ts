import { packageIdFor, sniffManifest } from './manifest-sniff';

describe('sniffManifest', () => {
  it('reads package.json name, version and private', () => {
    expect(sniffManifest('package.json', '{"name":"@acme/web","version":"1.0.0"}')).toEqual({
      ecosystem: 'npm',
      name: '@acme/web',
      private: false,
      hasVersion: true,
    });
    expect(sniffManifest('package.json', '{"name":"root","private":true}')).toMatchObject({ private: true, hasVersion: false });
  });

  it('reads Cargo.toml [package], skipping virtual manifests and publish = false', () => {
    expect(sniffManifest('Cargo.toml', '[package]\nname = "fast-io"\nversion = "0.1.0"\n')).toEqual({
      ecosystem: 'cargo',
      name: 'fast-io',
      private: false,
      hasVersion: true,
    });
    expect(sniffManifest('Cargo.toml', '[package]\nname = "x"\npublish = false\n')).toMatchObject({ private: true });
    expect(sniffManifest('Cargo.toml', '[package]\nname = "x"\npublish = []\n')).toMatchObject({ private: true });
    expect(sniffManifest('Cargo.toml', '[workspace]\nmembers = ["crates/*"]\n')).toBeUndefined();
  });

  it('reads pyproject.toml (PEP 621, then poetry)', () => {
    expect(sniffManifest('pyproject.toml', '[project]\nname = "acme.tools"\n')).toMatchObject({ ecosystem: 'python', name: 'acme.tools' });
    expect(sniffManifest('pyproject.toml', '[tool.poetry]\nname = "poet"\n')).toMatchObject({ name: 'poet' });
    expect(sniffManifest('pyproject.toml', '[build-system]\nrequires = []\n')).toBeUndefined();
  });

  it('reads the go.mod module path', () => {
    expect(sniffManifest('go.mod', '// comment\nmodule github.com/acme/widgets/api/v2\n\ngo 1.22\n')).toMatchObject({
      ecosystem: 'go',
      name: 'github.com/acme/widgets/api/v2',
    });
  });

  it('reads pubspec.yaml: flutter when a top-level flutter key exists, private with publish_to none', () => {
    expect(sniffManifest('pubspec.yaml', 'name: my_dart\nversion: 1.0.0\ndependencies:\n  flutter:\n    sdk: flutter\n')).toMatchObject({
      ecosystem: 'dart',
    });
    expect(sniffManifest('pubspec.yaml', 'name: my_app\nflutter:\n  uses-material-design: true\n')).toMatchObject({ ecosystem: 'flutter' });
    expect(sniffManifest('pubspec.yaml', 'name: x\npublish_to: none\n')).toMatchObject({ private: true });
  });

  it('reads deno.json, deno.jsonc (comments, trailing commas) and jsr.json names', () => {
    expect(sniffManifest('deno.jsonc', '{\n  // the name\n  "name": "@acme/std", /* x */\n  "exports": "./mod.ts",\n}\n')).toMatchObject({
      ecosystem: 'deno',
      name: '@acme/std',
    });
    expect(sniffManifest('jsr.json', '{"name":"@acme/x","version":"1.0.0"}')).toMatchObject({ name: '@acme/x' });
    expect(sniffManifest('deno.json', '{"tasks":{}}')).toBeUndefined();
  });

  it('treats a truthy npm "private" as private, as npm does', () => {
    for (const value of [true, 'true', 'false', 1]) {
      expect(sniffManifest('package.json', JSON.stringify({ name: 'x', version: '1.0.0', private: value }))).toMatchObject({ private: true });
    }
    for (const value of [false, '', 0, null]) {
      expect(sniffManifest('package.json', JSON.stringify({ name: 'x', version: '1.0.0', private: value }))).toMatchObject({ private: false });
    }
  });

  it('needs a Cargo/pub version (a workspace-inherited one counts) and reads workspace publish and maturin', () => {
    expect(sniffManifest('Cargo.toml', '[package]\nname = "x"\n')).toMatchObject({ hasVersion: false });
    expect(sniffManifest('Cargo.toml', '[package]\nname = "x"\nversion.workspace = true\npublish.workspace = true\n')).toMatchObject({
      hasVersion: true,
      publishFromWorkspace: true,
    });
    expect(sniffManifest('pubspec.yaml', 'name: x\n')).toMatchObject({ hasVersion: false });
    expect(sniffManifest('pubspec.yaml', 'name: x\nversion: 0.1.0\n')).toMatchObject({ hasVersion: true });
    expect(sniffManifest('pyproject.toml', '[build-system]\nbuild-backend = "maturin"\n[project]\nname = "x"\n')).toMatchObject({
      maturinCargoManifest: 'Cargo.toml',
    });
    expect(
      sniffManifest(
        'pyproject.toml',
        '[build-system]\nbuild-backend = "maturin"\n[project]\nname = "x"\n[tool.maturin]\nmanifest-path = "../crates/x/Cargo.toml"\n',
      ),
    ).toMatchObject({ maturinCargoManifest: '../crates/x/Cargo.toml' });
    expect(sniffManifest('package.json', '{"name":"root","version":"1.0.0","workspaces":["packages/*"]}')).toMatchObject({ workspaceRoot: true });
  });

  it('names a Cargo dependency given by path alone (cargo publish refuses it), ignoring dev-dependencies', () => {
    const deps = (table: string) => sniffManifest('Cargo.toml', `[package]\nname = "x"\nversion = "1.0.0"\n${table}`)?.unversionedPathDependency;
    expect(deps('[dependencies]\na = { path = "../a" }\n')).toBe('a');
    expect(deps('[target.\'cfg(unix)\'.build-dependencies]\nb = { path = "../b" }\n')).toBe('b');
    expect(deps('[dependencies]\na = { path = "../a", version = "1" }\nw = { workspace = true }\n')).toBeUndefined();
    expect(deps('[dev-dependencies]\nt = { path = "../t" }\n')).toBeUndefined();
  });

  it('returns undefined for manifests that do not parse', () => {
    expect(sniffManifest('Cargo.toml', '[package\nname=')).toBeUndefined();
    expect(sniffManifest('package.json', '{')).toBeUndefined();
  });

  it('reads JSONC strings as written: `//`, and `,}` or `,]` inside a string, are not comments or trailing commas', () => {
    expect(sniffManifest('deno.jsonc', '{"name": "@acme/x,}", "url": "https://jsr.io" // c\n}')).toMatchObject({ name: '@acme/x,}' });
    expect(sniffManifest('jsr.json', '{"name": "@acme/y,]",}')).toMatchObject({ name: '@acme/y,]' });
  });
});

describe('packageIdFor', () => {
  it.each([
    ['npm', '@acme/web', 'web'],
    ['npm', 'plain', 'plain'],
    ['deno', '@acme/std', 'std'],
    ['cargo', 'fast_io', 'fast_io'],
    ['python', 'acme.tools', 'acme-tools'],
    ['go', 'github.com/acme/widgets/api/v2', 'api'],
    ['go', 'github.com/acme/widgets', 'widgets'],
    ['go', 'example.com/v3', 'example-com'],
    ['npm', '@@@', 'npm'],
  ] as const)('%s %s → %s', (ecosystem, name, id) => {
    expect(packageIdFor(ecosystem, name)).toBe(id);
  });
});
