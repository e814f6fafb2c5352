#!/usr/bin/env node
// `npm run bench [-- <name>...] [--quick]`: compiles the benchmarks (bench/*.ts and the test
// utilities they use) into tmp/bench-build and runs them. Never part of `npm test`.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
process.env.NX_DAEMON = 'false';
process.env.NX_NO_CLOUD = 'true';
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.bench.json')], { cwd: root, stdio: 'inherit' });
require(path.join(root, 'tmp/bench-build/bench/main.js'))
  .main(process.argv.slice(2))
  .then((code) => process.exit(code));
