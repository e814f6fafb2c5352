import path from 'node:path';
import { run } from '../e2e/support/run';
import type { Benchmark } from './support/context';
import { formatMs, median } from './support/measure';
import { markdownTable } from './support/report';

/** Modules that must not load with the plugin entry (they belong to publish, OIDC and JSR checks). */
const HEAVY = ['ts-morph', 'jose', 'execa'];
/** Reported for information: what the entry does load. */
const NOTABLE = ['@nx/devkit', 'nx', 'zod', 'smol-toml', 'yaml', 'semver', 'p-limit', ...HEAVY];

/**
 * Time to `require()` each module in a fresh `node -e` process, measured inside the process, and
 * which packages that loaded: every `require` resolution is recorded (ESM-only packages such as
 * execa and jose are loaded by require(esm) and do not all show in require.cache), plus
 * require.cache keys.
 */
const PROBE = `
const Module = require('module');
const resolved = new Set();
const original = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const file = original.call(this, request, ...rest);
  resolved.add(file);
  return file;
};
const start = process.hrtime.bigint();
require(require.resolve(process.argv[1], { paths: [process.cwd()] }));
const ms = Number(process.hrtime.bigint() - start) / 1e6;
const files = new Set([...resolved, ...Object.keys(require.cache)]);
const packages = {};
for (const file of files) {
  const all = [...file.matchAll(/node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//g)];
  const name = all.length ? all[all.length - 1][1] : null;
  if (name) packages[name] = (packages[name] || 0) + 1;
}
process.stdout.write('STARTUP ' + JSON.stringify({ ms, files: files.size, packages, rssMiB: process.memoryUsage().rss / 1048576 }) + '\\n');
`;

interface Probe {
  ms: number;
  files: number;
  packages: Record<string, number>;
  rssMiB: number;
}

export const startupBench: Benchmark = {
  name: 'startup',
  description: 'require() time of the plugin entry and an executor vs @nx/devkit',
  async run(ctx) {
    const reps = ctx.reps(10);
    const toolchain = await ctx.toolchain();
    const plugin = path.join(toolchain.dir, 'node_modules', '@monochange', 'nx');
    const contenders = [
      { name: "require('@nx/devkit')", target: '@nx/devkit' },
      { name: "require('@monochange/nx') (dist/index.js)", target: '@monochange/nx' },
      { name: 'publish executor (dist/executors/publish/executor.js)', target: path.join(plugin, 'dist', 'executors', 'publish', 'executor.js') },
      { name: 'readiness executor (dist/executors/readiness/executor.js)', target: path.join(plugin, 'dist', 'executors', 'readiness', 'executor.js') },
    ];
    const samples = contenders.map(() => [] as Probe[]);
    // Untimed warm-up of the disk cache, then side by side, order rotated per repetition.
    for (const c of contenders) await probe(c.target, toolchain.dir);
    for (let rep = 0; rep < reps; rep++) {
      for (let k = 0; k < contenders.length; k++) {
        const i = (rep + k) % contenders.length;
        samples[i].push(await probe(contenders[i].target, toolchain.dir));
      }
      ctx.log(`startup rep ${rep + 1}/${reps}: ${contenders.map((c, i) => `${c.name.split(' ')[0]} ${formatMs(samples[i][rep].ms)}`).join(', ')}`);
    }
    const devkit = median(samples[0].map((s) => s.ms));
    const rows = contenders.map((c, i) => {
      const m = median(samples[i].map((s) => s.ms));
      return [
        c.name,
        String(samples[i].length),
        formatMs(m),
        i === 0 ? '1.00× (baseline)' : `${(m / devkit).toFixed(2)}×`,
        String(samples[i][0].files),
        `${median(samples[i].map((s) => s.rssMiB)).toFixed(0)} MiB`,
      ];
    });
    const loaded = contenders.map((c, i) => {
      const pk = samples[i][0].packages;
      const heavy = HEAVY.filter((h) => pk[h]);
      return [
        c.name,
        heavy.length ? `**loaded: ${heavy.join(', ')}**` : 'none of ts-morph, jose, execa',
        NOTABLE.filter((n) => pk[n] && !HEAVY.includes(n))
          .map((n) => `${n} (${pk[n]})`)
          .join(', '),
      ];
    });
    const entryHeavy = HEAVY.filter((h) => samples[1][0].packages[h]);
    return {
      title: '4. Start-up: require() in a fresh `node -e` process',
      blocks: [
        markdownTable(['module', 'runs', 'median require time', 'vs @nx/devkit', 'files loaded', 'RSS after'], rows),
        markdownTable(['module', 'ts-morph / jose / execa', 'other packages loaded (files)'], loaded),
        [
          `Each sample is a new \`node -e\` process requiring the installed (packed) plugin; time measured inside the process around \`require()\` (node's own boot excluded). ${reps} repetitions, side by side, after one untimed warm-up.`,
          `Report (not a test): \`require('@monochange/nx')\` ${entryHeavy.length ? `LOADS ${entryHeavy.join(', ')}` : 'loads none of ts-morph, jose or execa'} (checked on every \`require\` resolution and the require.cache keys of that process). ts-morph is reached only through the JSR slow-types check.`,
          'The plugin entry loads nothing heavy up front: the config, manifest and Nx devkit code load on the first graph computation (and the devkit only for an error or warning), so the entry row is the plugin alone.',
        ].join('\n'),
      ],
    };
  },
};

async function probe(target: string, cwd: string): Promise<Probe> {
  const result = await run(process.execPath, ['-e', PROBE, target], { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' } });
  const line = result.stdout.split('\n').find((l) => l.startsWith('STARTUP '));
  if (result.code !== 0 || !line) throw new Error(`probe of ${target} exited ${result.code}:\n${result.output.slice(-2000)}`);
  return JSON.parse(line.slice('STARTUP '.length)) as Probe;
}
