'use strict';
/**
 * Shared by bin/synth and bin/cdkbsd: loads the CLI (lib/cli) and runs a command.
 *
 * In the npm package, lib/ holds compiled JavaScript only. In a checkout of the repository,
 * lib/ holds the TypeScript sources, and possibly jsii's compiled .js next to them, which go
 * stale as soon as a source is edited. There, the sources win (as in vitest.config.ts): every
 * lib/**.js that has a .ts beside it resolves to the .ts, which bin/transpile.js loads (from its
 * cache when the source is unchanged; through tsx when the tsconfig needs it).
 */
const fs = require('fs');
const path = require('path');

const LIB = path.join(__dirname, '..', 'lib');

function preferSources() {
  if (!require('./transpile').install()) require('tsx/cjs/api').register();
  const Module = require('module');
  const resolve = Module._resolveFilename;
  const prefix = LIB + path.sep;
  Module._resolveFilename = function resolveSource(...args) {
    const file = resolve.apply(this, args);
    if (typeof file === 'string' && file.startsWith(prefix) && file.endsWith('.js')) {
      const ts = `${file.slice(0, -3)}.ts`;
      if (fs.existsSync(ts)) return ts;
    }
    return file;
  };
}

module.exports = function launch(command) {
  if (fs.existsSync(path.join(LIB, 'cli', 'index.ts'))) preferSources();
  require(path.join(LIB, 'cli', 'index')).main(command, process.argv.slice(2));
};
