import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REGISTRIES } from '../registries';
import { distributionRefusal, nxAgentRefusal } from './nx-agents';
import { runPublishBatch } from './run-batch';
import { runPublishTask } from './run-task';

describe('publishing on Nx Agents', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'mc-nx-agents-'));
    writeFileSync(join(root, 'monochange.toml'), '[package.core]\npath = "."\ntype = "npm"\n');
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: '@acme/core', version: '1.0.0', license: 'MIT' }));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('names the agent and the fix; off an agent, or with distribution off, there is nothing to refuse', () => {
    expect(nxAgentRefusal({ NX_AGENT_NAME: 'linux-medium-1' }, '@acme/core:publish')).toMatchObject({
      message: expect.stringContaining('runs on an Nx Agent (NX_AGENT_NAME="linux-medium-1")'),
      details: { code: 'nx-cloud.agent', fix: expect.stringContaining('NX_CLOUD_DISTRIBUTED_EXECUTION: "false"') },
    });
    expect(nxAgentRefusal({}, 'x')).toBeUndefined();
    expect(distributionRefusal({ NX_CLOUD_DISTRIBUTED_EXECUTION: 'false' })).toBeUndefined();
    expect(distributionRefusal({ NX_CLOUD_DISTRIBUTED_EXECUTION: 'true' })?.details.code).toBe('nx-cloud.distributed');
  });

  it('a publish task and a publish batch on an agent fail by name before anything is looked up or uploaded', async () => {
    const spies = Object.values(REGISTRIES).flatMap((a) => [jest.spyOn(a, 'versionExists'), jest.spyOn(a, 'publish')]);
    try {
      const lines: string[] = [];
      const env = { NX_AGENT_NAME: 'agent-3' };
      const task = await runPublishTask({ root, env, projectName: '@acme/core', projectRoot: '.', dryRun: false, log: (l) => lines.push(l) });
      expect(task).toMatchObject({ success: false, error: expect.stringContaining('Nx Agent') });
      expect(lines.join('\n')).toContain('NX_AGENT_NAME="agent-3"');
      const outcomes = [];
      for await (const o of runPublishBatch({ root, env, concurrency: 1, mode: 'release' }, [
        { id: '@acme/core:publish', projectName: '@acme/core', projectRoot: '.', options: { dryRun: false }, dependsOn: [] },
      ]))
        outcomes.push(o);
      expect(outcomes).toEqual([expect.objectContaining({ id: '@acme/core:publish', status: 'failure', terminalOutput: expect.stringContaining('Nx Agent') })]);
      expect(spies.filter((s) => s.mock.calls.length)).toEqual([]);
    } finally {
      for (const s of spies) s.mockRestore();
    }
  });
});
