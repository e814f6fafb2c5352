import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MonochangeError } from '../errors';
import { readDartManifest } from './dart';

const FIXTURE = path.join(__dirname, '__fixtures__', 'workspace');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-dart-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let counter = 0;
function pubspec(text: string): string {
  const root = path.join(tmp, String(counter++));
  fs.mkdirSync(root, { recursive: true });
  fs.writeFileSync(path.join(root, 'pubspec.yaml'), text);
  return root;
}

function errorOf(fn: () => unknown): MonochangeError {
  try {
    fn();
  } catch (error) {
    if (error instanceof MonochangeError) return error;
    throw error;
  }
  throw new Error('expected a MonochangeError');
}

describe('readDartManifest', () => {
  it('reads a publishable Dart package from the fixture', () => {
    const m = readDartManifest(FIXTURE, 'dart/fixture_models', 'fixture_models');
    expect(m).toMatchObject({ ecosystem: 'dart', name: 'fixture_models', version: '1.1.0', private: false });
    expect(m.dart).toEqual({
      flutter: false,
      publishTo: undefined,
      repository: 'https://github.com/example/fixture',
      description: 'Data models shared by the fixture Flutter app.',
    });
    expect(m.dependencies).toEqual([
      { name: 'meta', kind: 'normal', field: 'dependencies', versionReq: '^1.12.0' },
      { name: 'test', kind: 'dev', field: 'dev_dependencies', versionReq: '^1.25.0' },
    ]);
  });

  it('detects Flutter by the top-level flutter: key, honours publish_to: none, skips SDK deps, keeps path deps', () => {
    const m = readDartManifest(FIXTURE, 'dart/fixture_app', 'fixture_app', 'flutter');
    expect(m).toMatchObject({ ecosystem: 'flutter', name: 'fixture_app', version: '0.1.0+1', private: true });
    expect(m.privateReason).toBe('pubspec.yaml sets publish_to: none');
    expect(m.dart?.flutter).toBe(true);
    expect(m.dependencies).toEqual([{ name: 'fixture_models', kind: 'normal', field: 'dependencies', path: '../fixture_models', versionReq: '^1.1.0' }]);
  });

  it('reports ecosystem flutter even when declared dart, and dart when no flutter key', () => {
    const flutter = pubspec('name: a\nflutter:\n');
    expect(readDartManifest(flutter, '', undefined, 'dart').ecosystem).toBe('flutter');
    const dart = pubspec('name: a\ndependencies:\n  flutter:\n    sdk: flutter\n');
    expect(readDartManifest(dart, '').ecosystem).toBe('dart');
  });

  it('treats publish_to: false as private and a URL as public', () => {
    expect(readDartManifest(pubspec('name: a\npublish_to: false\n'), '').private).toBe(true);
    const hosted = readDartManifest(pubspec('name: a\npublish_to: https://pub.example.com\n'), '');
    expect(hosted.private).toBe(false);
    expect(hosted.dart?.publishTo).toBe('https://pub.example.com');
  });

  it('reads null, hosted and git dependencies', () => {
    const m = readDartManifest(
      pubspec(
        'name: a\ndependencies:\n  any_dep:\n  renamed:\n    hosted:\n      name: real_name\n      url: https://pub.example.com\n    version: ^2.0.0\n  from_git:\n    git: https://example.com/x.git\n',
      ),
      '',
    );
    expect(m.dependencies).toEqual([
      { name: 'any_dep', kind: 'normal', field: 'dependencies' },
      { name: 'real_name', kind: 'normal', field: 'dependencies', versionReq: '^2.0.0' },
      { name: 'from_git', kind: 'normal', field: 'dependencies' },
    ]);
  });

  it('errors on a missing pubspec.yaml', () => {
    const root = path.join(tmp, 'empty');
    fs.mkdirSync(root, { recursive: true });
    expect(errorOf(() => readDartManifest(root, 'app', 'app')).details).toMatchObject({ code: 'manifest.missing', file: 'app/pubspec.yaml' });
  });

  it('errors on YAML syntax with line and column', () => {
    const e = errorOf(() => readDartManifest(pubspec('name: a\nversion: 1.0.0\ndependencies: [\n'), ''));
    expect(e.details.code).toBe('manifest.syntax');
    expect(e.details.line).toBeGreaterThanOrEqual(3);
    expect(e.details.column).toBeGreaterThan(0);
  });

  it('errors on an empty file, a missing name, a bad version and a bad publish_to', () => {
    expect(errorOf(() => readDartManifest(pubspec(''), '')).message).toContain('top level must be a mapping');
    expect(errorOf(() => readDartManifest(pubspec('version: 1.0.0\n'), '')).details.key).toBe('name');
    const bad = errorOf(() => readDartManifest(pubspec('name: a\nversion: 1.0\n'), ''));
    expect(bad.details.key).toBe('version');
    expect(bad.message).toContain('1 (number)');
    expect(errorOf(() => readDartManifest(pubspec('name: a\npublish_to: [x]\n'), '')).details.key).toBe('publish_to');
  });

  it('errors on a dependencies list instead of a mapping', () => {
    expect(errorOf(() => readDartManifest(pubspec('name: a\ndependencies:\n  - x\n'), '')).details.key).toBe('dependencies');
  });
});
