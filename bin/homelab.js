#!/usr/bin/env node
'use strict';
// Runs the TypeScript sources through tsx (transpile only, no type checking)
// when they are present, else the compiled library in build/.
const fs = require('fs');
const path = require('path');
const src = path.join(__dirname, '..', 'lib', 'cli.ts');
let cli;
if (fs.existsSync(src)) {
  require('tsx/cjs/api').register();
  // tsx turns source maps on; every cdktf token captures a stack trace, and
  // mapping those costs a third of synth. HOMELAB_DEBUG=1 keeps them for debugging.
  if (!process.env.HOMELAB_DEBUG) process.setSourceMapsEnabled(false);
  cli = require(src);
} else {
  cli = require(path.join(__dirname, '..', 'build', 'cli.js'));
}
process.exitCode = cli.main(process.argv.slice(2));
