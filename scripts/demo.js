#!/usr/bin/env node
// `npm run demo`: compiles the demo driver (scripts/demo.ts and its test utilities) and runs it.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
process.env.NX_DAEMON = 'false';
process.env.NX_NO_CLOUD = 'true';
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.demo.json')], { cwd: root, stdio: 'inherit' });
require(path.join(root, 'tmp/demo-build/scripts/demo.js'));
