/**
 * The output swap under faults: files synth did not write are never touched; a kill at every step
 * of the swap (and of the recovery) leaves a whole old or new tree after the next command; two
 * synths on one root are serialized; an unrenameable output folder and a full disk fail in the
 * house format and say what became of the outputs.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { _resetFaultSteps, LOCK_FILE, OutputLock, recoverOutputs, writeOutputs } from '../../lib/synth/output';
import { HomelabOutputError } from '../../lib/core/errors';
import { expectFilesIntact, freezeDir, treeHash, writeFiles } from '../helpers/tree';
import { TREES } from './output-driver';

/** The driver, bundled once into plain JS: a child then starts in ~0.1 s instead of ~0.6 s under tsx. */
let DRIVER: string;
function bundleDriver(): string {
  // esbuild comes with tsx (a dependency)
  const esbuild = require(require.resolve('esbuild', { paths: [path.dirname(require.resolve('tsx/package.json'))] }));
  const file = path.join(tmp('driver'), 'output-driver.js');
  esbuild.buildSync({ entryPoints: [path.join(__dirname, 'output-driver.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: file, logLevel: 'error' });
  return file;
}
const tmp = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `homelab-swap-${name}-`));

/** Files of yours inside and beside the output folders; synth must never touch them. */
const USER_FILES: Record<string, string> = {
  'secrets/secrets.yaml': 'k3s-token: ENC[AES256_GCM,data:abc=,type:str]\n',
  'nixos/secrets/secrets.yaml': 'legacy: ENC[AES256_GCM,data:old=,type:str]\n',
  'nixos/flake.lock': '{ "nodes": {} }\n',
  'dist/my-notes.txt': 'mine\n',
  'cdktf.out/stacks/example/.terraform.lock.hcl': '# terraform init wrote this\n',
  'routers/gw/README': 'the router in the hall\n',
};
const isUser = (f: string) => f in USER_FILES;

const addUserFiles = (root: string) => writeFiles(root, USER_FILES);

function synthInProcess(root: string, tree: 'A' | 'B'): void {
  writeOutputs(root, {}, (out) => out.write(TREES[tree]));
}

/** The tree synth writes for A and B (with .homelab-owned lists), from a clean root. */
const reference: Record<'A' | 'B', Record<string, string>> = { A: {}, B: {} };

/** A root holding tree A (written by synth) and the user's files. */
function oldRoot(name: string): string {
  const root = tmp(name);
  synthInProcess(root, 'A');
  addUserFiles(root);
  return root;
}

function expectWholeTree(root: string, expected: 'A' | 'B' | 'A or B'): 'A' | 'B' {
  const h = treeHash(root, isUser);
  const which = JSON.stringify(h) === JSON.stringify(reference.A) ? 'A' : JSON.stringify(h) === JSON.stringify(reference.B) ? 'B' : undefined;
  expect({ root, tree: which ? which : h }).toEqual({ root, tree: expected === 'A or B' ? which ?? 'A or B' : expected });
  expectFilesIntact(root, USER_FILES);
  return which!;
}

function driver(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [DRIVER, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

interface Exit { code: number | null; signal: NodeJS.Signals | null; stderr: string }
function exited(child: ChildProcess): Promise<Exit> {
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += d; });
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })));
}

/** Runs `jobs` with at most `n` at once (the machine is shared). */
async function pool<T>(jobs: (() => Promise<T>)[], n = 3): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  }));
  return results;
}

