#!/usr/bin/env node
'use strict';
// The `homelab` command. The user's program is TypeScript, run through tsx
// (transpile only, no type checking). The library itself runs from the
// compiled build/ when that is up to date with lib/ (npm ci builds it), which
// saves transpiling ~90 files on a cold tsx cache; otherwise, and with
// HOMELAB_DEBUG=1 (stack traces into the sources), from the sources in lib/.
const fs = require('fs');
const path = require('path');
const Module = require('module');

const root = path.join(__dirname, '..');
const lib = path.join(root, 'lib');
const build = path.join(root, 'build');

/** Every .ts file below dir (relative paths). */
function sources(dir, rel = '') {
  const out = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = path.join(rel, e.name);
    if (e.isDirectory()) out.push(...sources(dir, r));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(r);
  }
  return out;
}

/** build/ has a .js for every lib/ .ts, each written after its source last changed. */
function buildIsFresh() {
  if (!fs.existsSync(path.join(build, 'cli', 'command.js'))) return false;
  try {
    return sources(lib).every((r) => {
      const js = path.join(build, r.replace(/\.ts$/, '.js'));
      return fs.existsSync(js) && fs.statSync(js).mtimeMs >= fs.statSync(path.join(lib, r)).mtimeMs;
    });
  } catch {
    return false;
  }
}

const hasSources = fs.existsSync(path.join(lib, 'cli', 'command.ts'));
const useBuild = !hasSources || (!process.env.HOMELAB_DEBUG && buildIsFresh());
if (hasSources) {
  require('tsx/cjs/api').register();
  // tsx turns source maps on; every cdktf token captures a stack trace, and
  // mapping those costs a third of synth. HOMELAB_DEBUG=1 keeps them for debugging.
  if (!process.env.HOMELAB_DEBUG) process.setSourceMapsEnabled(false);
}
if (useBuild && hasSources) {
  // The user's program imports the library from lib/ (e.g. `../lib`): load build/ instead, one copy only.
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, parent, ...rest) {
    const file = resolve.call(this, request, parent, ...rest);
    if (typeof file === 'string' && file.startsWith(lib + path.sep) && file.endsWith('.ts')) {
      const js = path.join(build, path.relative(lib, file)).replace(/\.ts$/, '.js');
      if (fs.existsSync(js)) return js;
    }
    return file;
  };
}
const cli = useBuild ? require(path.join(build, 'cli', 'command.js')) : require(path.join(lib, 'cli', 'command.ts'));
process.exitCode = cli.main(process.argv.slice(2));
