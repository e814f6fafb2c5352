import type { Samples } from './measure';

/**
 * Nx's floor: a target whose batch executor returns success for every task at once. Timed on the
 * same workspace (same projects, same `dependsOn` shape, our plugin loaded for the graph), it is
 * what Nx itself costs for a batch run: start-up, graph, task graph, hooks and the batch process.
 */
export const FLOOR_TARGET = { floor: { executor: './tools/floor:noop', dependsOn: ['^floor'] } };

/** A local Nx plugin package with that batch executor (`./tools/floor:noop`). */
export function writeFloorExecutor(write: (rel: string, text: string) => void): void {
  const executors = { noop: { implementation: './noop.js', batchImplementation: './noop-batch.js', preferBatch: true, schema: './schema.json' } };
  write('tools/floor/package.json', `${JSON.stringify({ name: 'floor', version: '0.0.0', executors: './executors.json' }, null, 2)}\n`);
  write('tools/floor/executors.json', `${JSON.stringify({ executors }, null, 2)}\n`);
  write('tools/floor/schema.json', '{ "type": "object", "properties": {} }\n');
  write('tools/floor/noop.js', 'module.exports = async () => ({ success: true });\n');
  write(
    'tools/floor/noop-batch.js',
    "module.exports = async function* (taskGraph) {\n  for (const task of Object.keys(taskGraph.tasks)) yield { task, result: { success: true, status: 'success', terminalOutput: '' } };\n};\n",
  );
}

/** Nx's floor plus the raw tool's own work, per repetition: the time no plugin running inside Nx can beat. */
export function floorBound(floor: Samples, raw: Samples, rawLabel: string): Samples {
  return { name: `Nx floor + ${rawLabel} (sum per repetition): the best any plugin running in Nx can do`, ms: raw.ms.map((ms, i) => ms + floor.ms[i]) };
}
