#!/usr/bin/env node
'use strict';
// The `homelab` command. The user's program is TypeScript, run through tsx
// (transpile only, no type checking), and loads the library the way it imports
// it: plain Node resolution, nothing redirected. The command itself runs from
// the compiled build/ when that is up to date with lib/ (npm ci builds it);
// otherwise, and with HOMELAB_DEBUG=1 (stack traces into the sources), from
// the sources in lib/. When the program and the command load two copies of the
// library (a program importing lib/ while the command runs from build/), they
// still work together: the program hands its Homelab over through a session the
// command opens (lib/core/program-session.ts), and instanceof and the error
// checks go by brands, not by class identity.
const fs = require('fs');
const path = require('path');

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
const cli = useBuild ? require(path.join(build, 'cli', 'command.js')) : require(path.join(lib, 'cli', 'command.ts'));
process.exitCode = cli.main(process.argv.slice(2));
