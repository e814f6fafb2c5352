import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createNodes } from './create-nodes';
import { nxApi } from './nx-api';
import { nxMatchedFiles } from './testing/fixture-workspace';

/** A monochange.toml with a mistake: one warning, the projects it still names, targets that fail with the message. */
describe('createNodes with a monochange.toml that cannot be loaded', () => {
  let root: string;
  let warn: jest.SpyInstance;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-broken-config-'));
    fs.mkdirSync(path.join(root, 'packages/core'), { recursive: true });
    fs.writeFileSync(path.join(root, 'packages/core/package.json'), JSON.stringify({ name: '@acme/core', version: '1.0.0' }));
    fs.mkdirSync(path.join(root, 'go'), { recursive: true });
    fs.writeFileSync(path.join(root, 'go/go.mod'), 'module example.com/acme/go\n\ngo 1.22\n');
    warn = jest.spyOn(nxApi().logger, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    warn.mockRestore();
    fs.rmSync(root, { recursive: true, force: true });
  });
  const nodes = () => createNodes[1](nxMatchedFiles(root), undefined, { workspaceRoot: root, nxJsonConfiguration: {}, configFiles: [] } as never);

  it('a misspelt key: no plugin error, one warning, each named package keeps failing monochange targets', async () => {
    fs.writeFileSync(path.join(root, 'monochange.toml'), '[package.core]\npath = "packages/core"\ntpye = "npm"\n\n[package.go]\npath = "go"\ntype = "go"\n');
    const results = await nodes();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toContain('tpye');
    const projects = results[0][1].projects!;
    expect(Object.keys(projects).sort()).toEqual(['go', 'packages/core']);
    // packages/core keeps the name its package.json gives it; go is named by its id.
    expect(projects['packages/core'].name).toBeUndefined();
    expect(projects.go.name).toBe('go');
    const publish = projects.go.targets!.publish as { executor: string; options: { command: string } };
    expect(publish.executor).toBe('nx:run-commands');
    const encoded = /from\('([^']+)'/.exec(publish.options.command)![1];
    expect(Buffer.from(encoded, 'base64').toString()).toContain('tpye');
    expect(Object.keys(projects.go.targets!).sort()).toEqual(['nx-release-publish', 'placeholder-publish', 'publish', 'readiness']);
  });

  it('ids that clash once `:` is `-`: one warning naming both, one project of that name (Nx refuses two)', async () => {
    fs.mkdirSync(path.join(root, 'go/tools'), { recursive: true });
    fs.writeFileSync(path.join(root, 'go/tools/go.mod'), 'module example.com/acme/go/tools\n\ngo 1.22\n');
    fs.writeFileSync(
      path.join(root, 'monochange.toml'),
      '[package."go:tools"]\npath = "go/tools"\ntype = "go"\n\n[package.go-tools]\npath = "go"\ntype = "go"\n',
    );
    const results = await nodes();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/monochange\.toml: packages `go:tools` and `go-tools` would share the Nx project name `go-tools`.*Fix: /);
    const projects = results[0][1].projects!;
    expect(Object.values(projects).map((p) => p.name)).toEqual(['go-tools']);
    expect(String((projects['go/tools'].targets!.publish as { metadata: { configError: string } }).metadata.configError)).toContain(
      '`go:tools` and `go-tools`',
    );
  });

  it('TOML that does not parse: one warning and no projects, never a thrown plugin error', async () => {
    fs.writeFileSync(path.join(root, 'monochange.toml'), '[package.core\npath = "packages/core"\n');
    const results = await nodes();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(results[0][1].projects).toEqual({});
  });
});
