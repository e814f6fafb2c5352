#!/usr/bin/env node
// Compiles src/ to dist/ (CommonJS) and copies the executor/generator schemas and template files.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
fs.rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], {
  stdio: 'inherit',
  cwd: root,
});

function copyAssets(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const from = path.join(dir, entry.name);
    const rel = path.relative(path.join(root, 'src'), from);
    if (entry.isDirectory()) {
      if (entry.name === '__fixtures__' || entry.name === 'testing') continue;
      if (entry.name === 'files') {
        fs.cpSync(from, path.join(dist, rel), { recursive: true });
        continue;
      }
      copyAssets(from);
    } else if (/\.(json|md|yml|yaml|toml)$/.test(entry.name) && !entry.name.endsWith('.spec.json')) {
      fs.mkdirSync(path.dirname(path.join(dist, rel)), { recursive: true });
      fs.copyFileSync(from, path.join(dist, rel));
    }
  }
}
copyAssets(path.join(root, 'src'));
console.log('built dist/');
