/**
 * `homelab synth` of the reference homelab under faults, through the real command: two synths into
 * one --out, an output folder that cannot be changed, and kills during the swap followed by another
 * command (`homelab plan`). Files of yours inside and beside the outputs must survive each.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expectFilesIntact, freezeDir, treeHash, writeFiles } from '../helpers/tree';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin/homelab.js');
const APP = path.join(ROOT, 'apps/main.ts');
const tmp = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `homelab-cliswap-${name}-`));

const USER_FILES: Record<string, string> = {
  'secrets/secrets.yaml': 'k3s-token: ENC[AES256_GCM,data:abc=,type:str]\n',
  'nixos/secrets/secrets.yaml': 'legacy: ENC[AES256_GCM,data:old=,type:str]\n',
  'nixos/flake.lock': '{ "nodes": {} }\n',
  'cdktf.out/stacks/example/.terraform.lock.hcl': '# terraform init\n',
};
const isUser = (f: string) => f in USER_FILES;

const addUserFiles = (root: string) => writeFiles(root, USER_FILES);

const expectUserFilesIntact = (root: string) => expectFilesIntact(root, USER_FILES);

const run = (args: string[], env: Record<string, string> = {}, cwd = ROOT) =>
  spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...env } });

function runAsync(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })));
}

/** The reference homelab's tree (old: the CSV plans' tree, a different homelab, for the kill tests). */
let appTree: Record<string, string>;
let plansTree: Record<string, string>;

beforeAll(() => {
  const a = tmp('app');
  expect(run(['synth', '--app', APP, '--out', a]).status).toBe(0);
  appTree = treeHash(a);
  const p = tmp('plans');
  expect(run(['synth', '--plans', 'examples/plans', '--out', p]).status).toBe(0);
  plansTree = treeHash(p);
  fs.rmSync(a, { recursive: true });
  fs.rmSync(p, { recursive: true });
}, 60_000);

test('two synths into one --out both succeed, one after the other; your files survive', async () => {
  // GIVEN earlier outputs and files of yours
  const out = tmp('two');
  expect(run(['synth', '--app', APP, '--out', out]).status).toBe(0);
  addUserFiles(out);
  // WHEN two synths run at once, their renames slowed
  const [a, b] = await Promise.all([0, 1].map(() => runAsync(['synth', '--app', APP, '--out', out], { HOMELAB_FAULT: 'slow:5' })));
  // THEN
  expect([a.code, b.code]).toEqual([0, 0]);
  expect(treeHash(out, isUser)).toEqual(appTree);
  expectUserFilesIntact(out);
  fs.rmSync(out, { recursive: true });
}, 120_000);

test('an output folder that cannot be changed: exit 1 in the house format, every output as before', () => {
  // GIVEN earlier outputs (of another homelab) with nixos/ frozen
  const out = tmp('frozen');
  expect(run(['synth', '--plans', 'examples/plans', '--out', out]).status).toBe(0);
  addUserFiles(out);
  const before = treeHash(out);
  const thaw = freezeDir(path.join(out, 'nixos'));
  let env: Record<string, string> = {};
  if (!thaw) {
    // no immutable folders here (a container without CAP_LINUX_IMMUTABLE): the same error, injected
    console.warn('chattr +i not possible here: the unchangeable folder is simulated (EPERM at the first nixos/ rename)');
    const trace = path.join(out, '..', `${path.basename(out)}.trace`);
    run(['synth', '--app', APP, '--out', tmp('trace')], { HOMELAB_FAULT: `trace:${trace}` });
    const k = fs.readFileSync(trace, 'utf8').trim().split('\n').findIndex((s) => / rename .*\/nixos\//.test(s)) + 1;
    env = { HOMELAB_FAULT: `fail@${k}:EPERM` };
  }
  let r: ReturnType<typeof run>;
  try {
    // WHEN
    r = run(['synth', '--app', APP, '--out', '.'], env, out);
  } finally {
    thaw?.();
  }
  // THEN
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/^homelab: synth failed; nothing was replaced: dist\/, cdktf\.out\/, nixos\/ and routers\/ are old\n {2}\[nixos\/\.homelab-owned\] Output\.rename: (not permitted \(read-only, immutable or a mount point\) \(got "EPERM"\)|permission denied \(got "EACCES"\)); make the output folders/);
  expect(r.stderr).not.toContain('nothing was written');
  expect(r.stderr).not.toMatch(/\n {4}at /); // no stack trace
  expect(treeHash(out)).toEqual(before);
  expectUserFilesIntact(out);
  fs.rmSync(out, { recursive: true });
}, 60_000);

test('killed during the swap: the next command (homelab plan) leaves the old or the new tree, whole', async () => {
  // GIVEN the steps of a synth of the reference homelab over the plans' outputs
  const probe = tmp('trace');
  expect(run(['synth', '--plans', 'examples/plans', '--out', probe]).status).toBe(0);
  const trace = `${probe}.trace`;
  expect(run(['synth', '--app', APP, '--out', probe], { HOMELAB_FAULT: `trace:${trace}` }).status).toBe(0);
  const steps = fs.readFileSync(trace, 'utf8').trim().split('\n').map((s) => s.split(' ')[1]);
  fs.rmSync(trace);
  fs.rmSync(probe, { recursive: true });
  const journal = steps.indexOf('journal') + 1;
  const lastRename = steps.lastIndexOf('rename') + 1;
  // kill points: before the journal, in the middle of the renames, at the cleanup (test/synth/output.test.ts kills at every step)
  const points = [journal, Math.floor((journal + lastRename) / 2), steps.length];
  for (const k of points) {
    const out = tmp(`kill${k}`);
    expect(run(['synth', '--plans', 'examples/plans', '--out', out]).status).toBe(0);
    addUserFiles(out);
    // WHEN synth is killed at step k, then another command runs
    const killed = run(['synth', '--app', APP, '--out', out], { HOMELAB_FAULT: `kill@${k}` });
    expect({ k, signal: killed.signal }).toEqual({ k, signal: 'SIGKILL' });
    const next = run(['plan', '--app', APP], { HOMELAB_OUT: out });
    expect({ k, status: next.status, stderr: next.stderr }).toEqual({ k, status: 0, stderr: '' });
    // THEN
    expect({ k, tree: treeHash(out, isUser) }).toEqual({ k, tree: k <= journal ? plansTree : appTree });
    expectUserFilesIntact(out);
    fs.rmSync(out, { recursive: true });
  }
}, 180_000);
