// Jest 30 on Node 20 cannot require() ES modules (execa 9, p-limit 7, jose 6), so everything,
// node_modules included, goes through swc to CommonJS.
const transform = {
  '^.+\\.(t|j|mj|cj)s$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
};
const common = {
  transform,
  transformIgnorePatterns: [],
  moduleNameMapper: { '^unicorn-magic$': '<rootDir>/node_modules/unicorn-magic/node.js' },
  testEnvironment: 'node',
};
module.exports = {
  // Many tests spawn real CLIs and servers; on a loaded 2-core machine 5 s is not enough for them.
  // (A global option: jest ignores it inside `projects` entries.)
  testTimeout: 60_000,
  projects: [
    // unit: no network, no spawned CLIs or servers. integration: real CLIs, loopback servers, real Nx.
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/scripts/**/*.spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.integration\\.spec\\.ts$'],
    },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/src/**/*.integration.spec.ts', '<rootDir>/scripts/**/*.integration.spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/e2e/**/*.spec.ts'], slowTestThreshold: 60 },
  ],
};
