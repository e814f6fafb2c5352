import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { installedNpmPackageVersion } from './tools';

/** `npm --version` read from the npm that PATH finds, without starting npm; anything unusual is asked for real. */
describe('installedNpmPackageVersion', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-npm-version-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A global npm install: `<prefix>/lib/node_modules/npm` with `<prefix>/bin/npm` linking to its bin/npm-cli.js. */
  function install(version: unknown, name = 'npm'): string {
    const npmDir = path.join(dir, 'lib', 'node_modules', 'npm');
    fs.mkdirSync(path.join(npmDir, 'bin'), { recursive: true });
    fs.writeFileSync(path.join(npmDir, 'package.json'), JSON.stringify({ name, version }));
    fs.writeFileSync(path.join(npmDir, 'bin', 'npm-cli.js'), '#!/usr/bin/env node\n');
    fs.mkdirSync(path.join(dir, 'bin'));
    fs.symlinkSync(path.join(npmDir, 'bin', 'npm-cli.js'), path.join(dir, 'bin', 'npm'));
    return path.join(dir, 'bin');
  }

  it('reads the version of the npm that the first PATH entry holding npm links to', () => {
    const bin = install('11.6.2');
    expect(installedNpmPackageVersion([path.join(dir, 'nothing-here'), bin, '/usr/bin'].join(path.delimiter))).toBe('11.6.2');
  });

  it('leaves a shim, another package or a bad version to `npm --version`', () => {
    fs.mkdirSync(path.join(dir, 'shim'));
    fs.writeFileSync(path.join(dir, 'shim', 'npm'), '#!/bin/sh\nexec volta run npm "$@"\n');
    expect(installedNpmPackageVersion(path.join(dir, 'shim'))).toBeUndefined();
    fs.rmSync(path.join(dir, 'shim'), { recursive: true });
    expect(installedNpmPackageVersion(install('not-a-version'))).toBeUndefined();
  });

  it('a package.json that is not npm’s is not read as npm’s version', () => {
    expect(installedNpmPackageVersion(install('1.0.0', 'other'))).toBeUndefined();
  });

  it('no npm on PATH, or no PATH: undefined', () => {
    expect(installedNpmPackageVersion(dir)).toBeUndefined();
    expect(installedNpmPackageVersion(undefined)).toBeUndefined();
  });
});
