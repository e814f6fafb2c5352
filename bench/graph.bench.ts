import { createBenchWorkspace, setPlugins } from './support/bench-workspace';
import type { Benchmark } from './support/context';
import { cargoCrateFiles, monochangeToml, npmPackageFiles, npmPackages } from './support/generate';
import { sideBySide, type Contender } from './support/measure';
import { timingTable } from './support/report';

/**
 * Project-graph cost of the plugin: `nx show projects` in a workspace of N Cargo crates and N npm
 * packages (files only), with and without `@monochange/nx` in nx.json, cold each time (`nx reset`).
 */
export const graphBench: Benchmark = {
  name: 'graph',
  description: '`nx show projects` with and without the plugin (cold)',
  async run(ctx) {
    const count = ctx.quick ? 100 : 1000;
    const reps = ctx.reps(5);
    const toolchain = await ctx.toolchain();
    const npm = npmPackages(count, { prefix: 'g', layers: 10 });
    const cargo = cargoCrateFiles(count);
    const ws = createBenchWorkspace(toolchain, {
      name: 'mc-bench-graph',
      files: { ...npmPackageFiles(npm), ...cargo.files, 'monochange.toml': monochangeToml({ npm, cargo: cargo.ids }) },
      plugins: [],
    });
    try {
      const projectCounts: Record<string, number> = {};
      const fullToml = monochangeToml({ npm, cargo: cargo.ids });
      const emptyToml = monochangeToml({});
      const contender = (name: string, plugins: string[], toml = fullToml): Contender => ({
        name,
        before: async () => {
          setPlugins(ws.write, plugins);
          ws.write('monochange.toml', toml);
          await ws.nxOk(['reset']);
        },
        run: async () => {
          const result = await ws.nxOk(['show', 'projects', '--json']);
          projectCounts[name] = (JSON.parse(result.stdout) as string[]).length;
        },
      });
      const contenders = [
        contender('without the plugin', []),
        contender('with @monochange/nx', ['@monochange/nx']),
        contender('with @monochange/nx, no package declared (plugin load only)', ['@monochange/nx'], emptyToml),
      ];
      ctx.log(`graph: ${count} crates + ${count} npm packages, warm-up run of each…`);
      await sideBySide(contenders, 1, ctx.log);
      const counts = Object.values(projectCounts);
      if (projectCounts['with @monochange/nx'] !== 2 * count || counts.filter((n) => n === count).length !== 2) {
        throw new Error(`unexpected project counts ${JSON.stringify(projectCounts)} (expected ${count} without and ${2 * count} with the plugin)`);
      }
      const samples = await sideBySide(contenders, reps, ctx.log);
      return {
        title: `3. Project graph: ${count} Cargo crates + ${count} npm packages, \`nx show projects\`, cold`,
        blocks: [
          timingTable(samples, 'without the plugin', 'relative'),
          [
            `Each run follows \`nx reset\` (untimed) with NX_DAEMON=false, so Nx computes the graph from scratch every time. Without the plugin Nx infers ${count} projects (the npm workspaces); with it ${2 * count} (the crates are projects only through monochange.toml), each with publish, placeholder-publish, readiness and nx-release-publish targets and the publish-order edges (${count} crates in chains of ten, npm packages in ten layers).`,
            `The ratio therefore includes creating the ${count} extra Cargo projects, not only the cost on projects Nx already knows. The third row registers the plugin with a monochange.toml that declares no package: what loading the plugin (in Nx's plugin worker process) costs by itself.`,
          ].join('\n'),
        ],
      };
    } finally {
      ws.remove();
    }
  },
};