/** Steps of a driver synth B over tree A: "N name path" per line. */
function traceSteps(): string[] {
  const root = oldRoot('trace');
  const trace = path.join(root, '..', `${path.basename(root)}.trace`);
  const r = spawnSync(process.execPath, [DRIVER, 'synth', 'B', root], { env: { ...process.env, HOMELAB_FAULT: `trace:${trace}` }, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  const steps = fs.readFileSync(trace, 'utf8').trim().split('\n');
  fs.rmSync(trace);
  fs.rmSync(root, { recursive: true });
  return steps;
}

afterAll(() => fs.rmSync(path.dirname(DRIVER), { recursive: true, force: true }));

beforeAll(() => {
  DRIVER = bundleDriver();
  for (const t of ['A', 'B'] as const) {
    const root = tmp(`ref-${t}`);
    synthInProcess(root, t);
    reference[t] = treeHash(root);
    fs.rmSync(root, { recursive: true });
  }
});

afterEach(() => {
  delete process.env.HOMELAB_FAULT;
  _resetFaultSteps();
});

describe('ownership', () => {
  test('replaces and removes only the files synth wrote; yours stay byte-identical', () => {
    // GIVEN tree A and files of yours inside every output folder
    const root = oldRoot('own');
    // WHEN synth writes B
    synthInProcess(root, 'B');
    // THEN B is whole (30-app-old is gone), your files untouched, no empty folders of ours left
    expectWholeTree(root, 'B');
    expect(fs.readFileSync(path.join(root, 'nixos/.homelab-owned'), 'utf8').split('\n').slice(1)).toEqual(['flake.nix', 'hosts/olaf.nix', 'hosts/ulf.nix', '']);
    fs.rmSync(root, { recursive: true });
  });

  test('fails when a file of yours is where synth writes, and changes nothing', () => {
    // GIVEN tree A and a file of yours at a path B writes
    const root = oldRoot('conflict');
    fs.writeFileSync(path.join(root, 'nixos/hosts/ulf.nix'), '# my own\n');
    const before = treeHash(root);
    // WHEN
    let error: any;
    try { synthInProcess(root, 'B'); } catch (e) { error = e; }
    // THEN
    expect(error?.isHomelabOutputError).toBe(true);
    expect(error.outcome).toBe('nothing was written');
    expect(error.problems.map((p: any) => p.message)).toEqual([
      `[${path.join(root, 'nixos/hosts/ulf.nix')}] Output.path: holds a file synth did not write (got "hosts/ulf.nix"); synth writes this path and replaces only files it wrote itself: move your file elsewhere (outside dist/, cdktf.out/, nixos/ and routers/) and run synth again`,
    ]);
    expect(treeHash(root)).toEqual(before);
    expect(fs.readdirSync(root).filter((e) => e.startsWith('.homelab-'))).toEqual([]);
    fs.rmSync(root, { recursive: true });
  });

  test('a folder from before .homelab-owned: synth\'s names are replaced, everything else is left', () => {
    // GIVEN outputs as the earlier synth left them (no lists), with a stale app file and files of yours
    const root = tmp('legacy');
    for (const f of TREES.A) {
      fs.mkdirSync(path.dirname(path.join(root, f.path)), { recursive: true });
      fs.writeFileSync(path.join(root, f.path), f.content, { mode: f.mode ?? 0o644 });
    }
    addUserFiles(root);
    // WHEN synth writes B
    synthInProcess(root, 'B');
    // THEN the tree is B's (the stale 30-app-old.k8s.yaml matched synth's names) and yours are intact
    expectWholeTree(root, 'B');
    fs.rmSync(root, { recursive: true });
  });
});

describe('a kill at any step', () => {
  test('at every step of the swap: the next command finds the old or the new tree, whole', async () => {
    // GIVEN the steps of a synth B over A
    const steps = traceSteps();
    const journal = steps.findIndex((s) => s.split(' ')[1] === 'journal') + 1;
    expect(steps.length).toBeGreaterThan(40);
    expect(journal).toBeGreaterThan(10);
    // WHEN synth B is killed at step k, for every k, and the next command repairs
    const outcomes = await pool(steps.map((s, i) => async () => {
      const k = i + 1;
      const root = oldRoot(`kill${k}`);
      const r = await exited(driver(['synth', 'B', root], { HOMELAB_FAULT: `kill@${k}` }));
      expect({ k, signal: r.signal }).toEqual({ k, signal: 'SIGKILL' });
      const left = fs.readdirSync(root).filter((e) => e.startsWith('.homelab-'));
      recoverOutputs(root);
      // THEN: old until the journal is written, new from the first rename on
      const tree = expectWholeTree(root, k <= journal ? 'A' : 'B');
      fs.rmSync(root, { recursive: true });
      return { k, step: s, left: left.length > 0, tree };
    }));
    // every kill left something behind (a lock, a stage) that the next command cleaned up
    expect(outcomes.filter((o) => !o.left)).toEqual([]);
  }, 240_000);

  test('a kill during the repair is repaired by the command after it', async () => {
    // GIVEN a synth killed in the middle of its renames, whose repair is traced
    const steps = traceSteps();
    const mid = Math.floor(steps.length * 0.75);
    const setup = async (name: string) => {
      const root = oldRoot(name);
      expect((await exited(driver(['synth', 'B', root], { HOMELAB_FAULT: `kill@${mid}` }))).signal).toBe('SIGKILL');
      return root;
    };
    const probe = await setup('repair-trace');
    const trace = `${probe}.trace`;
    expect((await exited(driver(['recover', probe], { HOMELAB_FAULT: `trace:${trace}` }))).code).toBe(0);
    const repairSteps = fs.readFileSync(trace, 'utf8').trim().split('\n').length;
    fs.rmSync(trace);
    expectWholeTree(probe, 'B');
    fs.rmSync(probe, { recursive: true });
    expect(repairSteps).toBeGreaterThan(3);
    // WHEN the repair is killed at each of its steps, then another command runs
    await pool(Array.from({ length: repairSteps }, (_, j) => async () => {
      const root = await setup(`repair${j + 1}`);
      expect((await exited(driver(['recover', root], { HOMELAB_FAULT: `kill@${j + 1}` }))).signal).toBe('SIGKILL');
      recoverOutputs(root);
      // THEN the swap was finished: the new tree, whole
      expectWholeTree(root, 'B');
      fs.rmSync(root, { recursive: true });
    }));
  }, 120_000);

  test('a kill while a failed swap is being undone: the next command finishes the undo', async () => {
    const steps = traceSteps();
    const renames = steps.map((s, i) => [i + 1, s.split(' ')[1]] as const).filter(([, n]) => n === 'rename').map(([k]) => k);
    const failAt = renames[Math.floor(renames.length / 2)];
    // the undo takes back ~half the renames: kill it at each of its first steps
    await pool([1, 2, 3, 4, 5, 8].map((j) => async () => {
      const root = oldRoot(`undo${j}`);
      const r = await exited(driver(['synth', 'B', root], { HOMELAB_FAULT: `fail@${failAt}:EIO,kill@${failAt + j}` }));
      expect(r.signal).toBe('SIGKILL');
      recoverOutputs(root);
      // killed before 'back' was recorded (j = 1), the next command finishes the swap instead: whole too
      expectWholeTree(root, j === 1 ? 'B' : 'A');
      fs.rmSync(root, { recursive: true });
    }));
  }, 120_000);
});

describe('two synths on one output root', () => {
  test('are serialized: both succeed, the tree is whole, your files intact', async () => {
    // GIVEN tree A; WHEN two slowed synths (A and B) start at once
    const root = oldRoot('two');
    const runs = await Promise.all([
      exited(driver(['synth', 'A', root], { HOMELAB_FAULT: 'slow:15' })),
      exited(driver(['synth', 'B', root], { HOMELAB_FAULT: 'slow:15' })),
    ]);
    // THEN
    expect(runs.map((r) => [r.code, r.stderr])).toEqual([[0, ''], [0, '']]);
    expectWholeTree(root, 'A or B');
    fs.rmSync(root, { recursive: true });
  }, 60_000);

  test('the second gives up after HOMELAB_LOCK_WAIT, naming the holder\'s pid, and writes nothing', async () => {
    // GIVEN a slow synth B holding the lock
    const root = oldRoot('wait');
    const first = driver(['synth', 'B', root], { HOMELAB_FAULT: 'slow:100' });
    const firstExit = exited(first);
    while (!fs.existsSync(path.join(root, LOCK_FILE))) await new Promise((r) => setTimeout(r, 20));
    // WHEN a second one waits at most 0.3 s
    const second = await exited(driver(['synth', 'A', root], { HOMELAB_LOCK_WAIT: '0.3' }));
    // THEN it fails with the holder's pid, and the first completes
    expect(second.code).toBe(1);
    expect(second.stderr).toBe(`homelab: synth failed; nothing was written\n  [${root}] Output.lock: another homelab run (pid ${first.pid}) is writing this output root; waited 0.3 s (got ${first.pid}); one output root serves one synth at a time: wait for it to finish (HOMELAB_LOCK_WAIT sets the wait in seconds), stop it, or use another --out\n`);
    expect((await firstExit).code).toBe(0);
    expectWholeTree(root, 'B');
    fs.rmSync(root, { recursive: true });
  }, 60_000);

  test('a lock left by a dead process is taken over', () => {
    // GIVEN a lock whose pid is gone (a process that has exited)
    const root = oldRoot('stale');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    fs.writeFileSync(path.join(root, LOCK_FILE), JSON.stringify({ pid: Number(dead.stdout), host: os.hostname() }));
    // WHEN synth runs (without waiting)
    process.env.HOMELAB_LOCK_WAIT = '0';
    try { synthInProcess(root, 'B'); } finally { delete process.env.HOMELAB_LOCK_WAIT; }
    // THEN
    expectWholeTree(root, 'B');
    fs.rmSync(root, { recursive: true });
  });

  test('fails on a live lock without waiting when HOMELAB_LOCK_WAIT=0', () => {
    const root = oldRoot('live');
    fs.writeFileSync(path.join(root, LOCK_FILE), JSON.stringify({ pid: process.ppid, host: os.hostname() }));
    expect(() => OutputLock.acquire(root, 0)).toThrow(new RegExp(`Output\\.lock: another homelab run \\(pid ${process.ppid}\\)`));
    fs.rmSync(path.join(root, LOCK_FILE));
    expectWholeTree(root, 'A');
    fs.rmSync(root, { recursive: true });
  });
});

describe('an output folder that cannot be changed', () => {
  test('fails in the house format, undoes the folders already swapped, and says they are old', () => {
    // GIVEN tree A with nixos/ (the third folder) frozen
    const root = oldRoot('frozen');
    const thaw = freezeDir(path.join(root, 'nixos'));
    if (!thaw) {
      console.warn('chattr +i not possible here: the unchangeable folder is simulated (EPERM at the first nixos/ rename)');
      process.env.HOMELAB_FAULT = `fail@${traceSteps().findIndex((s) => / rename .*\/nixos\//.test(s)) + 1}:EPERM`;
    }
    let error: any;
    try {
      // WHEN
      try { synthInProcess(root, 'B'); } catch (e) { error = e; }
    } finally {
      thaw?.();
    }
    // THEN
    expect(error?.isHomelabOutputError).toBe(true);
    expect(error.outcome).toBe('nothing was replaced: dist/, cdktf.out/, nixos/ and routers/ are old'.replace(/(dist|cdktf\.out|nixos|routers)\//g, (d) => `${path.join(root, d.slice(0, -1))}/`));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0].message).toMatch(/^\[.*nixos\/\.homelab-owned\] Output\.rename: (not permitted|permission denied)/);
    expectWholeTree(root, 'A');
    fs.rmSync(root, { recursive: true });
  });

  test('when even the undo fails, says which folders are new and which old; the next command finishes the undo', () => {
    const root = oldRoot('stuck');
    const steps = traceSteps();
    const nixosRename = steps.findIndex((s) => / rename .*\/nixos\//.test(s)) + 1;
    // the first nixos/ rename fails; then the undo of dist/'s last install fails too
    process.env.HOMELAB_FAULT = `fail@${nixosRename}:EPERM,fail@${nixosRename + 2}:EIO`;
    let error: any;
    try { synthInProcess(root, 'B'); } catch (e) { error = e; }
    delete process.env.HOMELAB_FAULT;
    const d = (n: string) => `${path.join(root, n)}/`;
    // (step +1 records the undo in the journal; +2, the first undo, fails)
    expect(error?.outcome).toBe(`the swap failed and could not be undone: ${d('dist')} and ${d('cdktf.out')} are new; ${d('nixos')} and ${d('routers')} are old; the next homelab command finishes undoing it`);
    expect(fs.readdirSync(root).filter((e) => e.startsWith('.homelab-tmp-'))).toHaveLength(1);
    recoverOutputs(root);
    expectWholeTree(root, 'A');
    fs.rmSync(root, { recursive: true });
  });
});

describe('a full file system', () => {
  test('while staging: the house format, nothing written, nothing left', () => {
    const root = oldRoot('enospc');
    process.env.HOMELAB_FAULT = 'fail@5:ENOSPC';
    let error: any;
    try { synthInProcess(root, 'B'); } catch (e) { error = e; }
    expect(error?.outcome).toBe('nothing was written');
    expect(error.problems.map((p: any) => p.message)).toEqual([
      `[${path.join(root, 'cdktf.out/manifest.json')}] Output.write: no space left on the file system (got "ENOSPC"); free space there and run synth again`,
    ]);
    expectWholeTree(root, 'A');
    fs.rmSync(root, { recursive: true });
  });

  test('at any rename: undone, every folder old', () => {
    const steps = traceSteps();
    const renames = steps.map((s, i) => [i + 1, s] as const).filter(([, s]) => s.split(' ')[1] === 'rename');
    for (const [k] of renames) {
      const root = oldRoot(`enospc${k}`);
      _resetFaultSteps();
      process.env.HOMELAB_FAULT = `fail@${k}:ENOSPC`;
      let error: any;
      try { synthInProcess(root, 'B'); } catch (e) { error = e; }
      delete process.env.HOMELAB_FAULT;
      expect({ k, outcome: error?.outcome }).toEqual({ k, outcome: expect.stringMatching(/^nothing was replaced: .* are old$/) });
      expectWholeTree(root, 'A');
      fs.rmSync(root, { recursive: true });
    }
  });

  test('when the journal cannot be written: nothing was written', () => {
    const root = oldRoot('journal');
    const journal = traceSteps().findIndex((s) => s.split(' ')[1] === 'journal') + 1;
    process.env.HOMELAB_FAULT = `fail@${journal}:ENOSPC`;
    expect(() => synthInProcess(root, 'B')).toThrow(HomelabOutputError);
    expectWholeTree(root, 'A');
    fs.rmSync(root, { recursive: true });
  });
});
