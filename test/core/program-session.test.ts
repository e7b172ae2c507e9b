/**
 * How a program hands its Homelab to the `homelab` command: the Homelab it builds joins the
 * session the command opens while it loads the program, and `synth()` hands it over; the command
 * then checks there was exactly one and synthesizes it (or reads its model). Nothing stays behind
 * in the process, and outside a session `synth()` simply writes.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../lib/cli/command';
import { Homelab } from '../../lib';
import { inventory } from '../../apps/inventory';
import { listFiles, treeHash } from '../helpers/tree';

const ROOT = path.join(__dirname, '..', '..');
const LIB = JSON.stringify(path.join(ROOT, 'lib'));
const INVENTORY = JSON.stringify(path.join(ROOT, 'apps', 'inventory'));
const LOCK = JSON.stringify(path.join(ROOT, 'storage.lock.json'));
const cli = (args: string[], cwd: string) => spawnSync(process.execPath, [path.join(ROOT, 'bin/homelab.js'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, HOMELAB_DEBUG: '' } });

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-session-')); });
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A program file in the temp dir. */
function program(name: string, body: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `import { Homelab } from ${LIB};\nimport { inventory } from ${INVENTORY};\n${body}\n`);
  return file;
}

/** Symbols of this library left on globalThis. */
const leftovers = () => Object.getOwnPropertySymbols(globalThis).map((s) => s.description ?? '').filter((d) => d.startsWith('homelab-cdk'));

describe('the program hand-off', () => {
  test('synthesizes the one Homelab a program builds, whether or not it calls synth() itself', () => {
    // GIVEN the same homelab in a program that calls synth() and in one that only builds it
    // (which also checks that it gets the library it imports: lib/ itself, nothing redirected to build/)
    const index = JSON.stringify(path.join(ROOT, 'lib', 'index.ts'));
    const calls = program('calls.ts', `if (require.resolve(${LIB}) !== ${index}) throw new Error('lib resolved to ' + require.resolve(${LIB}));\nnew Homelab({ inventory, storageLockFile: ${LOCK} }).synth();`);
    const builds = program('builds.ts', `export const lab = new Homelab({ inventory, storageLockFile: ${LOCK} });`);
    // WHEN both are synthesized by the command
    const a = cli(['synth', '--app', calls, '--out', 'a'], dir);
    const b = cli(['synth', '--app', builds, '--out', 'b'], dir);
    // THEN both write the same four outputs under --out
    expect([a.status, a.stderr]).toEqual([0, '']);
    expect([b.status, b.stderr]).toEqual([0, '']);
    const tree = treeHash(path.join(dir, 'a'));
    expect(Object.keys(tree).filter((f) => f.startsWith('dist/')).length).toBeGreaterThan(3);
    expect(treeHash(path.join(dir, 'b'))).toEqual(tree);
  });

  test('fails with exit 1 in the house format when the program builds no Homelab', () => {
    // GIVEN a program that builds none
    const none = program('none.ts', 'export const nothing = inventory.name;');
    // WHEN
    const r = cli(['synth', '--app', none, '--out', 'out'], dir);
    // THEN it says so, naming the program, and writes nothing
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`[${none}] Program.homelab: builds no Homelab (got nothing); a program that builds one Homelab (new Homelab({ inventory }) or Homelab.fromPlans(dir)) and calls its synth()`);
    expect(listFiles(path.join(dir, 'out'))).toEqual([]);
  });

  test('fails with exit 1 when the program builds two Homelabs, writing nothing, though the first called synth() first', () => {
    // GIVEN a program that synthesizes one homelab and then builds another
    const two = program('two.ts', `new Homelab({ inventory, storageLockFile: ${LOCK} }).synth();\nnew Homelab({ inventory: { ...inventory, name: 'other' }, storageLockFile: ${LOCK} }).synth();`);
    // WHEN every command that loads a program runs it
    for (const args of [['synth', '--out', 'out'], ['plan'], ['restore', 'gitea', '--out', 'out']]) {
      const r = cli([...args, '--app', two], dir);
      // THEN each fails naming both, and nothing is written
      expect([args[0], r.status]).toEqual([args[0], 1]);
      expect(r.stderr).toContain(`[${two}] Program.homelab: builds 2 Homelabs (got ["example","other"]); one Homelab per program: give each homelab a program file of its own`);
    }
    expect(listFiles(path.join(dir, 'out'))).toEqual([]);
  });

  test('fails when the program throws after its synth() call, writing nothing', () => {
    // GIVEN a program that fails once it has called synth()
    const late = program('late.ts', `new Homelab({ inventory, storageLockFile: ${LOCK} }).synth();\nthrow new Error('post-processing failed');`);
    // WHEN
    const r = cli(['synth', '--app', late, '--out', 'out'], dir);
    // THEN its own error is reported at its line, and no output was written
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${late.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4:\\d+: post-processing failed`));
    expect(listFiles(path.join(dir, 'out'))).toEqual([]);
  });

  test('plan, router diff and restore leave nothing behind in the process: a Homelab built afterwards writes', () => {
    // GIVEN a program that calls synth(), run in this process by commands that only read its model
    // (one file per command: this process keeps each module it loaded, as Node does)
    const calls = (name: string) => program(name, `new Homelab({ inventory, storageLockFile: ${LOCK} }).synth();`);
    const live = path.join(dir, 'gw.uci');
    fs.writeFileSync(live, '');
    const io = { out: () => undefined, err: (s: string) => { throw new Error(s); } };
    expect(main(['plan', '--app', calls('plan.ts')], io)).toBe(0);
    expect(main(['router', 'diff', 'gw', '--from', live, '--app', calls('diff.ts')], io)).toBe(3);
    expect(main(['restore', 'gitea', '--app', calls('restore.ts'), '--out', path.join(dir, 'restore')], io)).toBe(0);
    // THEN no symbol of ours is left on globalThis, and the program wrote nothing
    expect(leftovers()).toEqual([]);
    expect(fs.readdirSync(dir).sort()).toEqual(['diff.ts', 'gw.uci', 'plan.ts', 'restore', 'restore.ts']);
    // AND a Homelab built now, outside any command, synthesizes when told to
    const out = path.join(dir, 'later');
    new Homelab({ inventory, storageLockFile: path.join(ROOT, 'storage.lock.json') }).synth({ outdir: out });
    expect(listFiles(out)).toContain('dist/apply.sh');
    expect(leftovers()).toEqual([]);
  });
});
